"""Results reported as a bound ("<5", ">60", ">14.0 %") and the number a result's text gives.

A laboratory reports a value beyond what its assay measures as a bound: FHIR `valueQuantity`
with a `comparator`, or (Epic) a `valueString` whose unit, if any, is the reference range's. The
result is every value beyond the bound, so it decides a criterion only when all of them answer
alike: an eGFR ">60" meets "eGFR >= 30", not "eGFR >= 90" (unknown), and fails "eGFR < 45".
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from fhirtrial.eligibility.model import Criterion
from fhirtrial.patient.items import ObservationItem
from fhirtrial.patient.values import Quantity

_SYMBOLS = {"≤": "<=", "≥": ">=", "=<": "<=", "=>": ">="}
_TEXT_NUMBER = re.compile(
    r"^\s*(?P<comparator><=|>=|=<|=>|<|>|≤|≥)?\s*(?P<value>\d+(?:\.\d+)?|\.\d+)"
    r"\s*(?P<unit>[^\d\s<>=≤≥.][^\s]*)?\s*$"
)


class Interval(NamedTuple):
    low: float
    low_closed: bool
    high: float
    high_closed: bool

    def is_empty(self) -> bool:
        return self.low > self.high or (
            self.low == self.high and not (self.low_closed and self.high_closed)
        )


def quantity_of_text(item: ObservationItem, text: str) -> Quantity | None:
    """A number written as the result's text ("72", "<5", ">14.0 %"), with the unit it states or
    the unit of the result's reference range; None when the text is no number."""
    match = _TEXT_NUMBER.match(text)
    if match is None:
        return None
    unit = match["unit"]
    if unit is None:
        unit = next(
            (
                bound.code or bound.unit
                for r in item.reference_ranges
                for bound in (r.low, r.high)
                if bound is not None and (bound.code or bound.unit)
            ),
            None,
        )
    comparator = match["comparator"]
    number = match["value"]
    return Quantity(
        float(number) if "." in number else int(number),
        unit,
        None,
        None,
        _SYMBOLS.get(comparator or "", comparator),
    )


def values_of(value: float, comparator: str | None) -> Interval:
    """The values a result ``value`` with ``comparator`` stands for."""
    if comparator == "<":
        return Interval(-math.inf, False, value, False)
    if comparator == "<=":
        return Interval(-math.inf, False, value, True)
    if comparator == ">":
        return Interval(value, False, math.inf, False)
    if comparator == ">=":
        return Interval(value, True, math.inf, False)
    return Interval(value, True, value, True)


def decides(values: Interval, criterion: Criterion) -> bool | None:
    """Whether every value meets the criterion (True), none does (False), or it depends."""
    wanted = _wanted(criterion)
    overlap = Interval(
        *max((values.low, values.low_closed), (wanted.low, wanted.low_closed), key=_low_key),
        *min((values.high, values.high_closed), (wanted.high, wanted.high_closed), key=_high_key),
    )
    if overlap.is_empty():
        return False
    if overlap == values:
        return True
    return None


def _low_key(bound: tuple[float, bool]) -> tuple[float, bool]:
    # Of two lower bounds at one number the open one is the tighter.
    return bound[0], not bound[1]


def _high_key(bound: tuple[float, bool]) -> tuple[float, bool]:
    return bound[0], bound[1]


def _wanted(criterion: Criterion) -> Interval:
    target = criterion.value if criterion.value is not None else 0.0
    if criterion.comparator is None:
        low = criterion.value if criterion.value is not None else -math.inf
        high = criterion.high if criterion.high is not None else math.inf
        return Interval(low, True, high, True)
    return {
        "<": Interval(-math.inf, False, target, False),
        "<=": Interval(-math.inf, False, target, True),
        ">": Interval(target, False, math.inf, False),
        ">=": Interval(target, True, math.inf, False),
        "=": Interval(target, True, target, True),
    }[criterion.comparator]
