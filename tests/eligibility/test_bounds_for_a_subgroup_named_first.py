"""A measured bound asked of a subgroup named first (`rules.subgroup_leads`).

"For patients with diabetes: HbA1c < 9%" was read as the population branch all-of(diabetes,
HbA1c < 9%): a patient without diabetes failed the inclusion and was called ineligible. The
bound is asked only of the diabetic patients: any-of(NOT diabetes, HbA1c < 9%), as "HbA1c < 9%
in patients with diabetes" already read. In an exclusion "In diabetic patients, HbA1c > 10%"
was any-of(diabetes, HbA1c > 10%) — every diabetic patient excluded — and is all-of.
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


def _compiled(section: str, text: str) -> str | None:
    return bullet_signature(text, section)


@pytest.mark.parametrize(
    ("section", "text", "expected"),
    [
        (
            "Inclusion",
            "For patients with diabetes: HbA1c < 9%",
            "any-of(NOT condition:diabetes-mellitus, lab:hba1c:<9%)",
        ),
        (
            "Inclusion",
            "In diabetic patients, HbA1c ≤ 8%",
            "any-of(NOT condition:diabetes-mellitus, lab:hba1c:<=8%)",
        ),
        (
            "Inclusion",
            "Patients with HIV must have CD4 > 350",
            "any-of(NOT condition:hiv, lab:cd4:>0.3510*3/uL)",
        ),
        (
            "Inclusion",
            "For patients on warfarin: INR ≤ 3",
            "any-of(NOT medication:warfarin, lab:inr:<=3)",
        ),
        (
            "Inclusion",
            "For patients with liver metastases: ALT ≤ 5 × ULN",
            "any-of(NOT condition:liver-metastases, lab:alt:<=5xULN)",
        ),
        (
            "Exclusion",
            "In diabetic patients, HbA1c > 10%",
            "all-of(condition:diabetes-mellitus, lab:hba1c:>10%)",
        ),
        (
            "Exclusion",
            "For patients with diabetes: HbA1c > 9%",
            "all-of(condition:diabetes-mellitus, lab:hba1c:>9%)",
        ),
        # Not a measured bound, or no word that makes it conditional: other readings.
        (
            "Inclusion",
            "Patients with hypothyroidism must be on a stable dose of levothyroxine",
            None,
        ),
        (
            "Inclusion",
            "HIV-positive patients with CD4 count > 350 cells/mm3",
            "all-of(condition:hiv, lab:cd4:>0.3510*3/uL)",
        ),
    ],
)
def test_a_bound_for_a_subgroup_named_first(section: str, text: str, expected: str | None) -> None:
    assert _compiled(section, text) == expected


DIABETES = condition(
    "Type 2 diabetes mellitus (HCC)",
    (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
    onset="2015-03-01",
)


def _hba1c(value: float) -> dict:
    return observation(
        (LOINC, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"),
        "2026-10-15",
        valueQuantity={"value": value, "unit": "%", "system": "http://unitsofmeasure.org"},
    )


def test_a_patient_without_diabetes_meets_the_diabetic_patients_bound() -> None:
    text = criteria_text(["Age 18 or older", "For patients with diabetes: HbA1c < 9%"], [])
    hypertension = condition(
        "Essential hypertension", (ICD, "I10", "Essential (primary) hypertension")
    )
    assert verdict_of_study(text, record(patient(), hypertension)) == "eligible"
    assert verdict_of_study(text, record(patient(), DIABETES, _hba1c(7.4))) == "eligible"
    assert verdict_of_study(text, record(patient(), DIABETES, _hba1c(10.2))) == "ineligible"


def test_a_diabetic_patient_with_a_good_hba1c_is_not_excluded() -> None:
    text = criteria_text(["Age 18 or older"], ["In diabetic patients, HbA1c > 10%"])
    assert verdict_of_study(text, record(patient(), DIABETES, _hba1c(7.4))) == "eligible"
    assert verdict_of_study(text, record(patient(), DIABETES, _hba1c(11.0))) == "ineligible"
