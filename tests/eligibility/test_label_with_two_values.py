"""A diagnosis named with the two values that define it ("Hypertension (systolic ≥ 140 mmHg or
diastolic ≥ 90 mmHg)") is the diagnosis with either value, as "Hypertension with systolic BP > 160
or diastolic BP > 100 mmHg" and "Uncontrolled hypertension (BP > 160/100 mmHg)" already were.
Read as the two bare values, one high reading in a patient without hypertension excluded him
(docs/eligibility-model.md: one high reading is not the disease)."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    criteria_text,
    observation,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

_EITHER_BP_180_110 = "any-of(lab:systolic-bp:>180mm[Hg], lab:diastolic-bp:>110mm[Hg])"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Severe uncontrolled hypertension (SBP>180 mmHg or diastolic blood pressure >110 mmHg)",
            f"all-of(condition:hypertension, {_EITHER_BP_180_110})",
        ),
        (
            "Hypertension (≥140 mmHg systolic and/or ≥90 mmHg diastolic)",
            "all-of(condition:hypertension, "
            "any-of(lab:systolic-bp:>=140mm[Hg], lab:diastolic-bp:>=90mm[Hg]))",
        ),
        (
            "Hypertension as defined by sitting systolic BP > 160 mm Hg or sitting diastolic BP "
            "> 100 mm Hg",
            "all-of(condition:hypertension, "
            "any-of(lab:systolic-bp:>160mm[Hg], lab:diastolic-bp:>100mm[Hg]))",
        ),
        (
            "Uncontrolled diabetes (HbA1c > 9% or fasting glucose > 200 mg/dL)",
            "all-of(condition:diabetes-mellitus, "
            "any-of(lab:hba1c:>9%, lab:fasting-glucose:>200mg/dL))",
        ),
    ],
)
def test_a_diagnosis_defined_by_two_values_is_read_with_them(text: str, expected: str) -> None:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None
    assert signature(criterion) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Values without a diagnosis named before them are the values.
        (
            "Systolic BP > 180 or diastolic BP > 110 mmHg",
            _EITHER_BP_180_110,
        ),
        # One value closing the label, as before.
        (
            "Uncontrolled hypertension (systolic > 160 mmHg)",
            "all-of(condition:hypertension, lab:systolic-bp:>160mm[Hg])",
        ),
    ],
)
def test_other_forms_are_unchanged(text: str, expected: str) -> None:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None
    assert signature(criterion) == expected


def _systolic(value: int) -> dict:
    return observation(
        (LOINC, "8480-6", "Systolic blood pressure"),
        "2026-11-20",
        valueQuantity={"value": value, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org"},
    )


STUDY = criteria_text(
    ["Age 18 or older"],
    ["Severe uncontrolled hypertension (SBP>180 mmHg or diastolic blood pressure >110 mmHg)"],
)


def test_one_high_reading_without_hypertension_does_not_rule_a_patient_out() -> None:
    asthmatic = record(
        patient(gender="male", born="1970-05-05"),
        condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated")),
        _systolic(185),
    )
    assert verdict_of_study(STUDY, asthmatic) != "ineligible"


def test_hypertension_with_a_high_reading_still_excludes() -> None:
    hypertensive = record(
        patient(gender="male", born="1970-05-05"),
        condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension")),
        _systolic(185),
    )
    assert verdict_of_study(STUDY, hypertensive) == "ineligible"
