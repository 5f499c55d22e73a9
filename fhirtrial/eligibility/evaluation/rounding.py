"""A result converted to the criterion's unit is only as exact as the lab reported it.

A creatinine of 133 umol/L is any value from 132.5 to 133.5 umol/L, 1.499 to 1.510 mg/dL: the
lab that reports in mg/dL would have written 1.5 and the patient meets "<= 1.5 mg/dL". When the
bound of a criterion falls inside the span of the reported digits, the converted value decides
nothing (unknown). A value equal to the bound after conversion (100 x 10^9/L against
100,000/uL) is compared as written, as it is in the lab's own unit.
"""

from __future__ import annotations

import math

from fhirtrial.eligibility.evaluation.units import canonical, convert
from fhirtrial.eligibility.model import Criterion


def half_step(value: float) -> float:
    """Half of the last digit the value was reported to: 133 → 0.5, 1.0 → 0.05, 1.25 → 0.005
    (the record reader keeps a number written without a decimal point an int)."""
    if isinstance(value, int):
        return 0.5
    written = repr(value)
    if "e" in written or "E" in written or "." not in written:
        return 0.0
    return 0.5 * 10.0 ** -len(written.split(".")[1])


def bound_within_rounding(
    value: float,
    unit: str | None,
    criterion: Criterion,
    *,
    loinc: str | None,
) -> float | None:
    """The criterion bound that the reported value's rounding straddles once converted to the
    criterion's unit; None when the value is on one side of every bound (or not converted)."""
    target = criterion.unit
    if target is None or canonical(unit) == canonical(target):
        return None
    step = half_step(value)
    below, above, converted = (
        convert(v, unit, target, loinc=loinc, concept=criterion.concept)
        for v in (value - step, value + step, value)
    )
    if converted is None or below is None or above is None:
        return None
    low, high = min(below, above), max(below, above)
    for bound in (criterion.value, criterion.high):
        if bound is None or math.isclose(bound, converted, rel_tol=1e-9, abs_tol=1e-12):
            continue
        if low < bound < high:
            return bound
    return None
