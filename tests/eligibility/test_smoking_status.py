"""Issue 13: tobacco smoking status. Real development bullets ("Current smokers", "Non-smoker in
the past year", "Active smoking or stopped smoking less than six months ago") compile to a
smoking criterion the US Core Smoking Status observation decides; amounts, other products,
cessation programmes and cannabis stay text. The latest status decides; an unknown status or no
status is unknown, never met or not met."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.model import Criterion, Kind
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    SNOMED,
    condition,
    observation,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature

CURRENT = "smoking:current-smoker"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Active smoker", True, CURRENT),
        ("Smokers", True, CURRENT),
        ("Smoking.", True, CURRENT),
        ("Current Smoker", True, CURRENT),
        ("Smoker patients", True, CURRENT),
        ("Current cigarette smokers", False, CURRENT),
        ("Smoker; diabetic;", True, f"any-of({CURRENT}, condition:diabetes-mellitus)"),
        ("non-smoker", False, f"NOT {CURRENT}"),
        ("Non-smokers.", False, f"NOT {CURRENT}"),
        # Smoked at some time in the window.
        ("Non-smoker in the past year", False, f"NOT {CURRENT}:w-365,0,enrollment"),
        ("Non-smoker for at least 1 year", False, f"NOT {CURRENT}:w-365,0,enrollment"),
        (
            "Active smoking or stopped smoking less than six months ago;",
            True,
            f"{CURRENT}:w-183,0,enrollment",
        ),
        (
            "Current smokers, or ex-smokers ceasing < 6 months ago",
            True,
            f"{CURRENT}:w-183,0,enrollment",
        ),
        ("Current or recent (within 12 months) smoker", False, f"{CURRENT}:w-365,0,enrollment"),
        (
            "Smoking within 60 days prior to drug administration",
            True,
            f"{CURRENT}:w-60,0,enrollment",
        ),
        ("History of smoking (current or former)", False, "smoking:ever-smoker"),
        # Stay text: an amount, another product, a programme, cannabis, a former smoker's quit
        # date, or how the status was assessed.
        ("Smokers (>20 cigarettes per week)", True, None),
        ("heavy smokers", True, None),
        ("Smoke <6 cigarettes per day", False, None),
        ("No smokers or smokers of less than 10 cigarettes a day.", False, None),
        ("Current smokers or subjects with smoking history ≥10 pack-yrs.", True, None),
        ("Non-smoker (including the use of vaporisers and e-cigarettes)", False, None),
        ("currently using electronic cigarettes more than 2 days/week", True, None),
        ("participate in another smoking cessation programme or service", True, None),
        ("Willing to attempt quitting or reducing smoking at discharge", False, None),
        ("smoke marijuana more than once each week and not willing to quit", True, None),
        ("Active tobacco use", True, None),
        ("if former smoker, quit smoking within the last 15 years", False, None),
        ("Non-smoker or have quit smoking for at least five years ago.", False, None),
        ("Current smoker (assessed by Health History Questionnaire)", True, None),
        ("previous smoker", True, None),
    ],
)
def test_smoking_bullets_compile(text, exclusion, expected) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


def test_amount_bound_exclusion_gives_no_sufficient_part() -> None:
    """A light smoker is not excluded by "Smokers (>20 cigarettes per week)": no sufficient
    part. Being a smoker is a necessary one (`rules.smoking_amounts`): all-of(smoker, TEXT)."""
    from fhirtrial.eligibility.rules import compile_text

    read = compile_text("Smokers (>20 cigarettes per week)", exclusion=True, partial=True)
    assert signature(read) == "all-of(smoking:current-smoker, text)"


STATUS = (LOINC, "72166-2", "Tobacco smoking status")


def _status(code: str, display: str, day: str = "2026-10-01") -> dict:
    return observation(
        STATUS,
        day,
        valueCodeableConcept={"coding": [{"system": SNOMED, "code": code, "display": display}]},
    )


EVERY_DAY = ("449868002", "Current every day smoker")
SOME_DAY = ("428041000124106", "Current some day smoker")
FORMER = ("8517006", "Former smoker")
NEVER = ("266919005", "Never smoker")
UNKNOWN = ("266927001", "Unknown if ever smoked")


def _result(text: str, *resources: dict, exclusion: bool = False) -> str:
    criterion: Criterion | None = compile_criterion(text, exclusion=exclusion)
    assert criterion is not None
    # As a member of the study's all-of: a negated criterion ("Non-smokers") is flipped there.
    study = Criterion(Kind.COMBINATION, children=(criterion,), combination="all-of")
    return result_of(study, record(patient(), *resources))


@pytest.mark.parametrize(
    ("statuses", "result"),
    [
        ([EVERY_DAY], "met"),
        ([SOME_DAY], "met"),
        ([FORMER], "not-met"),
        ([NEVER], "not-met"),
        ([UNKNOWN], "unknown"),
        ([], "unknown"),
    ],
)
def test_current_smoker_by_the_latest_status(statuses, result) -> None:
    assert _result("Current smokers", *(_status(*s) for s in statuses)) == result


def test_the_latest_status_decides() -> None:
    quit = [_status(*EVERY_DAY, day="2025-03-01"), _status(*FORMER, day="2026-10-01")]
    assert _result("Current smokers", *quit) == "not-met"
    started = [_status(*NEVER, day="2025-03-01"), _status(*EVERY_DAY, day="2026-10-01")]
    assert _result("Current smokers", *started) == "met"
    asked = [_status(*EVERY_DAY, day="2025-03-01"), _status(*UNKNOWN, day="2026-10-01")]
    assert _result("Current smokers", *asked) == "unknown"


def test_a_status_older_than_a_year_says_nothing_about_now() -> None:
    old = _status(*EVERY_DAY, day="2024-06-01")
    assert _result("Current smokers", old) == "unknown"
    # … but a smoker then has smoked.
    assert _result("History of smoking (current or former)", old) == "met"


def test_a_status_in_words_only() -> None:
    never = observation(STATUS, "2026-10-01", valueCodeableConcept={"text": "Never smoker"})
    assert _result("Current smokers", never) == "not-met"
    assert _result("Non-smokers", never) == "met"


@pytest.mark.parametrize(
    ("statuses", "result"),
    [
        ([(EVERY_DAY, "2026-11-01")], "met"),
        ([(NEVER, "2026-11-01")], "not-met"),
        # Former: when did they quit? A current status inside the window: smoked in it.
        ([(EVERY_DAY, "2026-08-01"), (FORMER, "2026-11-01")], "met"),
        # Already a former smoker before the window began: did not smoke in it.
        ([(FORMER, "2025-12-01"), (FORMER, "2026-11-01")], "not-met"),
        # No quit date: unknown.
        ([(FORMER, "2026-11-01")], "unknown"),
        ([(EVERY_DAY, "2025-01-01"), (FORMER, "2026-11-01")], "unknown"),
        ([], "unknown"),
    ],
)
def test_stopped_less_than_six_months_ago(statuses, result) -> None:
    text = "Active smoking or stopped smoking less than six months ago;"
    resources = [_status(*s, day=day) for s, day in statuses]
    assert _result(text, *resources, exclusion=True) == result


def test_non_smoker_in_the_past_year() -> None:
    text = "Non-smoker in the past year"
    assert _result(text, _status(*NEVER)) == "met"
    assert _result(text, _status(*EVERY_DAY)) == "not-met"
    assert _result(text, _status(*FORMER)) == "unknown"
    assert _result(text) == "unknown"


def test_the_problem_list_shows_a_smoker_never_a_non_smoker() -> None:
    dependence = condition(
        "Cigarette nicotine dependence",
        (ICD, "F17.210", "Nicotine dependence, cigarettes, uncomplicated"),
    )
    assert _result("Current smokers", dependence) == "met"
    history = condition(
        "History of tobacco dependence", (ICD, "Z87.891", "Personal history of nicotine dependence")
    )
    assert _result("Current smokers", history) == "unknown"
    assert _result("History of smoking (current or former)", history) == "met"
    # A problem list without any tobacco entry proves nothing about smoking.
    hypertension = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
    assert _result("Current smokers", hypertension) == "unknown"
    assert _result("Non-smokers", hypertension) == "unknown"
    # A status observation outranks the problem list.
    assert _result("Current smokers", dependence, _status(*FORMER)) == "not-met"
