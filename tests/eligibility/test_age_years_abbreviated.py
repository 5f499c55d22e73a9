""" "Age > 18y": the single letter is years, as "yrs" and "yo" already were.

The "y" was left over after the age was read, so the inclusion became all-of(age > 18, TEXT):
every adult a "potential candidate" instead of eligible, and a reading the development sample
marks wrong. Only right after the number ("18y", "18 y", "18-65y"), never a word's letter.
"""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import criteria_text, patient, record, verdict_of_study
from tests.eligibility.signature import bullet_signature


def _inclusion(text: str) -> str | None:
    return bullet_signature(text, "Inclusion")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Age >18y", "age:>18a"),
        ("Age > 18 y", "age:>18a"),
        ("Age >18Y", "age:>18a"),
        ("Age 18-65y", "age:18..65a"),
        ("Aged 18-75y", "age:18..75a"),
        ("18y or older", "age:>=18a"),
        ("Age >= 18 yrs", "age:>=18a"),
        # Months and years in one bullet stay as they were.
        ("Age 6m-5y", None),
    ],
)
def test_y_after_an_age_is_years(text: str, expected: str | None) -> None:
    assert _inclusion(text) == expected


def test_an_adult_is_eligible_for_age_over_18y() -> None:
    text = criteria_text(["Age >18y"], [])
    assert verdict_of_study(text, record(patient(born="1990-06-01"))) == "eligible"
    assert verdict_of_study(text, record(patient(born="2012-06-01"))) == "ineligible"
