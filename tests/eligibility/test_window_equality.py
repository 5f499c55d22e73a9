"""A window counted by the calendar is not the window of its mean days: "within the past 12
months" of 2028-02-29 begins on 2027-02-28, "within the past 365 days" on 2027-03-01. The two
must not be equal (nor hash alike), or a cache or a deduplication of criteria keyed on them hands
one's verdict to the other (`mends2`)."""

from __future__ import annotations

from datetime import date

from fhirtrial.eligibility.evaluation.context import add_months
from fhirtrial.eligibility.model import Window
from fhirtrial.eligibility.rules.base import window_before


def test_calendar_months_and_their_mean_days_are_different_windows() -> None:
    in_days = Window(-365, 0)
    in_months = window_before(12, "month")
    assert (in_months.low_days, in_months.high_days) == (-365, 0)
    # their first days differ on a leap day
    as_of = date(2028, 2, 29)
    assert add_months(as_of, -12) != date.fromordinal(as_of.toordinal() - 365)
    assert in_days != in_months
    assert len({in_days, in_months}) == 2


def test_the_same_calendar_window_is_equal() -> None:
    assert window_before(12, "month") == window_before(1, "year")
    assert hash(window_before(12, "month")) == hash(window_before(1, "year"))
