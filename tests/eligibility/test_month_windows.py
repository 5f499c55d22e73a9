"""Windows written in months and years are calendar lengths, not 30- and 365-day counts.

"Within the past 12 months" reaches back a calendar year (365 or 366 days), "6 months" a
calendar half-year (181 to 184 days). The compiler writes a month as 30.4375 days and a year as
365.25 (the mean calendar lengths, nearest whole day: 12 months 365, 6 months 183, 3 months 91,
2 years 731); with a month of 30 days a patient diagnosed 362 days ago failed an inclusion
"within the past 12 months" he meets. Windows written in days and weeks keep their count.
Expectations below are written from the clinical text, the record's dates and the calendar
(records are read on 2026-12-01: 12 months back is 2025-12-01, 6 months back 2026-06-01).
"""

from __future__ import annotations

from datetime import date

import pytest

from fhirtrial.eligibility.evaluation.context import add_months
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.fhir_reader import read_characteristic
from fhirtrial.eligibility.fhir_writer import CONCEPT_SYSTEM, KIND_SYSTEM, UCUM
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.eligibility.rules.base import days
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import signature

STROKE = (ICD, "I63.9", "Cerebral infarction, unspecified")


def _stroke(onset: str) -> dict:
    return condition("Stroke", STROKE, status="resolved", onset=onset, abated=onset)


def _result(text: str, *resources: dict, exclusion: bool) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None
    return result_of(criterion, record(patient(), *resources), excluding=exclusion)


@pytest.mark.parametrize(
    ("n", "unit", "expected"),
    [
        (1, "month", 30),
        (2, "months", 61),
        (3, "months", 91),
        (6, "months", 183),
        (12, "months", 365),
        (18, "months", 548),
        (24, "months", 731),
        (1, "year", 365),
        (2, "years", 731),
        (5, "years", 1826),
        (4, "weeks", 28),
        (90, "days", 90),
    ],
)
def test_a_unit_of_time_is_its_mean_calendar_length(n: int, unit: str, expected: int) -> None:
    assert days(n, unit) == expected


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Stroke within the past 12 months", True, "condition:stroke:w-365,0,enrollment"),
        ("Stroke within the past year", True, "condition:stroke:w-365,0,enrollment"),
        (
            "Prior chemotherapy within 6 months",
            True,
            "prior-therapy:cytotoxic-chemotherapy:w-183,0,enrollment",
        ),
        (
            "Myocardial infarction within the last 2 years",
            True,
            "condition:myocardial-infarction:w-731,0,enrollment",
        ),
        # written in days or weeks: the count as written
        ("Major surgery within 90 days", True, "procedure:major-surgery:w-90,0,enrollment"),
        ("Major surgery within 4 weeks", True, "procedure:major-surgery:w-28,0,enrollment"),
        # the days the text adds in parentheses are the window (NCT03920293 inc-1)
        (
            "Diagnosed with Myasthenia Gravis at least 6 months (180 days) prior to the date of "
            "the Screening Visit as confirmed by specific criteria.",
            False,
            "condition:icd10cm:G70.0:w,-180,enrollment",
        ),
    ],
)
def test_month_and_year_windows_compile_to_calendar_days(
    text: str, exclusion: bool, expected: str
) -> None:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None and signature(criterion) == expected


def test_a_diagnosis_362_days_ago_is_within_the_past_12_months() -> None:
    # 2025-12-04 is 362 days before 2026-12-01, after 2025-12-01: within 12 calendar months.
    text = "Stroke within the past 12 months"
    assert _result(text, _stroke("2025-12-04"), exclusion=False) == "met"
    assert verdict_of_inclusion_bullet(text, record(patient(), _stroke("2025-12-04"))) != (
        "ineligible"
    )
    # 2025-11-20 is before 2025-12-01: more than 12 months ago.
    assert _result(text, _stroke("2025-11-20"), exclusion=False) == "not-met"


def test_an_event_182_days_ago_is_within_the_past_6_months() -> None:
    # 2026-06-02 is 182 days before 2026-12-01, after 2026-06-01: within 6 calendar months.
    text = "Stroke within the past 6 months"
    assert _result(text, _stroke("2026-06-02"), exclusion=False) == "met"
    assert _result(text, _stroke("2026-06-02"), exclusion=True) == "met"
    assert _result(text, _stroke("2026-05-20"), exclusion=True) == "not-met"


def test_chemotherapy_182_days_ago_is_less_than_6_months_since() -> None:
    # Chemotherapy ended 2026-06-02: 6 calendar months had not passed by 2026-12-01.
    carboplatin = medication(
        "CARBOplatin 450 mg in sodium chloride 0.9% IVPB", "2026-05-01", "2026-06-02"
    )
    assert _result("Chemotherapy within the past 6 months", carboplatin, exclusion=True) == "met"
    earlier = medication(
        "CARBOplatin 450 mg in sodium chloride 0.9% IVPB", "2026-04-01", "2026-05-25"
    )
    assert _result("Chemotherapy within the past 6 months", earlier, exclusion=True) == "not-met"
    no_chemotherapy = "No chemotherapy within the past 6 months"
    assert verdict_of_inclusion_bullet(no_chemotherapy, record(patient(), earlier)) == "eligible"
    assert verdict_of_inclusion_bullet(no_chemotherapy, record(patient(), carboplatin)) == (
        "ineligible"
    )


def test_a_diagnosis_more_than_a_calendar_year_ago_meets_at_least_12_months() -> None:
    # Diagnosed 2025-11-25: more than 12 months before 2026-12-01.
    text = "Diagnosed with type 2 diabetes at least 12 months prior to screening"
    diabetes = condition(
        "Type 2 diabetes",
        (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
        onset="2025-11-25",
    )
    assert _result(text, diabetes, exclusion=False) == "met"


# ---------------------------------------------------------------- counted by the calendar
# A window written in months or years keeps its months (`Window.months`, written to FHIR as
# UCUM `mo` or `a`), and the evaluator counts them by the calendar: on 2026-03-01 six months
# back is 2025-09-01, only 181 days, so a day count of 183 would move the bound two days.

MARCH = date(2026, 3, 1)
DIABETES = (ICD, "E11.9", "Type 2 diabetes mellitus without complications")


def test_the_window_keeps_its_calendar_months_through_fhir() -> None:
    text = "Stroke within the past 12 months"
    compiled = compile_text(text, exclusion=True)
    assert compiled is not None and compiled.window is not None
    assert compiled.window.months == (-12, 0)
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000011", "briefTitle": "x"},
            "eligibilityModule": {"eligibilityCriteria": f"Exclusion Criteria:\n- {text}\n"},
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="nct00000011", study_reference="ResearchStudy/x"
    )
    leaf = _timed(resource["characteristic"])
    time = leaf["timeFromEvent"][0]["range"]
    assert (time["low"]["value"], time["low"]["code"]) == (-1, "a")
    read = read_characteristic(leaf).criterion
    assert read is not None and read.window is not None
    assert (read.window.low_days, read.window.high_days, read.window.months) == (-365, 0, (-12, 0))


def test_a_window_in_days_stays_in_days_through_fhir() -> None:
    compiled = compile_text("Major surgery within 28 days", exclusion=True)
    assert compiled is not None and compiled.window is not None
    assert compiled.window.months is None


def test_more_than_six_calendar_months_meets_at_least_6_months_in_a_short_half_year() -> None:
    # Diagnosed 2025-08-31: 182 days before 2026-03-01, and before 2025-09-01, so more than six
    # calendar months ago (a count of 183 days would say not yet).
    text = "Diagnosed with type 2 diabetes at least 6 months prior to screening"
    earlier = condition("Type 2 diabetes", DIABETES, onset="2025-08-31")
    assert verdict_of_inclusion_bullet(text, record(patient(), earlier, as_of=MARCH)) == (
        "eligible"
    )
    later = condition("Type 2 diabetes", DIABETES, onset="2025-09-10")
    assert verdict_of_inclusion_bullet(text, record(patient(), later, as_of=MARCH)) != "eligible"


def test_chemotherapy_more_than_six_calendar_months_ago_does_not_exclude() -> None:
    # Last chemotherapy 2025-08-31: more than six calendar months before 2026-03-01.
    text = criteria_text(["Adults aged 18 years or older"], ["Chemotherapy within 6 months"])
    old = medication("CARBOplatin 450 mg in sodium chloride 0.9% IVPB", "2025-08-01", "2025-08-31")
    assert verdict_of_study(text, record(patient(), old, as_of=MARCH)) == "eligible"
    recent = medication(
        "CARBOplatin 450 mg in sodium chloride 0.9% IVPB", "2025-08-01", "2025-09-10"
    )
    assert verdict_of_study(text, record(patient(), recent, as_of=MARCH)) == "ineligible"


def _timed(characteristics: list[dict]) -> dict:
    """The first characteristic with a timeFromEvent, however deep."""
    for characteristic in characteristics:
        if "timeFromEvent" in characteristic:
            return characteristic
        inner = characteristic.get("definitionByCombination", {}).get("characteristic", [])
        if inner and (found := _timed(inner)):
            return found
    return {}


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 1), -12, date(2025, 12, 1)),
        (date(2026, 8, 31), -6, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 8, 31), -6, date(2028, 2, 29)),
        (date(2026, 3, 1), -6, date(2025, 9, 1)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_calendar_months_land_on_the_same_day_of_the_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_a_window_in_weeks_from_another_producer_is_read_in_days() -> None:
    characteristic = {
        "definitionByTypeAndValue": {
            "type": {"coding": [{"system": KIND_SYSTEM, "code": "condition"}]},
            "valueCodeableConcept": {"coding": [{"system": CONCEPT_SYSTEM, "code": "stroke"}]},
        },
        "timeFromEvent": [
            {
                "range": {
                    "low": {"value": -4, "unit": "wk", "system": UCUM, "code": "wk"},
                    "high": {"value": 0, "unit": "wk", "system": UCUM, "code": "wk"},
                }
            }
        ],
    }
    read = read_characteristic(characteristic).criterion
    assert read is not None and read.window is not None
    assert (read.window.low_days, read.window.high_days, read.window.months) == (-28, 0, None)
