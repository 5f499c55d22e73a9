"""Issue 13, fifteenth session: bullets that name a concept the compiler knows but stayed text
for their phrasing (development texts).

- A "/" between a pregnancy and a breastfeeding is "or" ("Pregnancy/nursing", NCT03923049
  exc-4; "pregnant/breastfeeding;", NCT03932422 exc-5): read as adjacent words they were
  all-of, so an exclusion let a pregnant patient who was not nursing through, and an inclusion
  would have turned her away.
- A pregnancy learnt from the patient ("Self-reported pregnancy", "Self-reported pregnancy or
  lactation;", "pregnant per self-reporting") is the pregnancy, as "(as stated by patient)" is.
- "Children with HBV infection;", "infants suffering from neurological disorders" in an
  exclusion: all-of(the diagnosis, TEXT) — the diagnosis is necessary, the group is no age bound
  a record checks.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.model import Criterion
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    PREGNANT,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature

EITHER_STATE = "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding)"


def _read(text: str, *, exclusion: bool) -> Criterion:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is not None, text
    return criterion


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # Development bullets: either state excludes.
        ("Pregnancy/nursing", True, EITHER_STATE),
        ("pregnant/breastfeeding;", True, EITHER_STATE),
        # An inclusion of either state admits either.
        ("Pregnant/breastfeeding", False, EITHER_STATE),
        # Unchanged: a negation before the pair denies both; two measures both required.
        (
            "Not pregnant/nursing",
            False,
            "all-of(NOT pregnancy:pregnancy, NOT breastfeeding:breastfeeding)",
        ),
        # Between other matches a "/" may join what both hold: hormone receptor positive and
        # HER2 negative.
        (
            "HR+/HER2- breast cancer",
            False,
            "all-of(any-of(biomarker:er:positive, biomarker:pr:positive), biomarker:her2:negative, "
            "condition:breast-cancer)",
        ),
        (
            "Systolic/diastolic blood pressure < 140/90",
            False,
            "all-of(lab:systolic-bp:<140mm[Hg], lab:diastolic-bp:<90mm[Hg])",
        ),
    ],
)
def test_a_slash_between_pregnancy_and_breastfeeding_is_or(
    text: str, exclusion: bool, expected: str
) -> None:
    assert signature(_read(text, exclusion=exclusion)) == expected


def test_a_pregnant_patient_who_is_not_nursing_is_excluded_by_pregnancy_slash_nursing() -> None:
    text = criteria_text(["Age 18 years or older"], ["Pregnancy/nursing"])
    assert verdict_of_study(text, record(patient(), PREGNANT)) == "ineligible"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Self-reported pregnancy", "pregnancy:pregnancy"),
        ("Self-reported pregnancy or lactation;", EITHER_STATE),
        (
            "Patient is pregnant per self-reporting or older than age 70 years",
            "any-of(pregnancy:pregnancy, age:>70a)",
        ),
    ],
)
def test_a_self_reported_pregnancy_is_the_pregnancy(text: str, expected: str) -> None:
    assert signature(_read(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # What the patient reports is a date or a history, not the state itself.
        "Women who are pregnant, based on self-reported date of last menses",
        "A positive self-reported history of psychosis, bipolar, or schizophrenia",
    ],
)
def test_other_self_reports_stay_text(text: str) -> None:
    assert compile_text(text, exclusion=True, partial=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Children with HBV infection;", "all-of(condition:hbv, text)"),
        (
            "Children with known and documented preexisting hearing loss.",
            "all-of(condition:icd10cm:H90+H91, text)",
        ),
        (
            "infants suffering from neurological disorders",
            "all-of(condition:neurological-disease, text)",
        ),
    ],
)
def test_children_with_a_diagnosis_in_an_exclusion(text: str, expected: str) -> None:
    assert signature(_read(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A clause after the diagnosis, a negation, or a second requirement: still text.
        "the child with epilepsy who is not under control with medication",
        "children who do not have a diagnosis of possible Kawasaki disease",
        "Children with congenital anomalies or without valid arterial and venous umbilical cord "
        "samples",
    ],
)
def test_children_with_more_than_a_diagnosis_stay_text(text: str) -> None:
    assert compile_text(text, exclusion=True, partial=True) is None


def test_children_with_hbv_leaves_a_patient_without_hbv_alone() -> None:
    criterion = _read("Children with HBV infection;", exclusion=True)
    # A problem list that holds another diagnosis, no hepatitis B: not excluded by the bullet.
    asthma = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
    without_hbv = record(patient(born="2015-03-01"), asthma)
    assert result_of(criterion, without_hbv, excluding=True) == "not-met"
    # With hepatitis B, whether the patient is one of the children meant is left to a reader.
    hbv = condition("Chronic hepatitis B", (ICD, "B18.1", "Chronic viral hepatitis B"))
    with_hbv = record(patient(born="2015-03-01"), asthma, hbv)
    assert result_of(criterion, with_hbv, excluding=True) == "unknown"


# An exclusion's list in parentheses with no "e.g." / "such as" before it: each item is an
# instance of what excludes (an example or the definition of the class), read as examples are
# (`rules.example_lists`): any-of(the items, TEXT) — TEXT for the class beyond its items.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Cardiovascular disease (heart failure, myocardial infarction or stroke).",
            "any-of(condition:heart-failure, condition:myocardial-infarction, condition:stroke, "
            "text)",
        ),
        (
            "Participants with comorbidities (DM, CKD)",
            "any-of(condition:diabetes-mellitus, condition:chronic-kidney-disease, text)",
        ),
        (
            "Presence or history of gastrointestinal disorder (gastric ulcer, GERD, Crohn's "
            "disease, etc.)",
            "any-of(condition:peptic-ulcer, condition:icd10cm:K21, condition:crohn-disease, text)",
        ),
    ],
)
def test_an_unmarked_list_in_parentheses_gives_examples(text: str, expected: str) -> None:
    assert signature(_read(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A definition by measures: every number must be read (development bullet).
        "Subjects with severe liver or renal dysfunction (ALT >5×ULN，eGFR< 30ml/min/1.73mm2 or "
        "Scr>200 mmol/L);",
        # Sites that may define which fractures are meant: never all fractures.
        "Fracture (hip, spine)",
        # After a malignancy a list may be of the cancers allowed.
        "History of malignancy (basal cell carcinoma, cervical carcinoma in situ)",
    ],
)
def test_unmarked_lists_that_may_narrow_stay_text(text: str) -> None:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is None or "any-of(" not in signature(criterion), signature(criterion)


def test_an_unmarked_list_is_not_read_in_an_inclusion() -> None:
    # In an inclusion the items would be alternatives the text may not offer.
    text = "Cardiovascular disease (heart failure, myocardial infarction or stroke)."
    assert compile_text(text, exclusion=False, partial=True) is None


def test_a_stroke_is_excluded_by_cardiovascular_disease_with_its_list() -> None:
    criterion = _read(
        "Cardiovascular disease (heart failure, myocardial infarction or stroke).", exclusion=True
    )
    asthma = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
    stroke = condition("Cerebral infarction", (ICD, "I63.9", "Cerebral infarction, unspecified"))
    assert result_of(criterion, record(patient(), asthma, stroke), excluding=True) == "met"
    # Another cardiovascular disease may be meant by the class: left to a reader.
    assert result_of(criterion, record(patient(), asthma), excluding=True) == "unknown"
