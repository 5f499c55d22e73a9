"""The patient's age from Patient.birthDate, in the unit the criterion states.

Ages are counted in completed units, as people (and CT.gov's inclusive minimum and maximum
ages) count them: a child of 36 months and 20 days is 36 months old, so "6 to 36 months" holds;
"older than 18 years" holds from the day after the 18th birthday. Months are calendar months (a
child born on 15 March is one month old on 15 April), weeks are seven days.

A partial birthDate ("2019", "2019-04") stands for every day of its span: the criterion is decided
only when the oldest and the youngest birth the span allows agree, otherwise unknown. A year of
birth decides "age >= 18 years" for a 40-year-old, never "younger than 28 days".
"""

from __future__ import annotations

from datetime import date

from fhirtrial.eligibility.evaluation.context import EvalContext
from fhirtrial.eligibility.evaluation.results import Finding, Outcome
from fhirtrial.eligibility.model import Criterion

_UNIT_WORDS = {"a": "years", "mo": "months", "wk": "weeks", "d": "days"}
_SYMBOLS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "=": "="}


def completed(born: date, day: date, unit: str) -> int:
    """Whole years, calendar months, weeks or days from ``born`` to ``day``."""
    if unit == "a":
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if unit == "mo":
        return (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)
    days = (day - born).days
    return days // 7 if unit == "wk" else days


def _anniversary(born: date, day: date, unit: str) -> bool:
    """Whether ``day`` is the day the age in ``unit`` became what it is."""
    if unit == "a":
        return (day.month, day.day) == (born.month, born.day)
    if unit == "mo":
        return day.day == born.day
    return unit == "d" or (day - born).days % 7 == 0


def _side(born: date, day: date, criterion: Criterion, unit: str) -> int:
    """-1 too young, 0 within the criterion, 1 too old."""
    age = completed(born, day, unit)
    low = criterion.value if criterion.value is not None else 0.0
    match criterion.comparator:
        case None:
            if criterion.value is not None and age < criterion.value:
                return -1
            return 1 if criterion.high is not None and age > criterion.high else 0
        case ">=":
            return -1 if age < low else 0
        case ">":
            # "Older than 18 years": from the day after the 18th birthday, not the 19th.
            if age < low or (age == low and _anniversary(born, day, unit)):
                return -1
            return 0
        case "<=":
            return 1 if age > low else 0
        case "<":
            return 1 if age >= low else 0
        case _:  # "="
            return -1 if age < low else (1 if age > low else 0)


def evaluate_age(criterion: Criterion, ctx: EvalContext) -> Finding:
    patient = ctx.record.patient
    earliest = patient.birth_date
    if earliest is None:
        return Finding("unknown", "birth date not recorded", (patient.ref,))
    latest = patient.birth_date_latest or earliest
    unit = criterion.unit or "a"
    if unit not in _UNIT_WORDS:
        return Finding("unknown", f"age unit {unit!r} not understood", (patient.ref,))
    words = _UNIT_WORDS[unit]
    wanted = _required(criterion, words)
    oldest, youngest = _side(earliest, ctx.as_of, criterion, unit), None
    if latest != earliest:
        youngest = _side(latest, ctx.as_of, criterion, unit)
    if youngest is not None and youngest != oldest:
        low, high = completed(latest, ctx.as_of, unit), completed(earliest, ctx.as_of, unit)
        return Finding(
            "unknown",
            f"age {low}–{high} {words} on {ctx.as_of} (birth date known only as the span "
            f"{earliest} to {latest}) — required {wanted}",
            (patient.ref,),
        )
    result: Outcome = "met" if oldest == 0 else "not-met"
    age = completed(earliest, ctx.as_of, unit)
    born = f"born {earliest}" if latest == earliest else f"born {earliest} to {latest}"
    shown = f"{age}" if youngest is None else f"{completed(latest, ctx.as_of, unit)}–{age}"
    return Finding(
        result, f"age {shown} {words} on {ctx.as_of} ({born}) — required {wanted}", (patient.ref,)
    )


def _required(criterion: Criterion, words: str) -> str:
    if criterion.comparator is None and criterion.high is not None:
        if criterion.value is None:
            return f"≤ {criterion.high:g} {words}"
        return f"{criterion.value:g}–{criterion.high:g} {words}"
    value = criterion.value if criterion.value is not None else 0.0
    return f"{_SYMBOLS.get(criterion.comparator or '=', '=')} {value:g} {words}"
