"""FHIR date/dateTime/instant values as the [lo, hi) instant range their precision covers."""

import re
from datetime import UTC, datetime, timedelta, timezone

MIN_DT = datetime(1, 1, 1, tzinfo=UTC)
MAX_DT = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)

_DATE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d+))?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def parse_range(text: str) -> tuple[datetime, datetime] | None:
    """The instants covered by a FHIR date string, or None if it is not one.

    "2024" → [2024-01-01, 2025-01-01); "2024-03-05T10:00:00Z" → one second.
    Times without a zone are taken as UTC. Ranges at the ends of the calendar (year 1, year 9999)
    are cut to what a datetime can hold (`MIN_DT`, `MAX_DT`) instead of overflowing.
    """
    match = _DATE.match(text.strip())
    if not match:
        return None
    g = match.groupdict()
    try:
        year = int(g["y"])
        if g["m"] is None:
            lo = datetime(year, 1, 1, tzinfo=UTC)
            return lo, datetime(year + 1, 1, 1, tzinfo=UTC) if year < 9999 else MAX_DT
        month = int(g["m"])
        if g["d"] is None:
            lo = datetime(year, month, 1, tzinfo=UTC)
            if (year, month) == (9999, 12):
                return lo, MAX_DT
            hi = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
            return lo, hi
        day = int(g["d"])
        if g["H"] is None:
            lo = datetime(year, month, day, tzinfo=UTC)
            return lo, shifted(lo, timedelta(days=1))
        tz = UTC
        if g["tz"] and g["tz"] != "Z":
            sign = 1 if g["tz"][0] == "+" else -1
            hours, minutes = int(g["tz"][1:3]), int(g["tz"][4:6])
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        second = int(g["S"] or 0)
        micro = int((g["f"] or "0")[:6].ljust(6, "0"))
        lo = datetime(year, month, day, int(g["H"]), int(g["M"]), second, micro, tzinfo=tz)
        try:
            lo = lo.astimezone(UTC)
        except OverflowError:
            lo = MIN_DT if year == 1 else MAX_DT
        if g["f"]:
            # The span of the last digit written, and at least the millisecond the store keeps
            # (a 1 µs upper bound would be cut to the lower one and match nothing).
            step = timedelta(microseconds=10 ** max(6 - len(g["f"]), 3))
        elif g["S"]:
            step = timedelta(seconds=1)
        else:
            step = timedelta(minutes=1)
        return lo, shifted(lo, step)
    except ValueError:
        return None


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, held within [MIN_DT, MAX_DT]."""
    try:
        return min(max(moment + delta, MIN_DT), MAX_DT)
    except OverflowError:
        return MAX_DT if delta > timedelta(0) else MIN_DT


def format_instant(moment: datetime) -> str:
    """FHIR instant with millisecond precision, e.g. 2026-11-22T01:40:19.123Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def http_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
