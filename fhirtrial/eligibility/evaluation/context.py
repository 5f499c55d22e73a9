"""What every criterion evaluator needs: the patient's facts, the date, the policy, and helpers
for the rules all kinds share (time windows, absence of a record, staleness, reasons)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.evaluation.facts import PatientFacts
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import EVENT_ENROLLMENT, Window
from fhirtrial.patient.record import PatientRecord


@dataclass(frozen=True, slots=True)
class EvaluationPolicy:
    """The evidence rules, in one place (documented in docs/eligibility-evaluation.md).

    - ``absence_is_evidence``: a diagnosis / therapy / vaccination / procedure that is not in
      the record counts as absent (``not-met``) only when the record holds at least one item of
      that category (it has a problem list, a medication list, …); otherwise ``unknown``.
      Measurements (labs, scores, stage, biomarkers) never count as absent: ``unknown``.
    - ``lab_fresh_days`` / ``performance_fresh_days``: a result older than this (when the
      criterion gives no window of its own) is stale: reported, but ``unknown``.
    - ``smoking_fresh_days``: a smoking status older than this says nothing about today
      (``unknown``), except that a current or former status proves an ever smoker.
    - ``medication_fresh_days``: an "active" medication with no end date, started or ordered
      longer ago than this, is not proof of current use (``unknown``): medication lists are
      often not reconciled.
    """

    absence_is_evidence: bool = True
    lab_fresh_days: int = 90
    performance_fresh_days: int = 90
    pregnancy_fresh_days: int = 30
    smoking_fresh_days: int = 365
    medication_fresh_days: int = 365


DEFAULT_POLICY = EvaluationPolicy()


@dataclass(frozen=True, slots=True)
class EvalContext:
    facts: PatientFacts
    as_of: date
    policy: EvaluationPolicy
    excluding: bool = False
    """The criterion is asked so that ``met`` rules the patient out (an exclusion, or a member
    negated inside an inclusion). Most evaluators answer the same either way; a few facts whose
    absence from the record proves little (brain metastases) are ``not-met`` from absence only
    here, where that answer keeps the patient in."""

    def flipped(self) -> EvalContext:
        return EvalContext(self.facts, self.as_of, self.policy, not self.excluding)

    @property
    def record(self) -> PatientRecord:
        return self.facts.record


def display(concept_id: str | None) -> str:
    if not concept_id:
        return "(unspecified)"
    try:
        return terminology.concept(concept_id).display
    except KeyError:
        return concept_id


def window_bounds(window: Window, event_day: date) -> tuple[date | None, date | None]:
    """The first and last day of the window around ``event_day``. A window written in months
    or years is counted by the calendar ("within the past 12 months" of 2026-12-01 begins on
    2025-12-01; six months before 31 August is the last day of February)."""
    if window.months is not None:
        low_months, high_months = window.months
        return (
            None if low_months is None else add_months(event_day, low_months),
            None if high_months is None else add_months(event_day, high_months),
        )
    low = event_day + timedelta(days=window.low_days) if window.low_days is not None else None
    high = event_day + timedelta(days=window.high_days) if window.high_days is not None else None
    return low, high


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` calendar months later (earlier when negative),
    the month's last day when it has no such day."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return day.replace(
        year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1])
    )


def in_window(day: date | None, window: Window | None, event_day: date) -> bool | None:
    """Whether ``day`` lies in the window around ``event_day`` (``None``: date unknown)."""
    if window is None:
        return True
    if day is None:
        return None
    low, high = window_bounds(window, event_day)
    return (low is None or day >= low) and (high is None or day <= high)


def span_in_window(first: date, last: date, window: Window | None, event_day: date) -> bool | None:
    """Whether a day known only to lie between ``first`` and ``last`` (a partial date: "2026")
    lies in the window: True / False when every day of the span answers alike, else None."""
    if window is None or (
        in_window(first, window, event_day) and in_window(last, window, event_day)
    ):
        return True
    low, high = window_bounds(window, event_day)
    if (low is not None and last < low) or (high is not None and first > high):
        return False
    return None


def overlaps_window(
    start: date | None, end: date | None, window: Window | None, event_day: date
) -> bool | None:
    """Whether a span (``end`` None = ongoing) overlaps the window."""
    if window is None:
        return True
    if start is None and end is None:
        return None
    low, high = window_bounds(window, event_day)
    if high is not None and start is not None and start > high:
        return False
    return not (low is not None and end is not None and end < low)


def period_overlaps_window(
    ref: str, start: date | None, end: date | None, window: Window | None, ctx: EvalContext
) -> bool | None:
    """`overlaps_window` for a recorded period, whose end may name only a month or a year
    (`PatientRecord.partial_ends`: "until 2026-11" ends on the 30th, maybe on the 1st): True /
    False when both days the end may be answer alike, else None."""
    found = overlaps_window(start, end, window, ctx.as_of)
    span = ctx.record.partial_ends.get(ref)
    if span is None or end != span[1] or found is None:
        return found
    return found if overlaps_window(start, span[0], window, ctx.as_of) == found else None


def describe_window(window: Window | None) -> str:
    if window is None:
        return ""
    event = "enrollment" if window.event == EVENT_ENROLLMENT else window.event.replace("-", " ")
    low, high = window.low_days, window.high_days
    unit = "days"
    if window.months is not None:
        (low, high), unit = window.months, "months"
    if low is not None and high == 0 and low < 0:
        return f"within {-low} {unit} before {event}"
    if low is None and high is not None and high < 0:
        return f"at least {-high} {unit} before {event}"
    if low == 0 and high is not None and high > 0:
        return f"within {high} {unit} after {event}"
    return f"between {low} and {high} {unit} from {event}"


def absent(ctx: EvalContext, what: str, category: str, count: int) -> Finding:
    """No matching record: not-met when the category was recorded at all (policy), else unknown."""
    if count and ctx.policy.absence_is_evidence:
        return Finding("not-met", f"no {what} among the {count} recorded {category}")
    if count:
        return Finding("unknown", f"no {what} recorded (absence not taken as evidence)")
    return Finding("unknown", f"no {category} in the record, so {what} cannot be ruled out")


def by_text_note(by_text: bool) -> str:
    return " [matched by text, no standard code]" if by_text else ""


def fmt_date(day: date | None) -> str:
    return day.isoformat() if day else "an unknown date"
