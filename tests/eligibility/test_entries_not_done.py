"""Procedure and problem-list entries about a procedure that was not done.

Epic and Cerner export "Kidney transplant evaluation", "Referral for liver transplant",
"Pacemaker interrogation" or "Hysterectomy consult" as Procedures (or problems): the words name
the procedure, but nothing was transplanted, implanted or removed. A device taken out
("Pacemaker removal") is an operation, not a device the patient still has.
"""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    CLINICAL,
    criteria_text,
    patient,
    procedure,
    record,
    verdict_of_study,
)


def _verdict(exclusion: str, *resources: dict) -> str:
    text = criteria_text(["Age 18 years or older"], [exclusion])
    return verdict_of_study(text, record(patient(), *resources))


@pytest.mark.parametrize(
    ("exclusion", "entry"),
    [
        ("Prior organ transplant", "Kidney transplant evaluation"),
        ("Prior organ transplant", "Referral for liver transplant"),
        ("Pacemaker", "Pacemaker interrogation"),
        ("Pacemaker", "Pacemaker removal"),
        ("Prior hysterectomy", "Hysterectomy consult"),
    ],
)
def test_a_procedure_not_done_never_excludes(exclusion: str, entry: str) -> None:
    assert _verdict(exclusion, procedure(entry, "2026-06-01")) != "ineligible"


@pytest.mark.parametrize(
    ("exclusion", "entry"),
    [
        ("Prior organ transplant", "Kidney transplant"),
        ("Pacemaker", "Insertion of permanent pacemaker"),
        ("Prior hysterectomy", "Total abdominal hysterectomy"),
    ],
)
def test_the_procedure_itself_still_excludes(exclusion: str, entry: str) -> None:
    assert _verdict(exclusion, procedure(entry, "2019-06-01")) == "ineligible"


def test_a_transplant_candidate_on_the_problem_list_has_no_transplant() -> None:
    candidate = {
        "resourceType": "Condition",
        "id": "candidate",
        "subject": {"reference": "Patient/p1"},
        "code": {"text": "Liver transplant candidate"},
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
    }
    assert _verdict("Prior organ transplant", candidate) == "eligible"
