"""Known diagnoses behind words that only narrow them, and criteria followed by their exceptions:
all-of(reading, TEXT). Such a bullet is not met when the record lacks what it reads, unknown
otherwise; it never makes a patient who has the diagnosis ineligible by itself."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from fhirtrial.eligibility.rules import read_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

MOTION_SICKNESS = "all-of(condition:icd10cm:T75.3, text)"
MALIGNANCY_5Y = "all-of(condition:malignant-neoplasm:w-1825,0,enrollment, text)"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Have a history of severe motion sickness", True, MOTION_SICKNESS),
        ("Severe psychiatric illness", True, "all-of(condition:mental-disorder, text)"),
        ("Other sleep disorders", True, "all-of(condition:icd10cm:G47, text)"),
        (
            "Severe coexisting liver or kidney disease",
            True,
            "all-of(any-of(condition:liver-disease, condition:kidney-disease), text)",
        ),
        ("Bilateral age-related cataract", False, "all-of(condition:icd10cm:H25, text)"),
        # Both sides as alternatives narrow nothing; "existence of" is "presence of".
        (
            "Unilateral and/or bilateral conductive hearing loss (CHL)",
            False,
            "condition:icd10cm:H90.0+H90.1+H90.2+H90.A1",
        ),
        ("Existence of mental and psychological diseases.", True, "condition:mental-disorder"),
        # Exceptions after the criterion.
        ("Pulmonary disease other than asthma.", True, "all-of(condition:lung-disease, text)"),
        (
            "Any other malignancies within the past 5 years except curatively treated "
            "non-melanoma skin cancer or in situ carcinoma of cervix uteri",
            True,
            MALIGNANCY_5Y,
        ),
        (
            "Use of antibiotics within 4 weeks prior to the time of recruitment (Except for "
            "antimalarial prophylaxis)",
            True,
            "all-of(medication:antibiotic:w-28,0,enrollment, text)",
        ),
        (
            "Substance abuse or dependence other than nicotine",
            True,
            "all-of(condition:substance-use-disorder, text)",
        ),
    ],
)
def test_a_narrowed_known_criterion_reads_as_its_kind(
    text: str, exclusion: bool, expected: str
) -> None:
    assert compile_text(text, exclusion=exclusion) is None  # not understood in full
    reading = read_text(text, exclusion=exclusion, partial=True)
    assert signature(reading.criterion) == expected


@pytest.mark.parametrize(
    ("text", "exclusion"),
    [
        # A negation: what "no X" denies, narrowed, is a wider inclusion.
        ("No severe motion sickness", False),
        ("Non-severe motion sickness", False),
        ("No diagnosis of malignancy (except non-melanoma skin cancer)", False),
        # "severe or …": the word stands before a connective, not a name.
        ("Patients with severe or persistent motion sickness", False),
        # An "or" after the exception starts another alternative: a patient without a
        # malignancy may still be excluded.
        (
            "History of malignancy within the last 5 years (other than skin cancer) or evidence "
            "of active cancer which would require concomitant cancer chemotherapy",
            True,
        ),
        # A new sentence after the exception may say anything.
        (
            "Malignancy other than skin cancer. Patients with heart failure are excluded too",
            True,
        ),
        # Words naming another family of codes are not narrowing words.
        ("Acute renal failure requiring dialysis of the graft", True),
    ],
)
def test_a_reading_that_could_be_wider_stays_text(text: str, exclusion: bool) -> None:
    assert read_text(text, exclusion=exclusion, partial=True).criterion is None


MOTION = condition("Motion sickness", (ICD, "T75.3XXA", "Motion sickness, initial encounter"))
BASAL_CELL = condition(
    "Basal cell carcinoma of skin", (ICD, "C44.91", "Basal cell carcinoma of skin, unspecified")
)
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
CATARACT = condition(
    "Age-related cataract, both eyes",
    (ICD, "H25.9", "Unspecified age-related cataract"),
)


def test_severe_motion_sickness_excludes_nobody_and_clears_those_without_it() -> None:
    text = criteria_text(["Age 18 or older"], ["Have a history of severe motion sickness"])
    assert verdict_of_study(text, record(patient(), MOTION)) == "potential-candidate"
    assert verdict_of_study(text, record(patient(), ASTHMA)) == "eligible"


def test_a_skin_cancer_the_exception_names_never_makes_the_patient_ineligible() -> None:
    text = criteria_text(
        ["Age 18 or older"],
        [
            "Any other malignancies within the past 5 years except curatively treated "
            "non-melanoma skin cancer or in situ carcinoma of cervix uteri"
        ],
    )
    assert verdict_of_study(text, record(patient(), BASAL_CELL)) == "potential-candidate"
    assert verdict_of_study(text, record(patient(), ASTHMA)) == "eligible"


def test_a_narrowed_inclusion_fails_only_a_patient_without_the_diagnosis() -> None:
    text = criteria_text(["Bilateral age-related cataract"], ["Pregnancy"])
    assert verdict_of_study(text, record(patient(), CATARACT)) == "potential-candidate"
    assert verdict_of_study(text, record(patient(), ASTHMA)) == "ineligible"
