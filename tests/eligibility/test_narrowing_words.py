"""Known diagnoses behind words that only narrow them: all-of(reading, TEXT) in an exclusion.
Such a bullet is not met when the record lacks what it reads, unknown otherwise; it never makes
a patient ineligible by itself."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import read_text
from fhirtrial.eligibility.rules.narrowing_words import narrowed
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.heldout_score import with_judgement_as_text
from tests.eligibility.signature import signature

MOTION_SICKNESS = "all-of(condition:icd10cm:T75.3, text)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Have a history of severe motion sickness", MOTION_SICKNESS),
        ("Severe claustrophobia", "all-of(condition:icd10cm:F40.240, text)"),
    ],
)
def test_a_judgement_right_before_a_title_is_read_as_its_qualifier(
    text: str, expected: str
) -> None:
    # The title finder reads "severe" as the hand-made finders do (`rules.diagnosis_leads`):
    # the same meaning as all-of(title, TEXT), in full.
    reading = compile_text(text, exclusion=True)
    assert reading is not None and reading.qualifiers[-1:] == ("severe",)
    assert signature(with_judgement_as_text(reading)) == expected


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        (
            "Severe coexisting liver or kidney disease",
            True,
            "all-of(any-of(condition:liver-disease, condition:kidney-disease), text)",
        ),
        # Both sides as alternatives narrow nothing; "existence of" is "presence of".
        (
            "Unilateral and/or bilateral conductive hearing loss (CHL)",
            False,
            "condition:icd10cm:H90.0+H90.1+H90.2+H90.A1",
        ),
        ("Existence of mental and psychological diseases.", True, "condition:mental-disorder"),
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
        # A negation: what "no X" denies, narrowed, is a wider inclusion. ("No severe motion
        # sickness" is NOT motion sickness with its judgement qualifier, as "No severe asthma":
        # `test_no_severe_motion_sickness_never_fails_a_patient_who_has_it`.)
        ("Non-severe motion sickness", False),
        # An inclusion: the name may cover fewer codes than its narrower kind ("depressive
        # episode" is F32; a recurrent moderate episode is F33.1): a wrong not-met is ineligible.
        ("Current moderate-to-severe depressive episode", False),
        ("Bilateral age-related cataract", False),
        # "or other …" is read by `rules.or_other_class`.
        ("Asthma or other lung disease within 6 months", True),
        # "severe or …": the word stands before a connective, not a name.
        ("Patients with severe or persistent motion sickness", False),
        # Words naming another family of codes are not narrowing words.
        ("Acute renal failure requiring dialysis of the graft", True),
    ],
)
def test_a_reading_that_could_be_wider_stays_text(text: str, exclusion: bool) -> None:
    assert read_text(text, exclusion=exclusion, partial=True).criterion is None


MOTION = condition("Motion sickness", (ICD, "T75.3XXA", "Motion sickness, initial encounter"))
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
CATARACT = condition(
    "Age-related cataract, both eyes",
    (ICD, "H25.9", "Unspecified age-related cataract"),
)


def test_severe_motion_sickness_excludes_nobody_and_clears_those_without_it() -> None:
    text = criteria_text(["Age 18 or older"], ["Have a history of severe motion sickness"])
    assert verdict_of_study(text, record(patient(), MOTION)) == "potential-candidate"
    assert verdict_of_study(text, record(patient(), ASTHMA)) == "eligible"


def test_no_severe_motion_sickness_never_fails_a_patient_who_has_it() -> None:
    # NOT motion sickness (severe): how severe a recorded one is, is not recorded → unknown.
    text = criteria_text(["Age 18 or older", "No severe motion sickness"], [])
    assert verdict_of_study(text, record(patient(), MOTION)) == "potential-candidate"
    assert verdict_of_study(text, record(patient(), ASTHMA)) == "eligible"


def test_a_narrowed_inclusion_stays_text_so_no_patient_is_called_ineligible_by_it() -> None:
    text = criteria_text(["Bilateral age-related cataract"], ["Pregnancy"])
    assert verdict_of_study(text, record(patient(), CATARACT)) == "potential-candidate"
    assert verdict_of_study(text, record(patient(), ASTHMA)) == "potential-candidate"


def test_a_word_that_makes_another_name_with_the_next_leaves_the_bullet_text() -> None:
    # "Severe sepsis" is its own ICD-10-CM title (R65.2), which "sepsis" does not code: when the
    # finders read another concept with the word than without it, the reading is refused.
    sepsis = Criterion(Kind.CONDITION, concept="sepsis")
    with_word = narrowed(
        "severe sepsis",
        "Severe sepsis",
        lambda _: sepsis,
        lambda _: {"icd10cm:R65.2"},
        exclusion=True,
    )
    assert with_word is None
    same = narrowed(
        "severe sepsis", "Severe sepsis", lambda _: sepsis, lambda _: {"sepsis"}, exclusion=True
    )
    assert signature(same) == "all-of(condition:sepsis, text)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Advanced" is a degree coded in the family: advanced AMD is H35.3-, advanced pulmonary
        # fibrosis J84.1-; the side of a fracture is its laterality character.
        ("advanced macular degeneration", "all-of(condition:icd10cm:H35.30+H35.31+H35.32, text)"),
        ("Advanced pulmonary fibrosis .", "all-of(condition:icd10cm:J84.10+J84.112, text)"),
        (
            "Ipsilateral femoral neck fracture",
            "all-of(condition:icd10cm:S72.00+S72.01+S72.03+S72.04, text)",
        ),
        ("Contralateral hip fracture", "all-of(condition:icd10cm:S72.0+S72.1+S72.2, text)"),
    ],
)
def test_an_advanced_or_sided_diagnosis_excludes_as_its_kind(text: str, expected: str) -> None:
    assert compile_text(text, exclusion=True) is None  # not understood in full
    reading = read_text(text, exclusion=True, partial=True).criterion
    assert reading is not None and signature(reading) == expected


@pytest.mark.parametrize(
    ("text", "exclusion"),
    [
        ("advanced macular degeneration", False),  # an inclusion takes no narrowed name
        ("Ipsilateral femoral neck fracture", False),
        ("No advanced macular degeneration", True),
        ("advanced age", True),
    ],
)
def test_an_advanced_or_sided_diagnosis_stays_text_where_it_could_be_wider(
    text: str, exclusion: bool
) -> None:
    assert read_text(text, exclusion=exclusion, partial=True).criterion is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An exclusion bullet of its own that starts "other": the kinds of the name the list or
        # the study does not name, all of them kinds of it.
        ("Other sleep disorders", "all-of(condition:icd10cm:G47, text)"),
        ("Presence of other sleep disorders", "all-of(condition:icd10cm:G47, text)"),
        ("Other active liver diseases;", "all-of(condition:liver-disease, text)"),
        ("other food allergies,", "all-of(allergy:food, text)"),
    ],
)
def test_other_kinds_of_a_name_exclude_as_its_kind(text: str, expected: str) -> None:
    assert compile_text(text, exclusion=True) is None  # not understood in full
    reading = read_text(text, exclusion=True, partial=True).criterion
    assert reading is not None and signature(reading) == expected


@pytest.mark.parametrize(
    ("text", "exclusion"),
    [
        ("Other sleep disorders", False),  # an inclusion takes no narrowed name
        ("No other sleep disorders", True),
        ("Other sleep disorders than insomnia", True),  # an exception: not read here
    ],
)
def test_other_kinds_of_a_name_stay_text_where_they_could_be_wider(
    text: str, exclusion: bool
) -> None:
    assert read_text(text, exclusion=exclusion, partial=True).criterion is None
