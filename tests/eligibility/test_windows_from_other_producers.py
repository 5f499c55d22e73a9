"""A timeFromEvent written by another producer is read bound by bound, each in its own unit
(UCUM s, min, h, d, wk, mo, a, or the unit's English name when no code is given), or not at all:
an unknown unit, a bound that is no whole number of days or months, or a timeFromEvent with a
quantity and no range leaves the characteristic text (unknown), never a window of other days and
never an unbounded one (`mends2`). Before, mixed units were read as days ("−6 mo … 0 d" was six
days), hours as days, decimals truncated ("−0.5 a" was 0) and a quantity-only timeFromEvent
matched any date, so "MI within 6 months" excluded an MI of ten years ago."""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.fhir_reader import read_characteristic
from fhirtrial.eligibility.fhir_writer import CONCEPT_SYSTEM, KIND_SYSTEM, UCUM
from fhirtrial.eligibility.model import Window


def _bound(value: float, code: str | None, unit: str | None = None) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": value}
    if code is not None:
        quantity.update({"system": UCUM, "code": code})
    if unit is not None or code is not None:
        quantity["unit"] = unit if unit is not None else code
    return quantity


def _mi(time_from_event: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": "Myocardial infarction",
        "definitionByTypeAndValue": {
            "type": {"coding": [{"system": KIND_SYSTEM, "code": "condition"}]},
            "valueCodeableConcept": {
                "coding": [{"system": CONCEPT_SYSTEM, "code": "myocardial-infarction"}]
            },
        },
        "timeFromEvent": [time_from_event],
    }


def _window(time_from_event: dict[str, Any]) -> Window | None:
    criterion = read_characteristic(_mi(time_from_event)).criterion
    return None if criterion is None else criterion.window


def _range(low: dict[str, Any] | None, high: dict[str, Any] | None) -> dict[str, Any]:
    range_ = {}
    if low is not None:
        range_["low"] = low
    if high is not None:
        range_["high"] = high
    return {"range": range_}


@pytest.mark.parametrize(
    ("time_from_event", "low_days", "high_days", "months"),
    [
        # six calendar months before to the day of enrolment, whatever the high bound's unit
        (_range(_bound(-6, "mo"), _bound(0, "d")), -183, 0, (-6, 0)),
        # 48 hours are two days, not 48
        (_range(_bound(-48, "h"), _bound(0, "h")), -2, 0, None),
        (_range(_bound(-2880, "min"), None), -2, None, None),
        (_range(_bound(-172800, "s"), None), -2, None, None),
        # half a year is six calendar months, not 0
        (_range(_bound(-0.5, "a"), _bound(0, "a")), -183, 0, (-6, 0)),
        # "months" in words with no code: months, not days
        (_range(_bound(-6, None, "months"), _bound(0, None, "months")), -183, 0, (-6, 0)),
        (_range(_bound(-2, "wk"), _bound(0, "d")), -14, 0, None),
        # days, as this server writes them
        (_range(_bound(-28, "d"), _bound(0, "d")), -28, 0, None),
    ],
)
def test_each_bound_is_read_in_its_own_unit(
    time_from_event: dict[str, Any],
    low_days: int | None,
    high_days: int | None,
    months: tuple[int | None, int | None] | None,
) -> None:
    window = _window(time_from_event)
    assert window is not None
    assert (window.low_days, window.high_days, window.months) == (low_days, high_days, months)


@pytest.mark.parametrize(
    "time_from_event",
    [
        # "MI within 6 months" as a quantity and no range: no bounds to read
        {"quantity": _bound(6, "mo")},
        # a unit the reader does not know
        _range(_bound(-6, "fortnight"), _bound(0, "d")),
        _range(_bound(-6, None, "lunar months"), None),
        # a bound with no unit at all
        _range({"value": -6}, _bound(0, "d")),
        # 36 hours: between one day and two; a record dated by day cannot say which side of it an
        # event lies, and rounding either way decides wrongly for one of the two lists
        _range(_bound(-36, "h"), _bound(0, "h")),
        # a bound with no value
        _range({"unit": "d", "system": UCUM, "code": "d"}, _bound(0, "d")),
    ],
)
def test_an_unreadable_window_leaves_the_characteristic_text(
    time_from_event: dict[str, Any],
) -> None:
    assert read_characteristic(_mi(time_from_event)).criterion is None


def test_a_coded_concept_keeps_its_window() -> None:
    characteristic = {
        "definitionCodeableConcept": {
            "coding": [{"system": CONCEPT_SYSTEM, "code": "myocardial-infarction"}]
        },
        "timeFromEvent": [_range(_bound(-6, "mo"), _bound(0, "mo"))],
    }
    criterion = read_characteristic(characteristic).criterion
    assert criterion is not None and criterion.window is not None
    assert (criterion.window.low_days, criterion.window.months) == (-183, (-6, 0))


def test_a_coded_concept_with_an_unreadable_window_stays_text() -> None:
    characteristic = {
        "definitionCodeableConcept": {
            "coding": [{"system": CONCEPT_SYSTEM, "code": "myocardial-infarction"}]
        },
        "timeFromEvent": [{"quantity": _bound(6, "mo")}],
    }
    assert read_characteristic(characteristic).criterion is None
