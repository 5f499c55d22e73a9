"""Windows of enrolment in spellings the window readers did not know (fifteenth session).

- An exclusion's time counted back with no "in" or "within" before it, closing the clause:
  "Antibiotic treatment the prior 3 months" (NCT03863730 exc-9), "dependence past 6 months"
  (NCT03794076 exc-1), "substance use disorder (past 1 month; …)" (NCT03922581 exc-2). Not after
  a word that makes it a duration ("for the past 3 months", "at least the past 6 months"), not
  before another moment ("the last 3 months of pregnancy"), not in an inclusion.
- "Within a month", "within a year" (NCT03930043 exc-1, NCT03797274 exc-4): one of the unit,
  in either list; "in a year" may count a frequency and is not read.
- "In the past half year", "last half year" (NCT03920618 inc-5, NCT03924843 exc-5): six calendar
  months; "one and a half years" is no window.
- An exclusion's "recent … (< N units)" (NCT03921983 exc-1, NCT03924466 exc-2.3, NCT03861468
  exc-1): "recent" makes the bound a window; a bare "(< 2 years)" may be a duration.

Expected forms and results were written from the clinical text before running the code. The
record's day is 2026-12-01; months and years are calendar ones.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.evaluation.events import EVENTS
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.eligibility.rules.dated_parts import EVENT_CONDITIONS
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature


def _form(text: str, *, exclusion: bool = True) -> str | None:
    return signature(compile_text(text, exclusion=exclusion, partial=True))


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        ("Antibiotic treatment the prior 3 months", "medication:antibiotic:w-91,0,enrollment"),
        ("Stroke past 6 months.", "condition:stroke:w-183,0,enrollment"),
        ("Major surgery (past 1 month)", "procedure:major-surgery:w-30,0,enrollment"),
    ],
)
def test_an_exclusions_unopened_time_before_now_is_its_window(bullet: str, expected: str) -> None:
    assert _form(bullet) == expected


@pytest.mark.parametrize(
    "bullet",
    [
        "Use of antibiotics for the past 3 months",  # a duration: throughout, not once in it
        "Stroke at least the past 6 months",
        "Smoking the last 3 months of pregnancy",  # counted from another moment
    ],
)
def test_an_unopened_time_that_is_no_window_of_enrolment_stays_text(bullet: str) -> None:
    assert _form(bullet) is None


def test_an_inclusions_unopened_time_stays_text() -> None:
    assert _form("Antibiotic treatment the prior 3 months", exclusion=False) is None


@pytest.mark.parametrize(
    ("bullet", "exclusion", "expected"),
    [
        ("Use of antibiotics within a month", True, "medication:antibiotic:w-30,0,enrollment"),
        ("Stroke within a year", True, "condition:stroke:w-365,0,enrollment"),
        ("Stroke within a year", False, "condition:stroke:w-365,0,enrollment"),
        ("Stroke in the past half year", True, "condition:stroke:w-183,0,enrollment"),
        ("Stroke in the past half year", False, "condition:stroke:w-183,0,enrollment"),
        ("Surgery last half year", True, "procedure:surgery:w-183,0,enrollment"),
    ],
)
def test_a_or_half_a_unit_counts_the_window(bullet: str, exclusion: bool, expected: str) -> None:
    assert _form(bullet, exclusion=exclusion) == expected


@pytest.mark.parametrize(
    "bullet",
    [
        "Stroke within one and a half years",
        "More than 2 hospitalizations for heart failure in a year",
    ],
)
def test_no_window_is_read_from_a_half_or_a_frequency(bullet: str) -> None:
    assert _form(bullet) is None


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Recent myocardial infarction (< 3 months).",
            "all-of(condition:myocardial-infarction:w-91,0,enrollment, text)",
        ),
        ("Recent stroke (<6 weeks)", "all-of(condition:stroke:w-42,0,enrollment, text)"),
    ],
)
def test_a_recent_bound_is_a_window(bullet: str, expected: str) -> None:
    assert _form(bullet) == expected


def test_a_bare_bound_without_recent_stays_text() -> None:
    assert _form("Stroke (< 2 years)") is None


def _amoxicillin(start: str, end: str) -> dict:
    return medication("amoxicillin 500 mg capsule", start, end)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-09-02", "2026-09-09", "ineligible"),  # just inside 3 months back (2026-09-01)
        ("2026-08-20", "2026-08-30", "eligible"),  # just outside
    ],
)
def test_a_course_of_antibiotics_excludes_only_in_the_prior_three_months(
    start: str, end: str, expected: str
) -> None:
    text = criteria_text(["Age 18 or older"], ["Antibiotic treatment the prior 3 months"])
    assert verdict_of_study(text, record(patient(), _amoxicillin(start, end))) == expected


def _stroke(onset: str) -> dict:
    return condition(
        "Cerebral infarction (HCC)",
        (ICD, "I63.9", "Cerebral infarction, unspecified"),
        status="resolved",
        onset=onset,
        abated=onset,
    )


@pytest.mark.parametrize(
    ("bullet", "onset", "expected"),
    [
        ("Stroke within a year", "2025-12-03", "met"),  # the window begins 2025-12-01
        ("Stroke within a year", "2025-11-28", "not-met"),
        ("Stroke in the past half year", "2026-06-03", "met"),  # begins 2026-06-01
        ("Stroke in the past half year", "2026-05-28", "not-met"),
    ],
)
def test_a_stroke_counts_only_in_its_window(bullet: str, onset: str, expected: str) -> None:
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), _stroke(onset)), excluding=True) == expected


def _infarction(onset: str) -> dict:
    return condition(
        "NSTEMI (non-ST elevated myocardial infarction) (HCC)",
        (ICD, "I21.4", "Non-ST elevation (NSTEMI) myocardial infarction"),
        status="resolved",
        onset=onset,
        abated=onset,
    )


def test_a_recent_infarction_in_the_window_is_left_to_review() -> None:
    # In the three months (from 2026-09-01), but "recent" is kept as a text member.
    text = criteria_text(["Age 18 or older"], ["Recent myocardial infarction (< 3 months)."])
    verdict = verdict_of_study(text, record(patient(), _infarction("2026-09-05")))
    assert verdict not in ("eligible", "ineligible")


def test_an_infarction_before_the_window_does_not_exclude() -> None:
    text = criteria_text(["Age 18 or older"], ["Recent myocardial infarction (< 3 months)."])
    assert verdict_of_study(text, record(patient(), _infarction("2026-08-25"))) == "eligible"


# ---------------------------------------------------------------- a closing window dates parts
# An exclusion read in part ("A or <words no rule reads> (past year)") whose window closes the
# bullet: read without the window, every part dated by it (`rules.dated_parts`; NCT03924791
# exc-6, NCT03925142 exc-15). Not after a word that dates an item at any time or names another
# event, not before another moment, not for a diagnosis the evaluator does not date by when it
# happened, not in an inclusion.

CARDIOVASCULAR_EVENTS = (
    "Have cardiovascular events (myocardial infarction or stroke) during the 6 months prior to "
    "the study"
)


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Surgery for sciatica at another level within one year before inclusion",
            "all-of(procedure:surgery:w-365,0,enrollment, text)",
        ),
        (
            CARDIOVASCULAR_EVENTS,
            "any-of(condition:myocardial-infarction:w-183,0,enrollment, "
            "condition:stroke:w-183,0,enrollment, text)",
        ),
    ],
)
def test_a_closing_window_dates_every_part_read(bullet: str, expected: str) -> None:
    assert _form(bullet) == expected


@pytest.mark.parametrize(
    "bullet",
    [
        "History of stroke or significant neurologic signs (past year)",
        # a diagnosis the evaluator does not date by when it happened: an entry open for years
        # would meet it (NCT03923361 exc-7)
        "Traumatic brain injury or significant neurologic signs (past year)",
        # a verb or an event before the window: the window dates it
        "Admitted with stroke or significant neurologic signs in the past year",
        "Surgery for sciatica at another level within one year prior to pregnancy",
        "Subject has previously received allogenic stem cell transplant, or subject has received "
        "autologous stem cell transplant within 3 months before administration of the study "
        "agent;",
    ],
)
def test_a_closing_window_that_may_not_reach_a_part_leaves_the_bullet_text(bullet: str) -> None:
    assert _form(bullet) is None


def test_an_inclusions_closing_window_dates_no_part() -> None:
    assert _form(CARDIOVASCULAR_EVENTS, exclusion=False) is None


def test_the_dated_diagnoses_are_the_evaluators_events() -> None:
    assert EVENT_CONDITIONS == EVENTS


@pytest.mark.parametrize(
    ("onset", "expected"),
    [
        ("2026-06-03", "met"),  # just inside the six months (from 2026-06-01)
        ("2026-05-28", "unknown"),  # outside: only the unread events may still hold
    ],
)
def test_an_infarction_counts_only_in_the_closing_window(onset: str, expected: str) -> None:
    criterion = compile_text(CARDIOVASCULAR_EVENTS, exclusion=True, partial=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), _infarction(onset)), excluding=True) == expected
