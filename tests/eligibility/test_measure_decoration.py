"""A measure or an age the finders read in full, with decoration around it that a record need
not decide: a unit spelled in words or odd symbols ("kg/meter square", "kg∙m-2", "mm of Hg"),
a bracket spelling the abbreviation out ("HbA1c (glycated haemoglobin)"), a trailing "regardless
of sex" / "in both men and women", "is required for inclusion", "at the time of screening for
eligibility". The decoration goes; every number and comparator stays accounted for."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    LOINC,
    observation,
    patient,
    record,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import bullet_signature, signature

_BMI_30 = "lab:bmi:>=30kg/m2"

UNIT_SPELLINGS = [
    ("BMI ≥ 30 kg/meter square", _BMI_30),
    ("BMI >= 30 kg/metre squared", _BMI_30),
    ("Body mass index ≥ 30 kg/m sq", _BMI_30),
    ("BMI ≥ 30 kg∙m-2", _BMI_30),
    ("BMI ≥ 30 kg.m-2", _BMI_30),
    ("BMI ≥ 30 kg m-2", _BMI_30),
    ("BMI ≥ 30 kg per square meter", _BMI_30),
    ("BMI ≥ 30 kg/sq m", _BMI_30),
    ("BMI between 18.5 and 30 kg/meter square", "all-of(lab:bmi:>=18.5kg/m2, lab:bmi:<=30kg/m2)"),
    ("BMI 18-30 kg m-2", "all-of(lab:bmi:>=18kg/m2, lab:bmi:<=30kg/m2)"),
    ("Systolic blood pressure ≥ 140 mm of Hg", "lab:systolic-bp:>=140mm[Hg]"),
    ("Diastolic blood pressure < 90 mm of Hg", "lab:diastolic-bp:<90mm[Hg]"),
]

WORDED_UNITS = [
    ("Hemoglobin ≥ 9 grams per deciliter", "lab:hemoglobin:>=9g/dL"),
    ("Hemoglobin ≥ 9 g per dL", "lab:hemoglobin:>=9g/dL"),
    ("Creatinine ≤ 1.5 milligrams per deciliter", "lab:creatinine:<=1.5mg/dL"),
    ("Creatinine ≤ 133 micromoles per liter", "lab:creatinine:<=133umol/L"),
    ("Potassium ≥ 3.5 millimoles per litre", "lab:potassium:>=3.5mmol/L"),
    ("Potassium ≥ 3.5 mmol/litre", "lab:potassium:>=3.5mmol/L"),
    ("Systolic blood pressure ≥ 140 millimeters of mercury", "lab:systolic-bp:>=140mm[Hg]"),
]

BMI_FORMULAS = [
    ("BMI > 40 (BMI=weight in kg / [height in meters]2)", "lab:bmi:>40kg/m2"),
    (
        "BMI : 18-30 kg/m2 (Body Mass Index [BMI] [kg/m2] = Body weight [kg] Height2 [m2])",
        "all-of(lab:bmi:>=18kg/m2, lab:bmi:<=30kg/m2)",
    ),
    ("BMI ≥ 30 kg/m2 (calculated as weight/height²)", _BMI_30),
    ("BMI ≥ 30 kg/m2 (weight in kilograms divided by height in meters squared)", _BMI_30),
]

RESTATED_NAMES = [
    ("HbA1c (glycated haemoglobin) ≥ 7%", "lab:hba1c:>=7%"),
    (
        "HbA1c (glycosylated hemoglobin) between 7% and 10%",
        "all-of(lab:hba1c:>=7%, lab:hba1c:<=10%)",
    ),
    ("ANC (absolute neutrophil count) ≥ 1500/µL", "lab:anc:>=1.510*3/uL"),
    ("ALT (alanine aminotransferase) ≤ 2.5 x ULN", "lab:alt:<=2.5xULN"),
]

TRAILING_WORDS = [
    ("BMI ≥ 30 kg/m2 regardless of sex", _BMI_30),
    ("BMI ≥ 30 kg/m2, regardless of gender.", _BMI_30),
    ("HbA1c ≥ 7% irrespective of gender", "lab:hba1c:>=7%"),
    ("Aged 18 to 65 years in both men and women", "age:18..65a"),
    ("Age 18-65 years, for both sexes", "age:18..65a"),
    ("A body mass index (BMI) of 25 or greater is required for inclusion.", "lab:bmi:>=25kg/m2"),
    ("Hemoglobin ≥ 9 g/dL is required for eligibility", "lab:hemoglobin:>=9g/dL"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    UNIT_SPELLINGS + WORDED_UNITS + BMI_FORMULAS + RESTATED_NAMES + TRAILING_WORDS,
)
def test_decorated_measure_reads_as_the_measure(text: str, expected: str) -> None:
    assert bullet_signature(text, "Inclusion") == expected


def test_a_moment_for_eligibility_is_the_moment_of_screening() -> None:
    assert bullet_signature("CD4 count < 200 at the time of screening for eligibility.") == (
        "lab:cd4:<0.210*3/uL"
    )


STAY_TEXT = [
    # Not the same lab in the brackets: not a restatement.
    "Hemoglobin (HbA1c) ≥ 7%",
    # A number after the unit that is no exponent of it.
    "BMI ≥ 30 kg/m-22",
    # Whose measure: the mother's age is not the participant's.
    "Maternal age ≥ 35 years",
    # Gender identity is no sex.
    "BMI ≥ 30 regardless of gender identity",
    # A formula with another number, or a bound inside it: not only the square.
    "BMI ≥ 30 kg/m2 (weight/height 3)",
    "BMI ≥ 30 kg/m2 (weight > 100 kg / height)",
    "BMI ≥ 30 kg/m2 (weight and height measured at screening)",
    # A mass alone is no concentration.
    "Hemoglobin ≥ 9 grams",
]


@pytest.mark.parametrize("text", STAY_TEXT)
def test_other_words_around_a_measure_stay_text(text: str) -> None:
    assert bullet_signature(text, "Inclusion") in (None, "text")


def test_required_for_inclusion_is_no_residue() -> None:
    # "is required for inclusion" says nothing: the bound in full, never all-of(bound, TEXT)
    # (this case was in test_measure_parts as "not a residue": it is now read in full).
    criterion = compile_text("A BMI of 25 or greater is required for inclusion.", partial=True)
    assert signature(criterion) == "lab:bmi:>=25kg/m2"


def test_required_for_inclusion_in_an_exclusion_list_stays_text() -> None:
    assert bullet_signature("A BMI of 25 or greater is required for inclusion.") in (None, "text")


def _bmi(value: float) -> dict:
    return observation(
        (LOINC, "39156-5", "Body mass index (BMI) [Ratio]"),
        "2026-11-20",
        valueQuantity={
            "value": value,
            "unit": "kg/m2",
            "system": "http://unitsofmeasure.org",
            "code": "kg/m2",
        },
    )


def test_a_bmi_spelled_in_words_decides_an_ehr_record() -> None:
    bullet = "Body mass index ≥ 30 kg/meter square, regardless of sex"
    assert verdict_of_inclusion_bullet(bullet, record(patient(), _bmi(32.4))) == "eligible"
    assert verdict_of_inclusion_bullet(bullet, record(patient(), _bmi(24.1))) == "ineligible"
