"""Age criteria as real studies write them: both bounds kept, and whole-year comparison.

The texts are from development studies of tests/data/criteria (not the held-out sample). A
compiled age criterion must account for every bound its text states, or stay text: "Age >= 18
and <= 65 years" compiled to `age >= 18` alone offered the study to a 70-year-old.
"""

from __future__ import annotations

from datetime import date

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.model import Criterion, Kind
from tests.eligibility.ehr_records import patient, record, result_of
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Age ≥18 years and ≤ 90 years", False, "all-of(age:>=18a, age:<=90a)"),
        ("Patients aged ≥18, and <80 years", False, "all-of(age:>=18a, age:<80a)"),
        ("18 years≤ Age ≤70 years", False, "all-of(age:>=18a, age:<=70a)"),
        ("20 < age < 75", False, "all-of(age:>20a, age:<75a)"),
        ("Age older than 18 and younger than 65.", False, "all-of(age:>18a, age:<65a)"),
        ("Age <18 or >80 years.", True, "any-of(age:<18a, age:>80a)"),
        ("age > 21 or less than 2", True, "any-of(age:>21a, age:<2a)"),
        ("Age below 18 years or above 80 years.", True, "any-of(age:<18a, age:>80a)"),
        # A range stays a range in an exclusion list, where "A and B" otherwise each exclude.
        ("Patients aged ≥18, and <80 years", True, "all-of(age:>=18a, age:<80a)"),
        # Not a range: nobody is both, so each bound excludes on its own.
        ("Age <18 years old and >65 years old.", True, "any-of(age:<18a, age:>65a)"),
        ("Age: older than 18 years", False, "age:>18a"),
        ("1. Patients under 20 years old", True, "age:<20a"),
    ],
)
def test_every_bound_of_an_age_text_is_kept(text, exclusion, expected) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Patients 11 to no older than 17 years of age",  # "11 to" is not understood
        "Age ≥ 18 years; disease-free for ≥ 5 years",  # another duration in years
        "Age ≥18 years with a waist circumference < 90",  # a waist is not an age
    ],
)
def test_an_age_text_with_a_number_left_over_stays_text(text) -> None:
    assert compile_criterion(text) is None


def _age_result(born: str, as_of: date, criterion: Criterion) -> str:
    person = record(patient(born=born), as_of=as_of)
    return result_of(criterion, person)


OLDER_THAN_18 = Criterion(Kind.AGE, comparator=">", value=18, unit="a")
AT_MOST_65 = Criterion(Kind.AGE, comparator="<=", value=65, unit="a")


def test_older_than_18_is_met_the_day_after_the_18th_birthday() -> None:
    assert _age_result("2008-06-01", date(2026, 12, 1), OLDER_THAN_18) == "met"  # 18 y 6 mo
    assert _age_result("2008-12-01", date(2026, 12, 1), OLDER_THAN_18) == "not-met"  # birthday
    assert _age_result("2009-01-15", date(2026, 12, 1), OLDER_THAN_18) == "not-met"  # 17


def test_an_upper_bound_counts_completed_years() -> None:
    """ "65 years or younger" includes a patient of 65 years and 11 months."""
    assert _age_result("1961-01-15", date(2026, 12, 1), AT_MOST_65) == "met"
    assert _age_result("1960-11-30", date(2026, 12, 1), AT_MOST_65) == "not-met"  # 66
