"""FHIR R5 EvidenceVariable JSON → typed criteria (the evaluator's view). Inverse of fhir_writer.

Stable API (see docs/eligibility-model.md):

- `read_evidence_variable(resource) -> list[ReadCharacteristic]`: the top-level characteristics.
- `read_characteristic(characteristic) -> ReadCharacteristic`.
- `ReadCharacteristic`: link_id, description, exclude, criterion (a `Criterion`, or None when the
  characteristic has no definition — text only), manual_review, comparison_group, cohort_label,
  children (for `definitionByCombination`), combination, threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from fhirtrial.eligibility.fhir_writer import (
    COHORT_LABEL_EXTENSION,
    COMPARISON_GROUP_EXTENSION,
    CONCEPT_IN_TYPE,
    CONCEPT_SYSTEM,
    EVENT_SYSTEM,
    GENDER_SYSTEM,
    KIND_SYSTEM,
    MANUAL_REVIEW_EXTENSION,
    OFFSET_SYSTEM,
    OTHER_THAN_EXTENSION,
    QUALIFIER_EXTENSION,
    STAGE_OF_EXTENSION,
)
from fhirtrial.eligibility.model import (
    EVENT_ENROLLMENT,
    CombinationCode,
    Count,
    Criterion,
    Kind,
    Window,
)
from fhirtrial.eligibility.windows import window_of


@dataclass
class ReadCharacteristic:
    link_id: str | None
    description: str | None
    exclude: bool
    criterion: Criterion | None
    manual_review: bool = False
    comparison_group: str | None = None  # ResearchStudy.comparisonGroup.linkId ("arm-1")
    cohort_label: str | None = None  # the cohort as the text names it ("Cohort 1")
    combination: CombinationCode | None = None
    threshold: int | None = None
    children: list[ReadCharacteristic] = field(default_factory=list)

    @property
    def computable(self) -> bool:
        if self.children:
            return any(child.computable for child in self.children)
        return self.criterion is not None


def read_evidence_variable(resource: dict[str, Any]) -> list[ReadCharacteristic]:
    return [read_characteristic(c) for c in resource.get("characteristic", [])]


def read_characteristic(characteristic: dict[str, Any]) -> ReadCharacteristic:
    extensions = characteristic.get("extension", [])
    read = ReadCharacteristic(
        link_id=characteristic.get("linkId"),
        description=characteristic.get("description"),
        exclude=bool(characteristic.get("exclude", False)),
        criterion=None,
        manual_review=any(
            e.get("url") == MANUAL_REVIEW_EXTENSION and e.get("valueBoolean") for e in extensions
        ),
        comparison_group=_extension_string(extensions, COMPARISON_GROUP_EXTENSION),
        cohort_label=_extension_string(extensions, COHORT_LABEL_EXTENSION),
    )
    if combination := characteristic.get("definitionByCombination"):
        read.combination = combination.get("code")
        read.threshold = combination.get("threshold")
        read.children = [read_characteristic(c) for c in combination.get("characteristic", [])]
    elif definition := characteristic.get("definitionByTypeAndValue"):
        read.criterion = _leaf(characteristic, definition, extensions)
    elif concept := characteristic.get("definitionCodeableConcept"):
        concept_id = _concept_id(concept)
        try:
            window = _window(characteristic.get("timeFromEvent"))
        except _Unreadable:
            concept_id = None  # its window unread, the concept alone would match any date
        if concept_id:  # a coded concept from another producer: presence of a condition
            read.criterion = Criterion(Kind.CONDITION, concept=concept_id, window=window)
    return read


def _extension_string(extensions: list[dict[str, Any]], url: str) -> str | None:
    for extension in extensions:
        if extension.get("url") == url:
            return extension.get("valueString")
    return None


def _concept_id(codeable: dict[str, Any] | None) -> str | None:
    for coding in (codeable or {}).get("coding", []):
        if coding.get("system") == CONCEPT_SYSTEM:
            code: str | None = coding.get("code")
            return code
    return None


def _kind(definition: dict[str, Any]) -> Kind | None:
    for coding in definition.get("type", {}).get("coding", []):
        if coding.get("system") == KIND_SYSTEM:
            try:
                return Kind(coding.get("code"))
            except ValueError:
                return None
    return None


def _leaf(
    characteristic: dict[str, Any], definition: dict[str, Any], extensions: list[dict[str, Any]]
) -> Criterion | None:
    kind = _kind(definition)
    if kind is None:
        return None
    try:
        window = _window(characteristic.get("timeFromEvent"))
    except _Unreadable:
        return None
    concept = value_concept = comparator = unit = None
    value = high = None
    type_concept = _concept_id(definition.get("type"))
    value_codeable = definition.get("valueCodeableConcept")
    if kind in CONCEPT_IN_TYPE:
        concept = type_concept
        value_concept = _concept_id(value_codeable)
    elif kind is Kind.SEX:
        value_concept = _gender(value_codeable)
    else:
        concept = _concept_id(value_codeable)
    uln = any(
        c.get("system") == OFFSET_SYSTEM and c.get("code") == "UNL"
        for c in definition.get("offset", {}).get("coding", [])
    )
    if quantity := definition.get("valueQuantity"):
        value = quantity.get("value")
        comparator = quantity.get("comparator", "=")
        unit = None if uln else quantity.get("code") or quantity.get("unit")
    elif range_ := definition.get("valueRange"):
        value = range_.get("low", {}).get("value")
        high = range_.get("high", {}).get("value")
        unit = (range_.get("low") or range_.get("high") or {}).get("code")
    return Criterion(
        kind=kind,
        concept=concept,
        comparator=comparator,
        value=value,
        high=high,
        unit=unit,
        uln_multiple=uln,
        value_concept=value_concept,
        window=window,
        count=_count(characteristic),
        qualifiers=tuple(e["valueCode"] for e in extensions if e.get("url") == QUALIFIER_EXTENSION),
        cohort=_extension_string(extensions, COMPARISON_GROUP_EXTENSION)
        or _extension_string(extensions, COHORT_LABEL_EXTENSION),
        other_than=_concepts_of(extensions, OTHER_THAN_EXTENSION),
        stage_of=_concepts_of(extensions, STAGE_OF_EXTENSION),
        source_text=characteristic.get("description"),
    )


def _concepts_of(extensions: list[dict[str, Any]], url: str) -> tuple[str, ...]:
    """The concept ids of the repeating ``url`` extensions (`criterion-concept` codings)."""
    return tuple(
        coding["code"]
        for e in extensions
        if e.get("url") == url
        for coding in (e.get("valueCodeableConcept") or {}).get("coding", [])
        if coding.get("system") == CONCEPT_SYSTEM and coding.get("code")
    )


def _gender(codeable: dict[str, Any] | None) -> str | None:
    for coding in (codeable or {}).get("coding", []):
        if coding.get("system") == GENDER_SYSTEM:
            code: str | None = coding.get("code")
            return code
    return None


class _Unreadable(ValueError):
    """A timeFromEvent the reader cannot take as written: the characteristic stays text."""


def _window(time_from_event: list[dict[str, Any]] | None) -> Window | None:
    """The window of a timeFromEvent, each bound read in its own unit (`_amount`).

    Raises `_Unreadable` when it cannot be read as written: more than one entry, a quantity
    and no range (no bounds to read: an unbounded window would match any date, so "MI within
    6 months" excluded an MI of ten years ago), or a bound `_amount` cannot read."""
    if not time_from_event:
        return None
    if len(time_from_event) > 1 or "range" not in time_from_event[0]:
        raise _Unreadable("timeFromEvent")
    entry = time_from_event[0]
    event = EVENT_ENROLLMENT
    for coding in entry.get("eventCodeableConcept", {}).get("coding", []):
        if coding.get("system") == EVENT_SYSTEM:
            event = coding.get("code", EVENT_ENROLLMENT)
    range_ = entry.get("range") or {}
    return window_of(_amount(range_.get("low")), _amount(range_.get("high")), event)


# UCUM codes of time (and the English names of those units when a producer gives no code) →
# (the unit word `windows.window_of` takes, how many of it one of the unit is).
_CALENDAR_UNITS: dict[str, tuple[str, int]] = {"mo": ("month", 1), "a": ("month", 12)}
_DAY_UNITS: dict[str, Fraction] = {
    "s": Fraction(1, 86400),
    "min": Fraction(1, 1440),
    "h": Fraction(1, 24),
    "d": Fraction(1),
    "wk": Fraction(7),
}
_UNIT_NAMES = {
    **{name: "s" for name in ("second", "seconds")},
    **{name: "min" for name in ("minute", "minutes")},
    **{name: "h" for name in ("hour", "hours")},
    **{name: "d" for name in ("day", "days")},
    **{name: "wk" for name in ("week", "weeks")},
    **{name: "mo" for name in ("month", "months")},
    **{name: "a" for name in ("year", "years")},
}


def _amount(bound: dict[str, Any] | None) -> tuple[int, str] | None:
    """A bound as whole calendar months (``mo``, ``a``: half a year is 6 months) or whole days
    (``s``, ``min``, ``h``, ``d``, ``wk``); None for an open bound.

    Raises `_Unreadable` for a bound with no value, no unit or a unit not in the table, and for
    one that is no whole number of months or days (36 hours): a record dates its events by the
    day, so an event two days before lies on either side of "36 hours", and no rounding is safe
    for both lists (rounding out lets an exclusion turn away a patient outside its window,
    rounding in lets an inclusion fail a patient inside it)."""
    if bound is None:
        return None
    value = bound.get("value")
    unit = bound.get("code") or _UNIT_NAMES.get(str(bound.get("unit") or "").strip().lower())
    if unit is None and bound.get("unit") in _DAY_UNITS.keys() | _CALENDAR_UNITS.keys():
        unit = bound["unit"]
    if isinstance(value, bool) or not isinstance(value, int | float) or unit is None:
        raise _Unreadable("bound")
    amount = Fraction(str(value))
    if unit in _CALENDAR_UNITS:
        word, per = _CALENDAR_UNITS[unit]
        amount *= per
    elif unit in _DAY_UNITS:
        word, amount = "day", amount * _DAY_UNITS[unit]
    else:
        raise _Unreadable(f"unit {unit}")
    if amount.denominator != 1:
        raise _Unreadable("not a whole number of days or months")
    return int(amount), word


def _count(characteristic: dict[str, Any]) -> Count | None:
    if quantity := characteristic.get("instancesQuantity"):
        value = int(quantity["value"])
        return Count(value, value)
    if range_ := characteristic.get("instancesRange"):
        low = range_.get("low", {}).get("value")
        high = range_.get("high", {}).get("value")
        return Count(None if low is None else int(low), None if high is None else int(high))
    return None
