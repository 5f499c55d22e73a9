"""Ages in months, weeks and days: how pediatric and neonatal bullets compile, and how a
birthDate decides them (completed calendar months, inclusive bounds, partial birth dates).

The bullets are from development studies of tests/data/criteria (not the held-out sample).
"""

from __future__ import annotations

from datetime import date

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.evidence_variable import age_criterion
from fhirtrial.eligibility.fhir_reader import read_characteristic
from fhirtrial.eligibility.fhir_writer import criterion_characteristic
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import patient, record, result_of
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Children aged 6-36 months", False, "age:6..36mo"),
        ("age 1-12 months", False, "age:1..12mo"),
        ("Between 0 to 30 days of age", False, "age:0..30d"),
        ("Age < 6 months", True, "age:<6mo"),
        ("age > 36 months,", True, "age:>36mo"),
        ("Postnatal age <28 days.", False, "age:<28d"),
        ("Infants younger than 6 months", False, "age:<6mo"),
        ("Children whose age ≥ 24 months and ≤ 36 months", False, "all-of(age:>=24mo, age:<=36mo)"),
        ("Infant is ≥1 and ≤6 month old", False, "all-of(age:>=1mo, age:<=6mo)"),
        # A range across units: a lower bound in one, an upper bound in the other.
        ("Are between the age of 6 months and 5 years", False, "all-of(age:>=6mo, age:<=5a)"),
        ("Children aged 6 months to 9 years", False, "all-of(age:>=6mo, age:<=9a)"),
        (
            "Patients of both genders older than 6 months and younger than 80 years",
            False,
            "all-of(age:>6mo, age:<80a)",
        ),
        # Two bounds that cannot both hold: each excludes.
        (
            "Patients of both genders younger than 6 months and older than 80 years",
            True,
            "any-of(age:<6mo, age:>80a)",
        ),
        # A population word the age's upper bound implies adds nothing.
        ("Children whose age is 2 to 5 years", False, "age:2..5a"),
        ("Minors aged < 22 years.", True, "age:<22a"),
        ("Child or adolescent aged <18 years", False, "age:<18a"),
    ],
)
def test_an_age_in_months_weeks_or_days_keeps_its_unit(text, exclusion, expected) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


def test_an_age_in_months_is_a_necessary_part_of_a_partly_read_bullet() -> None:
    read = compile_text("Asthma patients aged 6 months to 5 years", partial=True)
    assert signature(read) == "all-of(condition:asthma, all-of(age:>=6mo, age:<=5a))"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("20-70 age", False, "age:20..70a"),
        ("being 65-80 aged.", False, "age:65..80a"),
        ("Age > or = to 65 years", False, "age:>=65a"),
        ("Age greater or equal to 18 years.", False, "age:>=18a"),
        ("Age: 18 years or over.", False, "age:>=18a"),
        ("1. Ages of 18 and above", False, "age:>=18a"),
        ("over than 18 years old;", False, "age:>18a"),
        ("Any gender aged 50 years or above;", False, "age:>=50a"),
        ("Age 5-8 years, both inclusive, at inclusion", False, "age:5..8a"),
        (
            "Male and female patients age 18 to 85 years of age inclusive at screening",
            False,
            "age:18..85a",
        ),
        ("an adolescent who is between 14 and 18 years of age", False, "age:14..18a"),
        # Why the study wants that age restricts nobody.
        ("Aged 21-45 (advanced age can hinder hormone levels)", False, "age:21..45a"),
        ("18-65 years old (to avoid outcomes being affected by aging)", False, "age:18..65a"),
        # Children and the adults under 21 are everyone under 21.
        (
            "Children, adults under 21 years of age, and pregnant women",
            True,
            "any-of(age:<21a, pregnancy:pregnancy)",
        ),
    ],
)
def test_age_phrasing_in_years(text, exclusion, expected) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Aged 18-34 (advanced age or a history of infertility)",  # an alternative in it
        "Aged 18-34 (no upper limit for patients with 2 prior cycles)",  # a number and a rule
        "Adolescents who are between 8 and 18 years of age",  # 8 is no adolescent
        "Children and adults aged 5 to 21 years",  # not all children are over 5
        "Infants aged > 6 months",  # an infant's upper bound would be lost
    ],
)
def test_an_age_with_words_that_restrict_stays_text(text) -> None:
    assert compile_criterion(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Male or female neonate, corrected age of ≤ 28 days.",  # not the patient's age
        "Gestational age < 32 weeks",
        "Aged between 1h of life and 28 days of life",  # hours cannot be read from a birthDate
        "Infants > 1 month of age",  # an infant's upper bound would be lost
        "an infant age of 6 months (±3 weeks)",  # a tolerance nobody read
        "Patients > 6 months after transplant",  # a time since an event, not an age
        "Full term healthy infant aged 3-95 days",  # "full term" is unread
        "More than 6 months and less than 12 months",  # a duration as much as an age
        "6-12 months",  # a duration under some lead-in as often as an age
        "Patients > 6 months",
        "Ulcer age < 4 weeks",  # not the patient's age
        "Wound age >= 2 and <= 6 weeks",
    ],
)
def test_an_age_bullet_with_something_unread_stays_text(text) -> None:
    assert compile_criterion(text) is None


def _result(born: str, as_of: date, criterion: Criterion) -> str:
    return result_of(criterion, record(patient(born=born), as_of=as_of))


SIX_TO_36_MONTHS = Criterion(Kind.AGE, value=6, high=36, unit="mo")
UNDER_28_DAYS = Criterion(Kind.AGE, comparator="<", value=28, unit="d")
OLDER_THAN_6_MONTHS = Criterion(Kind.AGE, comparator=">", value=6, unit="mo")
AT_LEAST_18_YEARS = Criterion(Kind.AGE, comparator=">=", value=18, unit="a")


def test_months_are_completed_calendar_months_and_the_bounds_inclusive() -> None:
    today = date(2026, 12, 15)
    assert _result("2026-06-15", today, SIX_TO_36_MONTHS) == "met"  # 6 months to the day
    assert _result("2026-06-16", today, SIX_TO_36_MONTHS) == "not-met"  # 5 months 29 days
    # 36 months and 20 days is 36 months old: still within "6 to 36 months".
    assert _result("2023-11-25", today, SIX_TO_36_MONTHS) == "met"
    assert _result("2023-11-15", today, SIX_TO_36_MONTHS) == "not-met"  # 37 months


def test_older_than_n_months_is_met_from_the_day_after_the_month_day() -> None:
    today = date(2026, 12, 15)
    assert _result("2026-06-15", today, OLDER_THAN_6_MONTHS) == "not-met"
    assert _result("2026-06-14", today, OLDER_THAN_6_MONTHS) == "met"


def test_days_count_from_the_birth_date() -> None:
    today = date(2026, 12, 15)
    assert _result("2026-11-18", today, UNDER_28_DAYS) == "met"  # 27 days
    assert _result("2026-11-17", today, UNDER_28_DAYS) == "not-met"  # 28 days


def test_a_partial_birth_date_decides_only_far_from_the_edge() -> None:
    today = date(2026, 12, 15)
    # Born some day of November 2026: 14 to 43 days old.
    assert _result("2026-11", today, UNDER_28_DAYS) == "unknown"
    assert _result("2026-11", today, SIX_TO_36_MONTHS) == "not-met"  # 0 or 1 month
    assert _result("2025", today, SIX_TO_36_MONTHS) == "met"  # 11 to 23 months
    assert _result("2026", today, SIX_TO_36_MONTHS) == "unknown"  # 0 to 11 months
    assert _result("1990", today, AT_LEAST_18_YEARS) == "met"
    assert _result("2008", today, AT_LEAST_18_YEARS) == "unknown"  # 17 or 18
    assert _result("2010", today, AT_LEAST_18_YEARS) == "not-met"


def test_no_birth_date_is_unknown() -> None:
    person = record({"resourceType": "Patient", "id": "p1", "gender": "female"})
    assert result_of(SIX_TO_36_MONTHS, person) == "unknown"


@pytest.mark.parametrize(
    "criterion",
    [
        SIX_TO_36_MONTHS,
        UNDER_28_DAYS,
        Criterion(Kind.AGE, comparator=">=", value=6, unit="wk"),
    ],
)
def test_the_unit_survives_a_round_trip_through_fhir(criterion: Criterion) -> None:
    written = criterion_characteristic(
        criterion, link_id="age", description=None, exclude=False, cohort_groups={}
    )
    assert written["definitionByTypeAndValue"][
        "valueQuantity" if criterion.comparator else "valueRange"
    ]
    assert read_characteristic(written).criterion == criterion


def test_ctgov_structured_ages_in_months_weeks_and_days() -> None:
    assert signature(age_criterion("6 Months", "36 Months")) == "age:6..36mo"
    assert signature(age_criterion(None, "28 Days")) == "age:<=28d"
    assert signature(age_criterion("6 Weeks", None)) == "age:>=6wk"
    # Different units: both bounds are kept.
    assert signature(age_criterion("2 Months", "5 Years")) == "all-of(age:>=2mo, age:<=5a)"
