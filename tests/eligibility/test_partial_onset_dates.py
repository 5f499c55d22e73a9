"""Onset dates a record gives only in part: "2026", "2026-05", an age.

Epic and Cerner keep the onset a patient reports as a year or a month ("Stroke, onset 2026").
Such a date stands for its whole span: a stroke "in 2026" may be one of last month or one of
January. A window is decided only when every day of the span gives the same answer, otherwise
`unknown` — never `not-met` (a stroke-rehabilitation study requiring a stroke within 6 months
would hide itself from a patient whose stroke was in November) nor `met`.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)

_HTN = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))


def _stroke(onset: str) -> dict[str, Any]:
    return condition(
        "Acute ischemic stroke (HCC)",
        (ICD, "I63.9", "Cerebral infarction, unspecified"),
        onset=onset,
    )


def _diabetes(onset: str) -> dict[str, Any]:
    return condition(
        "Type 2 diabetes mellitus", (ICD, "E11.9", "Type 2 diabetes mellitus"), onset=onset
    )


@pytest.mark.parametrize(
    ("onset", "expected"),
    [
        ("2026", "unknown"),  # January (outside) to December (inside)
        ("2026-05", "not-met"),  # the whole of May lies before the window
        ("2026-10", "met"),  # the whole of October lies inside it
        ("2026-10-14", "met"),
        ("2025", "not-met"),
    ],
)
def test_an_event_dated_by_year_or_month_is_placed_only_when_its_span_agrees(
    onset: str, expected: str
) -> None:
    criterion = compile_text("Stroke within the past 6 months")
    assert criterion is not None
    assert result_of(criterion, record(patient(), _stroke(onset), _HTN)) == expected


def test_a_study_requiring_a_recent_stroke_keeps_a_stroke_of_this_year() -> None:
    text = criteria_text(["Stroke within the past 6 months"], [])
    assert verdict_of_study(text, record(patient(), _stroke("2026"), _HTN)) == "potential-candidate"


@pytest.mark.parametrize(
    ("onset", "expected"),
    [("2026", "unknown"), ("2025-11", "met"), ("2026-11", "not-met"), ("2019", "met")],
)
def test_a_diagnosis_dated_by_year_or_month_is_old_enough_only_when_its_span_agrees(
    onset: str, expected: str
) -> None:
    criterion = compile_text("Type 2 diabetes diagnosed more than 6 months ago")
    assert criterion is not None
    assert result_of(criterion, record(patient(), _diabetes(onset), _HTN)) == expected


def test_an_onset_age_stands_for_a_year_of_the_patients_life() -> None:
    """Born 1960-04-02, a stroke "at 66" happened between 2026-04-02 and 2027-04-01."""
    criterion = compile_text("Stroke within the past 6 months")
    assert criterion is not None
    stroke = _stroke("2026-10-01")
    del stroke["onsetDateTime"]
    stroke["onsetAge"] = {
        "value": 66,
        "unit": "years",
        "system": "http://unitsofmeasure.org",
        "code": "a",
    }
    assert result_of(criterion, record(patient(born="1960-04-02"), stroke, _HTN)) == "unknown"
