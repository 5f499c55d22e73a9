"""A diagnosis named as what a treatment is for ("Treatment for seizure disorders") is a
necessary part of the bullet, never the whole of it: a patient with the diagnosis and no
treatment for it is not excluded by the text (rules/treated_diagnoses.py)."""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        ("Treatment for seizure disorders", "Exclusion", "all-of(condition:epilepsy, text)"),
        (
            "Currently treated for diabetes",
            "Exclusion",
            "all-of(condition:diabetes-mellitus, text)",
        ),
        (
            "People under treatment for hypertension",
            "Inclusion",
            "all-of(condition:hypertension, text)",
        ),
        (
            "being treated for heart failure, coronary artery disease or atrial fibrillation",
            "Inclusion",
            "all-of(any-of(condition:heart-failure, condition:coronary-artery-disease, "
            "condition:atrial-fibrillation), text)",
        ),
    ],
)
def test_the_diagnosis_a_treatment_is_for_is_a_necessary_part(
    text: str, section: str, expected: str
) -> None:
    assert bullet_signature(text, section) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # How long a treatment lasted, or a drug's own duration: not what it is for.
        ("Statin therapy for >2 years.", "medication:statin"),
        ("Epilepsy", "condition:epilepsy"),
    ],
)
def test_other_for_phrases_are_unchanged(text: str, expected: str) -> None:
    assert bullet_signature(text) == expected


EPILEPSY_IN_REMISSION = condition(
    "Epilepsy, not intractable, without status epilepticus",
    (ICD, "G40.909", "Epilepsy, unspecified, not intractable, without status epilepticus"),
)


def test_a_patient_with_epilepsy_and_no_treatment_is_not_ruled_out() -> None:
    text = criteria_text(["Age 18 or older"], ["Treatment for seizure disorders"])
    person = record(patient(gender="female", born="1980-03-03"), EPILEPSY_IN_REMISSION)
    assert verdict_of_study(text, person) != "ineligible"
