"""Events in a window ("Myocardial infarction within the past 6 months", "Stroke within 6
months", "Seizure in the past 12 months") happen in it. Problem lists keep an NSTEMI of 2019 or a
cerebral infarction of 2015 "active" for years, and hold I25.2 old MI, I69 stroke sequelae and
G40 epilepsy: read as present in the window, each met the exclusion and ruled out a patient whose
event was years ago."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)

OLD_NSTEMI = condition(
    "NSTEMI (non-ST elevated myocardial infarction) (HCC)",
    (ICD, "I21.4", "Non-ST elevation (NSTEMI) myocardial infarction"),
    onset="2019-03-01",
)
RECENT_NSTEMI = condition(
    "NSTEMI (non-ST elevated myocardial infarction) (HCC)",
    (ICD, "I21.4", "Non-ST elevation (NSTEMI) myocardial infarction"),
    onset="2026-09-20",
)
OLD_MI_RECORDED_RECENTLY = condition(
    "History of MI", (ICD, "I25.2", "Old myocardial infarction"), onset="2026-10-05"
)
OLD_STROKE = condition(
    "Cerebral infarction (HCC)",
    (ICD, "I63.9", "Cerebral infarction, unspecified"),
    onset="2015-03-01",
)
STROKE_SEQUELA = condition(
    "Hemiparesis following stroke",
    (ICD, "I69.354", "Hemiplegia and hemiparesis following cerebral infarction"),
    onset="2026-10-01",
)
OLD_EPILEPSY = condition(
    "Seizure disorder (HCC)", (ICD, "G40.909", "Epilepsy, unspecified"), onset="1990-01-01"
)
RECENT_CONVULSION = condition(
    "Seizure (HCC)", (ICD, "R56.9", "Unspecified convulsions"), onset="2026-10-01"
)

MI = "Myocardial infarction within the past 6 months"
STROKE = "Stroke within 6 months"
SEIZURE = "Seizure in the past 12 months"


@pytest.mark.parametrize(
    ("bullet", "entry", "expected"),
    [
        (MI, OLD_NSTEMI, "not-met"),
        (MI, RECENT_NSTEMI, "met"),
        (MI, OLD_MI_RECORDED_RECENTLY, "unknown"),
        (STROKE, OLD_STROKE, "not-met"),
        (STROKE, STROKE_SEQUELA, "unknown"),
        (SEIZURE, OLD_EPILEPSY, "unknown"),
        (SEIZURE, RECENT_CONVULSION, "met"),
    ],
)
def test_an_event_counts_by_when_it_happened(bullet: str, entry: dict, expected: str) -> None:
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == expected


def test_an_old_infarction_still_on_the_problem_list_does_not_rule_out() -> None:
    text = criteria_text(["Age 18 or older"], [MI, STROKE])
    assert verdict_of_study(text, record(patient(), OLD_NSTEMI, OLD_STROKE)) == "eligible"
    assert verdict_of_study(text, record(patient(), RECENT_NSTEMI)) == "ineligible"


def test_an_unwindowed_history_still_counts_the_old_event() -> None:
    criterion = compile_text("History of myocardial infarction", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), OLD_NSTEMI)) == "met"


OLD_PE = condition(
    "Pulmonary embolism (HCC)",
    (ICD, "I26.99", "Other pulmonary embolism without acute cor pulmonale"),
    onset="2018-01-01",
)
CHRONIC_DVT = condition(
    "Chronic DVT of right leg",
    (ICD, "I82.501", "Chronic embolism and thrombosis of unspecified deep veins of right leg"),
    onset="2026-10-01",
)


@pytest.mark.parametrize(
    ("bullet", "entry", "expected"),
    [
        ("Pulmonary embolism within the past 6 months", OLD_PE, "not-met"),
        ("Venous thromboembolism within the last 6 months", OLD_PE, "not-met"),
        ("Deep vein thrombosis within 3 months", CHRONIC_DVT, "unknown"),
    ],
)
def test_thromboembolism_counts_by_when_it_happened(
    bullet: str, entry: dict, expected: str
) -> None:
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == expected
