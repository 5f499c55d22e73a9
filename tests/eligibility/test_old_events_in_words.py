"""Entries that say an event is old, in SNOMED CT or in words, are no event in a window.

"Myocardial infarction within the past 6 months" asks when the infarction happened. ICD-10-CM
has codes for what remains of an earlier one (I25.2), and the evaluator reads them so; but
records also say it in SNOMED CT ("Old myocardial infarction", 1755008) and in words ("Old MI",
"History of myocardial infarction", "History of CVA"), dated the day it was noted. Such an entry
dated before the window rules the event in it out; dated inside it, it cannot say when the
event was: `unknown`, never `met`.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    EPIC_DX,
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)

_HTN = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
_MI = "Myocardial infarction within the past 6 months"


@pytest.mark.parametrize(
    ("bullet", "entry"),
    [
        (
            _MI,
            condition(
                "Old myocardial infarction",
                (SNOMED, "1755008", "Old myocardial infarction"),
                onset="2026-10-20",
            ),
        ),
        (
            _MI,
            condition(
                "Old MI (myocardial infarction)", (EPIC_DX, "96551", "Old MI"), onset="2026-10-20"
            ),
        ),
        (_MI, condition("History of myocardial infarction", onset="2026-10-20")),
        (
            "Stroke within the past 3 months",
            condition(
                "History of CVA (cerebrovascular accident)", status="inactive", onset="2026-10-01"
            ),
        ),
    ],
)
def test_an_old_event_noted_in_the_window_cannot_say_when_it_happened(
    bullet: str, entry: dict[str, Any]
) -> None:
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), _HTN, entry)) == "unknown"


def test_an_old_event_noted_before_the_window_rules_it_out() -> None:
    criterion = compile_text(_MI, exclusion=True)
    assert criterion is not None
    old = condition("Old MI", (SNOMED, "1755008", "Old myocardial infarction"), onset="2019-03-01")
    assert result_of(criterion, record(patient(), _HTN, old)) == "not-met"


def test_the_patient_is_not_ruled_out_for_an_old_infarction_noted_last_month() -> None:
    text = criteria_text(["Age 18 to 80 years"], [_MI])
    old = condition(
        "Old MI (myocardial infarction)", (EPIC_DX, "96551", "Old MI"), onset="2026-10-20"
    )
    assert verdict_of_study(text, record(patient(), _HTN, old)) == "potential-candidate"


def test_an_infarction_of_last_month_still_excludes() -> None:
    criterion = compile_text(_MI, exclusion=True)
    assert criterion is not None
    nstemi = condition(
        "NSTEMI (non-ST elevated myocardial infarction) (HCC)",
        (ICD, "I21.4", "Non-ST elevation (NSTEMI) myocardial infarction"),
        onset="2026-10-20",
    )
    assert result_of(criterion, record(patient(), _HTN, nstemi)) == "met"
