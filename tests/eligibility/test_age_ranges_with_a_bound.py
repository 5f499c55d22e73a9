"""Age criteria written in ways that stayed text: a range with a comparator on one end ("Children
age 4 to < 17 years", "Age: > 8 - 40 years"), a subject said in a clause before the years
("patients who are older than 18 years") and "50 an 65" for "50 and 65".

Every bound is kept with its own comparator; the evaluation counts completed years (the project's
whole-year rule: "> 8" is met from the day after the 8th birthday, "< 17" until the 17th)."""

from __future__ import annotations

from datetime import date

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import patient, record, result_of
from tests.eligibility.signature import signature

AS_OF = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Children age 4 to < 17 years", False, "all-of(age:>=4a, age:<17a)"),
        ("Age: > 8 - 40 years", False, "all-of(age:>8a, age:<=40a)"),
        ("Aged 18 to <65 years old", False, "all-of(age:>=18a, age:<65a)"),
        ("Age >= 18 to 75 years", False, "all-of(age:>=18a, age:<=75a)"),
        ("Age between ≥18 and ≤65 years", False, "all-of(age:>=18a, age:<=65a)"),
        ("Aged between >20 and <45 years old", False, "all-of(age:>20a, age:<45a)"),
        ("age between 50 an 65 years", False, "age:50..65a"),
        ("patients who are older than 18 years", False, "age:>18a"),
        ("Patients that were younger than 18 years,", True, "age:<18a"),
        ("Being older than 18 years;", False, "age:>18a"),
    ],
)
def test_the_age_is_read_with_every_bound(text, exclusion, expected) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "4 to < 17 years",  # no age word: may be a duration
        "Age at onset 4 to < 17 years",  # the age at another moment
        "Patients who were > 10 years smokers",  # years of smoking, not an age
        "Patients who are older than 5 years since diagnosis",
        "Gestational age > 24 - 32 weeks",
        "Between >= 2 and < 5 years since diagnosis",
    ],
)
def test_years_that_are_not_the_age_stay_text(text) -> None:
    assert compile_criterion(text) is None


def test_a_range_with_a_comparator_heads_an_inclusion_with_an_unread_rest() -> None:
    """Read whole, the range is no longer half a range: the rest becomes a TEXT member."""
    text = "Age: > 8 - 40 years (we selected this range due to lack of data in younger patients)"
    read = compile_text(text, partial=True)
    assert signature(read) == "all-of(age:>8a, age:<=40a, text)"


def _result(text: str, born: str) -> str:
    criterion = compile_criterion(text)
    assert criterion is not None
    return result_of(criterion, record(patient(born=born), as_of=AS_OF))


def test_the_upper_bound_of_a_range_with_a_comparator_is_kept() -> None:
    text = "Children age 4 to < 17 years"
    assert _result(text, "2016-06-01") == "met"  # 10 years
    assert _result(text, "2009-12-15") == "met"  # 16 years 11 months: not yet 17
    assert _result(text, "2009-11-30") == "not-met"  # 17 years
    assert _result(text, "2023-01-01") == "not-met"  # 3 years


def test_a_lower_bound_written_greater_than_counts_whole_years() -> None:
    text = "Age: > 8 - 40 years"
    assert _result(text, "2018-06-01") == "met"  # 8 years 6 months: older than 8
    assert _result(text, "2018-12-01") == "not-met"  # the 8th birthday
    assert _result(text, "1986-01-15") == "met"  # 40 years 10 months
    assert _result(text, "1985-11-30") == "not-met"  # 41


def test_an_exclusion_said_in_a_clause_excludes_minors_only() -> None:
    criterion = compile_criterion("Patients that were younger than 18 years,", exclusion=True)
    assert criterion is not None
    minor = record(patient(born="2010-03-01"), as_of=AS_OF)
    adult = record(patient(born="2008-06-01"), as_of=AS_OF)  # 18 years 6 months
    assert result_of(criterion, minor) == "met"
    assert result_of(criterion, adult) == "not-met"


def test_a_patient_without_a_birth_date_is_unknown() -> None:
    criterion = compile_criterion("Children age 4 to < 17 years")
    assert criterion is not None
    person = patient()
    del person["birthDate"]  # an EHR export without a birth date
    assert result_of(criterion, record(person, as_of=AS_OF)) == "unknown"
