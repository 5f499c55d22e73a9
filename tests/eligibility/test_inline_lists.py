"""Several criteria written in one bullet (`rules.inline_lists`).

What a user notices: "Inclusion criteria for study participants include: (1) age ≥ 60 years;
(2) English fluency; …" now rules out a 45-year-old (text-only before) while an older patient
stays "unknown" — the items the rules cannot read keep the bullet open. In an exclusion bullet
"Pregnancy; currently enrolled in another research study" a pregnancy on record excludes. And
what must never happen: alternatives read as requirements ("a) …; or b) …"), a group's items
applied to everyone, a value or a parenthesis taken for a list marker, a piece of one criterion
read as a criterion of its own, or an item a record could decide left out of the form.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import PREGNANT, patient, record, result_of
from tools.partial_compile_report import describe


def _form(text: str, *, exclusion: bool) -> str | None:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    return describe(criterion) if criterion is not None else None


# ---------------------------------------------------------------- compiled forms

INCLUSION_BULLETS = [
    # (bullet, form) — shapes of the development texts
    (
        "Inclusion criteria for study participants include: (1) age ≥ 60 years; (2) English "
        "fluency; (3) living independently in the community",
        "all-of(age, TEXT)",
    ),
    (
        "1)Age: 20 ~35 years old; 2) first parturients registered in the obstetrics department "
        "of our hospital; 3) no obstetric complications",
        "all-of(age, TEXT)",
    ),
    (
        # the outline took the first "(1)"
        "(1) age 18-65 years; (2) ECOG 0-1; (3) able to swallow tablets",
        "all-of(age, performance-status:ecog, TEXT)",
    ),
    (
        "Age 18-65 years 2) English speaking 3) living in the community",
        "all-of(age, TEXT)",
    ),
    (
        "age between 18 and 65 years; able to attend all study visits;",
        "all-of(age, TEXT)",
    ),
    (
        "Age ≥ 18; English speaking; women",
        "all-of(age, sex:female, TEXT)",
    ),
    (
        "a) women aged 18 years or older b) living in the community",
        "all-of(sex:female, age, TEXT)",
    ),
]

EXCLUSION_BULLETS = [
    (
        "Pregnancy; currently enrolled in another research study; non-fluency in English",
        "any-of(pregnancy:pregnancy, TEXT)",
    ),
    (
        "Current smoker; unable to attend the study visits; and pregnancy.",
        "any-of(smoking:current-smoker, pregnancy:pregnancy, TEXT)",
    ),
    (
        "Warfarin; inability to attend 9 program sessions; or were pregnant;",
        "any-of(medication:warfarin, pregnancy:pregnancy, TEXT)",
    ),
    (
        "Creatinine > 2 mg/dL; HbA1c > 9%; unable to attend the study visits",
        "any-of(lab:creatinine, lab:hba1c, TEXT)",
    ),
    (
        # a flattened numbered list whose "1." the outline took
        "Current Smoker 2. Living alone 3. Frail patients",
        "any-of(smoking:current-smoker, TEXT)",
    ),
]


@pytest.mark.parametrize(("text", "form"), INCLUSION_BULLETS)
def test_every_item_of_an_inclusion_list_is_required(text: str, form: str):
    assert _form(text, exclusion=False) == form


@pytest.mark.parametrize(("text", "form"), EXCLUSION_BULLETS)
def test_each_item_of_an_exclusion_list_excludes(text: str, form: str):
    assert _form(text, exclusion=True) == form


def test_the_age_item_keeps_its_threshold():
    criterion = compile_text(
        "Inclusion criteria for study participants include: (1) age ≥ 60 years; (2) English "
        "fluency",
        partial=True,
    )
    assert criterion is not None
    age = criterion.children[0]
    assert (age.kind.value, age.comparator, age.value, age.unit) == ("age", ">=", 60.0, "a")


# ---------------------------------------------------------------- left as text

REFUSED = [
    (
        "inclusion",
        "a lead-in naming a group",
        "Diabetes group: 1) Age between 30-70 years, 2) type 2 diabetes.",
    ),
    (
        "inclusion",
        "a choice between the items",
        "And planned either a) liver transplantation as a "
        "recipient; or b) liver transplantation as a donor",
    ),
    (
        "inclusion",
        "a lead-in that sets a condition",
        "Meet any conditions (1) age 18 years or older. (2) type 2 diabetes",
    ),
    (
        "inclusion",
        "an alternative after a marker",
        "1) age ≥ 18 years 2) or women aged 50 years or older",
    ),
    (
        "inclusion",
        "a lead-in before the second marker",
        "Meet one of the following: 2) age ≥ 18 years 3) English speaking",
    ),
    ("inclusion", "alternatives after a semicolon", "Age ≥ 18 years; or able to read English"),
    ("inclusion", "a colon lead-in", "Healthy control group: age ≥ 18 years; non-smoker"),
    (
        "exclusion",
        "semicolons inside a parenthesis",
        "Cardiac disease (myocardial infarction; stroke; heart failure)",
    ),
    ("exclusion", "an item qualifying the one before", "Local infection; in pregnant women"),
    ("exclusion", "an item qualifying the one before", "Local infection; with pregnancy"),
    ("exclusion", "a condition reaching across items", "Living alone; pregnancy if older than 40"),
    ("exclusion", "a number that is a value", "Heart failure NYHA class 2. 3. Renal failure"),
    ("exclusion", "one marker of a list broken across bullets", "hypoxemia; and (4) pregnancy"),
    ("exclusion", "an inclusion written among exclusions", "not pregnant; renal impairment"),
    # a measure after a diagnosis may say which of it excludes
    (
        "exclusion",
        "a grade after a diagnosis",
        "Heart failure; NYHA class III-IV; unable to attend the study visits",
    ),
    (
        "exclusion",
        "a lab after a diagnosis",
        "Diabetes mellitus; HbA1c > 9%; unable to attend the study visits",
    ),
    # an item not read that a record could decide: a leaf the form would lack
    (
        "exclusion",
        "an unread decidable item",
        "Current smoker 2. Local infection 3. Unable to attend",
    ),
    (
        "inclusion",
        "an unread decidable item",
        # (chronic neck pain, the example before, is now read in part: M54.2 and a text member)
        "(1) age ≥ 18 years; (2) chronic widespread pain for over 6 months; (3) English fluency",
    ),
]


@pytest.mark.parametrize(("section", "why", "text"), REFUSED)
def test_ambiguous_lists_stay_text(section: str, why: str, text: str):
    assert _form(text, exclusion=section == "exclusion") is None, why


def test_an_unread_item_keeps_an_inclusion_bullet_open():
    form = _form("Age ≥ 18 years; English fluency", exclusion=False)
    assert form is not None and form.endswith("TEXT)")


# ---------------------------------------------------------------- evaluation

_AGE_LIST = (
    "Inclusion criteria for study participants include: (1) age ≥ 60 years; (2) English "
    "fluency; (3) living independently in the community"
)


def test_a_patient_failing_a_required_item_is_not_met():
    criterion = compile_text(_AGE_LIST, partial=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(born="1981-06-01"))) == "not-met"


def test_a_patient_meeting_the_read_items_stays_unknown():
    criterion = compile_text(_AGE_LIST, partial=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(born="1950-06-01"))) == "unknown"


def test_an_excluding_item_on_record_excludes_and_its_absence_decides_nothing():
    text = "Pregnancy; currently enrolled in another research study; non-fluency in English"
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), PREGNANT)) == "met"
    assert result_of(criterion, record(patient())) == "unknown"


# ---------------------------------------------------------------- the patient's own report

SELF_REPORTED = [
    # NCT03867474 inc-1: the label reads the self-reported SCD / MCI label as no record's.
    (
        "inclusion",
        "Inclusion criteria for study participants include: (1) age ≥ 60 years; (2) English "
        "fluency; (3) living independently in the community; (4) self-reported demographic "
        "information that includes either the label of SCD or MCI",
        "all-of(age, TEXT)",
    ),
    ("inclusion", "Age ≥ 18 years; self-reported diabetes; English fluency", "all-of(age, TEXT)"),
    (
        "exclusion",
        "Pregnancy; self-reported diabetes; unable to attend the study visits",
        "any-of(pregnancy:pregnancy, TEXT)",
    ),
]


@pytest.mark.parametrize(("section", "text", "form"), SELF_REPORTED)
def test_a_self_reported_item_is_no_leaf_the_form_lacks(section: str, text: str, form: str):
    # What the patient reports is no record's: TEXT stands for it as for any item not read.
    assert _form(text, exclusion=section == "exclusion") == form
