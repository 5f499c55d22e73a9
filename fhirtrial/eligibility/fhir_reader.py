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
from fhirtrial.eligibility.rules.base import window_of


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
        if concept_id:  # a coded concept from another producer: presence of a condition
            read.criterion = Criterion(Kind.CONDITION, concept=concept_id)
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
        window=_window(characteristic.get("timeFromEvent")),
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


def _window(time_from_event: list[dict[str, Any]] | None) -> Window | None:
    if not time_from_event:
        return None
    entry = time_from_event[0]
    event = EVENT_ENROLLMENT
    for coding in entry.get("eventCodeableConcept", {}).get("coding", []):
        if coding.get("system") == EVENT_SYSTEM:
            event = coding.get("code", EVENT_ENROLLMENT)
    range_ = entry.get("range", {})
    bounds = (range_.get("low"), range_.get("high"))
    units = {(b.get("code") or b.get("unit") or "d") for b in bounds if b is not None}
    values = [None if b is None or b.get("value") is None else int(b["value"]) for b in bounds]
    per_unit = _WINDOW_UNITS.get(units.pop()) if len(units) == 1 else None
    if per_unit is None:  # days, or units the writer does not write: read as days
        return Window(low_days=values[0], high_days=values[1], event=event)
    amounts = [None if v is None else (v, per_unit) for v in values]
    return window_of(amounts[0], amounts[1], event)


# UCUM time units of timeFromEvent other than days: the words `rules.base.window_of` takes.
_WINDOW_UNITS = {"wk": "week", "mo": "month", "a": "year"}


def _count(characteristic: dict[str, Any]) -> Count | None:
    if quantity := characteristic.get("instancesQuantity"):
        value = int(quantity["value"])
        return Count(value, value)
    if range_ := characteristic.get("instancesRange"):
        low = range_.get("low", {}).get("value")
        high = range_.get("high", {}).get("value")
        return Count(None if low is None else int(low), None if high is None else int(high))
    return None
