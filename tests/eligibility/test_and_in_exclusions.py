"""An exclusion's "and" between a diagnosis and a measured value is one patient, not a list
(`rules.exclusion_conjunctions`).

"Patients with diabetes and HbA1c > 10%" compiled to any-of(diabetes, HbA1c > 10%): every
diabetic patient was ineligible, whatever their HbA1c. "Age > 65 years and diabetes" excluded
everyone over 65. Lists of one kind ("Pregnancy and lactation", "Neurological and psychiatric
disorders") and of people ("Children, adults under 21 years of age, and pregnant women") still
exclude on each item.
"""

from __future__ import annotations

import pytest

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
from tests.eligibility.signature import bullet_signature


def _exclusion(text: str) -> str | None:
    return bullet_signature(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Patients with diabetes and HbA1c > 10%",
            "all-of(condition:diabetes-mellitus, lab:hba1c:>10%)",
        ),
        (
            "HIV infection and CD4 count < 200 cells/mm3",
            "all-of(condition:hiv, lab:cd4:<0.210*3/uL)",
        ),
        ("Heart failure and LVEF < 40%", "all-of(condition:heart-failure, lab:lvef:<40%)"),
        ("Patients on warfarin and INR > 3", "all-of(medication:warfarin, lab:inr:>3)"),
        # Kinds side by side that may be a list or one patient: text.
        ("Age > 65 years and diabetes", None),
        ("Smokers and age over 40", None),
        # Lists.
        ("Pregnancy and lactation", "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding)"),
        (
            "Neurological and psychiatric disorders",
            "any-of(condition:neurological-disease, condition:mental-disorder)",
        ),
        (
            "Children, adults under 21 years of age, and pregnant women",
            "any-of(age:<21a, pregnancy:pregnancy)",
        ),
        (
            "body mass index below 20 and above 30 kg/m2",
            "any-of(lab:bmi:<20kg/m2, lab:bmi:>30kg/m2)",
        ),
        # "or" is a list whatever the kinds.
        (
            "Type 1 or Type 2 Diabetes diagnosis or fasting plasma glucose ≥126 mg/dL",
            # (either type: `test_fifteenth_session_audit`)
            "any-of(any-of(condition:diabetes-type-1, condition:diabetes-type-2),"
            " lab:fasting-glucose:>=126mg/dL)",
        ),
    ],
)
def test_and_between_a_diagnosis_and_a_value_is_one_patient(
    text: str, expected: str | None
) -> None:
    assert _exclusion(text) == expected


DIABETES = condition(
    "Type 2 diabetes mellitus without complication, without long-term current use of insulin",
    (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
    onset="2015-03-01",
)
HBA1C_7 = observation(
    (LOINC, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"),
    "2026-10-15",
    valueQuantity={"value": 7.1, "unit": "%", "system": "http://unitsofmeasure.org"},
)


def test_a_diabetic_patient_with_a_good_hba1c_is_not_ruled_out() -> None:
    text = criteria_text(["Age 18 or older"], ["Patients with diabetes and HbA1c > 10%"])
    assert verdict_of_study(text, record(patient(), DIABETES, HBA1C_7)) == "eligible"


def test_a_patient_over_65_without_diabetes_is_not_ruled_out() -> None:
    text = criteria_text(["Age 18 or older"], ["Age > 65 years and diabetes"])
    assert verdict_of_study(text, record(patient(born="1950-01-01"))) != "ineligible"
