"""Spans of time as criteria write them ("within the past 6 months", "4 weeks"): their length in
days and the `model.Window` they make. Shared by the rules, which read them from text, and the
FHIR reader, which reads them from `timeFromEvent`."""

from __future__ import annotations

import math

from fhirtrial.eligibility.model import EVENT_ENROLLMENT, Window

# The days of a unit of time. A month and a year are the mean calendar ones (30.4375 and 365.25
# days, as `age_conflicts` and `evaluation.units` count them): "within the past 12 months" is 365
# days, not 360, "6 months" 183, not 180 (a calendar half-year is 181 to 184 days).
MEAN_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}
# The same lengths by UCUM unit code, as ages carry them.
MEAN_UCUM_DAYS = {
    "d": MEAN_UNIT_DAYS["day"],
    "wk": MEAN_UNIT_DAYS["week"],
    "mo": MEAN_UNIT_DAYS["month"],
    "a": MEAN_UNIT_DAYS["year"],
}


def days(n: int, unit: str) -> int:
    """``n`` units of time ("day(s)", "week(s)", "month(s)", "year(s)") in whole days: the
    nearest day to the mean calendar length, halves up (6 months 183, 12 months 365, 3 months
    91, 2 years 731). A fixed count is off by a day or two against some calendar dates either
    way; the nearest one is off least, and the evaluator counts a month window by the calendar
    (`model.Window.months`)."""
    return math.floor(n * MEAN_UNIT_DAYS[unit.rstrip("s")] + 0.5)


def window_before(n: int, unit: str) -> Window:
    """Within ``n`` units of time before enrolment ("within the past 6 months")."""
    return window_of((-n, unit), (0, "day"))


# A signed amount of time from the event: (-6, "months") is 6 months before, (0, "day") the day.
Amount = tuple[int, str]


def window_of(low: Amount | None, high: Amount | None, event: str = EVENT_ENROLLMENT) -> Window:
    """The window from ``low`` to ``high`` (None: open), in days; written in months or years
    (and the event's day), it keeps its calendar months too (`model.Window.months`), which the
    evaluator counts by the calendar: "within the past 12 months" reaches back to the same day
    of the month a year ago, 365 or 366 days."""
    return Window(_signed_days(low), _signed_days(high), event, months=_calendar(low, high))


def _signed_days(amount: Amount | None) -> int | None:
    if amount is None:
        return None
    n, unit = amount
    return -days(-n, unit) if n < 0 else days(n, unit)


def _calendar(*amounts: Amount | None) -> tuple[int | None, int | None] | None:
    months: list[int | None] = []
    for amount in amounts:
        if amount is None:
            months.append(None)
            continue
        n, unit = amount
        per = {"month": 1, "year": 12}.get(unit.rstrip("s"), 0 if n == 0 else None)
        if per is None:
            return None  # a bound in days or weeks: the window is counted in days
        months.append(n * per)
    if all(m in (None, 0) for m in months):
        return None  # nothing in months
    return months[0], months[1]
