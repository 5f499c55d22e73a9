"""An exclusion that only denies in one word ("Non-pregnant women", "HIV-negative") has the two
meanings of "No X" in an exclusion list (docs/eligibility-model.md): the study excludes those
who lack X, or the bullet was copied from an inclusion list and X excludes. Read as NOT X, it
excluded every non-pregnant woman; it stays text, as "No X" does."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import (
    NEGATIVE_HCG,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    "text", ["Non-pregnant", "Non-pregnant women", "HIV-negative", "HIV negative patients"]
)
def test_a_one_word_denial_in_an_exclusion_stays_text(text: str) -> None:
    assert signature(compile_text(text, exclusion=True)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Non-pregnant women", "NOT pregnancy:pregnancy"),
        ("HIV-negative", "NOT condition:hiv"),
    ],
)
def test_the_inclusion_reading_is_unchanged(text: str, expected: str) -> None:
    assert signature(compile_text(text)) == expected


def test_a_requirement_word_still_reads_the_exclusion() -> None:
    criterion = compile_text("Participants must not be pregnant or nursing", exclusion=True)
    assert signature(criterion) == "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding)"


def test_a_woman_with_a_negative_test_is_not_ruled_out() -> None:
    woman = record(patient(gender="female", born="1990-01-01"), NEGATIVE_HCG)
    text = criteria_text(["Age 18 or older"], ["Non-pregnant women"])
    assert verdict_of_study(text, woman) != "ineligible"
