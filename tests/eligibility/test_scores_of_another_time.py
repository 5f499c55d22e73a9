"""A score a flowsheet records for another time is not the patient's score now.

Stroke and neurology flowsheets keep, beside the current modified Rankin Scale or MMSE, rows for
the state before the illness: "Modified Rankin Scale (pre-morbid)", "Pre-stroke mRS", "MMSE -
prior to admission". Read as the newest score, such a row decided a criterion on today's score
("mRS <= 2") and ruled out a patient whose current score meets it.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    observation,
    patient,
    record,
    result_of,
)

_STROKE = condition("Cerebral infarction", (ICD, "I63.9", "Cerebral infarction, unspecified"))


@pytest.mark.parametrize(
    "label",
    [
        "Modified Rankin Scale (pre-morbid)",
        "Pre-stroke modified Rankin Scale",
        "mRS prior to admission",
        "Premorbid mRS",
    ],
)
def test_a_score_of_before_the_illness_is_not_the_current_score(label: str) -> None:
    criterion = compile_text("Modified Rankin Scale ≤ 2")
    assert criterion is not None
    current = observation("Modified Rankin Scale", "2026-11-20", valueInteger=1)
    before = observation(label, "2026-11-21", valueInteger=3)
    assert result_of(criterion, record(patient(), _STROKE, current, before)) == "met"
    assert result_of(criterion, record(patient(), _STROKE, before)) == "unknown"


def test_the_current_score_still_decides() -> None:
    criterion = compile_text("MMSE score between 20 and 26")
    assert criterion is not None
    mmse = observation("MMSE Total Score", "2026-11-20", valueInteger=29)
    older = observation("MMSE - prior to admission", "2026-11-21", valueInteger=22)
    assert result_of(criterion, record(patient(), _STROKE, mmse, older)) == "not-met"
