"""A diagnosis and only how it was made: no review left over (audit of the inclusion readings,
fourteenth session).

What a user notices: "PTSD (as determined by the CAPS-5)", "aphasia, as determined by the Aachen
Aphasia Test (AAT)" and "Adult patients with IBS according to Rome IV criteria" ask for the
diagnosis itself — the interview, the test or the criteria set say how it was made, as "LV
thrombus as assessed by TTE" does — so a patient whose record holds it meets the bullet instead of
being left to review. What must never happen: a score or threshold on the instrument lost with
it, or what else the bullet asks (a duration) dropped.
"""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    condition,
    patient,
    record,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        (  # NCT03933059 inc-3
            "Currently meet criteria for a diagnosis of posttraumatic stress disorder (as "
            "determined by the CAPS-5);",
            "Posttraumatic stress disorder",
        ),
        ("aphasia, as determined by the Aachen Aphasia Test (AAT);", "Aphasia"),  # NCT03930121
        ("Major depressive disorder as diagnosed by the SCID-5", "Major depressive disorder"),
    ],
)
def test_the_instrument_that_made_the_diagnosis_adds_nothing(text: str, plain: str) -> None:
    expected = bullet_signature(plain, "Inclusion")
    assert expected is not None and "text" not in expected
    assert bullet_signature(text, "Inclusion") == expected


def test_ptsd_reads_as_its_code() -> None:
    text = (
        "Currently meet criteria for a diagnosis of posttraumatic stress disorder (as determined "
        "by the CAPS-5);"
    )
    assert bullet_signature(text, "Inclusion") == "condition:icd10cm:F43.1"


def test_a_recorded_ptsd_meets_the_bullet() -> None:
    text = "Posttraumatic stress disorder (as determined by the CAPS-5)"
    ptsd = record(
        patient(),
        condition("PTSD", (ICD, "F43.10", "Post-traumatic stress disorder, unspecified")),
    )
    assert verdict_of_inclusion_bullet(text, ptsd) == "eligible"


@pytest.mark.parametrize(
    "text",
    [
        # a screening questionnaire's score is no diagnosis: the study decides by it
        "Depression as assessed by the PHQ-9",
        # a threshold on the instrument is more than how the diagnosis was made
        "Posttraumatic stress disorder as determined by a CAPS-5 total score >= 33",
        # the duration the bullet asks for stays for review (NCT03864614 inc-1)
        "Subject has a diagnosis of MDD as diagnosed by SCID-5-CT, with symptoms that have been "
        "present for at least a 4-week period.",
    ],
)
def test_what_else_the_bullet_asks_is_kept(text: str) -> None:
    read = bullet_signature(text, "Inclusion")
    assert read is None or "text" in read


def test_an_adult_with_a_diagnosis_made_by_named_criteria() -> None:
    # NCT03869359 inc-1: the adult lead's age and the diagnosis, nothing left for review
    text = "Adult patients with IBS according to Rome IV criteria"
    assert bullet_signature(text, "Inclusion") == "all-of(age:>=18a, condition:icd10cm:K58)"
