"""Criterion / CompiledNode → FHIR R5 EvidenceVariable.characteristic JSON.

The exact shapes are documented in docs/eligibility-model.md; `fhir_reader` is the inverse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Coding, CompiledNode, Criterion, Kind, Window

BASE = "https://fhirtrial.org/fhir"
KIND_SYSTEM = f"{BASE}/CodeSystem/criterion-kind"
CONCEPT_SYSTEM = f"{BASE}/CodeSystem/criterion-concept"
EVENT_SYSTEM = f"{BASE}/CodeSystem/criterion-event"
QUALIFIER_EXTENSION = f"{BASE}/StructureDefinition/criterion-qualifier"
COMPARISON_GROUP_EXTENSION = f"{BASE}/StructureDefinition/comparison-group"
COHORT_LABEL_EXTENSION = f"{BASE}/StructureDefinition/cohort-label"
MANUAL_REVIEW_EXTENSION = f"{BASE}/StructureDefinition/manual-review"
OTHER_THAN_EXTENSION = f"{BASE}/StructureDefinition/criterion-other-than"
STAGE_OF_EXTENSION = f"{BASE}/StructureDefinition/criterion-stage-of"
UCUM = "http://unitsofmeasure.org"
OFFSET_SYSTEM = "http://hl7.org/fhir/characteristic-offset"
GENDER_SYSTEM = "http://hl7.org/fhir/administrative-gender"
ULN_UNIT = "× ULN"

# Kinds whose concept names what is measured (→ `type`); for the others the concept is the value.
CONCEPT_IN_TYPE = frozenset(
    {
        Kind.PERFORMANCE_STATUS,
        Kind.LAB,
        Kind.BIOMARKER,
        Kind.CORTICOSTEROID_DOSE,
        Kind.LIFE_EXPECTANCY,
    }
)
_TYPE_CODINGS_BY_KIND = {
    Kind.AGE: "age",
    Kind.SEX: "sex",
    Kind.STAGE: "stage-group",
    Kind.PREGNANCY: "pregnancy-status",
    Kind.SMOKING: "smoking-status",
}


def coding_json(coding: Coding) -> dict[str, Any]:
    out = {"system": coding.system, "code": coding.code}
    if coding.display:
        out["display"] = coding.display
    return out


def concept_coding(concept_id: str) -> dict[str, Any]:
    return {
        "system": CONCEPT_SYSTEM,
        "code": concept_id,
        "display": terminology.concept(concept_id).display,
    }


def _concept_codeable(concept_id: str) -> dict[str, Any]:
    concept = terminology.concept(concept_id)
    return {
        "coding": [
            concept_coding(concept_id),
            *(coding_json(c) for c in terminology.codings(concept_id)),
        ],
        "text": concept.display,
    }


def _type(criterion: Criterion) -> dict[str, Any]:
    coding = [{"system": KIND_SYSTEM, "code": criterion.kind.value}]
    if criterion.kind in CONCEPT_IN_TYPE and criterion.concept:
        coding.append(concept_coding(criterion.concept))
        coding.extend(coding_json(c) for c in terminology.codings(criterion.concept))
    elif criterion.kind in _TYPE_CODINGS_BY_KIND:
        coding.extend(
            coding_json(c) for c in terminology.codings(_TYPE_CODINGS_BY_KIND[criterion.kind])
        )
    text = (
        terminology.concept(criterion.concept).display
        if criterion.kind in CONCEPT_IN_TYPE and criterion.concept
        else criterion.kind.value
    )
    return {"coding": coding, "text": text}


def _quantity(value: float, unit: str | None, comparator: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"value": _number(value)}
    if comparator and comparator != "=":
        out["comparator"] = comparator
    if unit:
        out.update({"unit": unit, "system": UCUM, "code": unit})
    return out


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _value(criterion: Criterion) -> dict[str, Any]:
    if criterion.kind is Kind.SEX:
        code = criterion.value_concept or "unknown"
        return {"valueCodeableConcept": {"coding": [{"system": GENDER_SYSTEM, "code": code}]}}
    if criterion.kind is Kind.HEALTHY_VOLUNTEER:
        return {"valueBoolean": True}
    if criterion.kind is Kind.BIOMARKER and criterion.value_concept:
        return {"valueCodeableConcept": _concept_codeable(criterion.value_concept)}
    if criterion.kind not in CONCEPT_IN_TYPE and criterion.concept:
        return {"valueCodeableConcept": _concept_codeable(criterion.concept)}
    if criterion.value is None and criterion.high is None:
        return {"valueBoolean": True}
    # Past here a quantity is written: only a range (no comparator, a high end) may lack `value`.
    if criterion.uln_multiple:
        assert criterion.value is not None, "a multiple of the ULN always has its value"
        quantity = {
            "value": _number(criterion.value),
            "unit": ULN_UNIT,
            "system": UCUM,
            "code": "1",
        }
        if criterion.comparator and criterion.comparator != "=":
            quantity["comparator"] = criterion.comparator
        return {"valueQuantity": quantity}
    if criterion.comparator is None and criterion.high is not None:
        range_: dict[str, Any] = {"high": _quantity(criterion.high, criterion.unit)}
        if criterion.value is not None:
            range_["low"] = _quantity(criterion.value, criterion.unit)
        return {"valueRange": range_}
    assert criterion.value is not None, "a quantity test with a comparator has its value"
    return {"valueQuantity": _quantity(criterion.value, criterion.unit, criterion.comparator)}


def _time_from_event(window: Window) -> list[dict[str, Any]]:
    """The window's bounds: in days, or in calendar months (UCUM ``mo``) or years (``a``) when
    the text wrote it so ("within the past 12 months" → low -1 ``a``); `fhir_reader` reads
    those back as calendar months, which the evaluator counts by the calendar."""
    low: float | None = window.low_days
    high: float | None = window.high_days
    unit = "d"
    if window.months is not None:
        low, high = window.months
        unit = "mo"
        if all(m is None or m % 12 == 0 for m in window.months):
            low, high = (None if m is None else m // 12 for m in window.months)
            unit = "a"
    range_: dict[str, Any] = {}
    if low is not None:
        range_["low"] = _quantity(low, unit)
    if high is not None:
        range_["high"] = _quantity(high, unit)
    return [
        {
            "eventCodeableConcept": {"coding": [{"system": EVENT_SYSTEM, "code": window.event}]},
            "range": range_,
        }
    ]


def _extensions(criterion: Criterion, cohort_groups: Mapping[str, str]) -> list[dict[str, Any]]:
    extensions: list[dict[str, Any]] = [
        {"url": QUALIFIER_EXTENSION, "valueCode": q} for q in criterion.qualifiers
    ]
    extensions.extend(
        {"url": OTHER_THAN_EXTENSION, "valueCodeableConcept": {"coding": [concept_coding(c)]}}
        for c in criterion.other_than
    )
    extensions.extend(
        {"url": STAGE_OF_EXTENSION, "valueCodeableConcept": {"coding": [concept_coding(c)]}}
        for c in criterion.stage_of
    )
    extensions.extend(cohort_extensions(criterion.cohort, cohort_groups))
    return extensions


def cohort_extensions(cohort: str | None, cohort_groups: Mapping[str, str]) -> list[dict[str, Any]]:
    if not cohort:
        return []
    extensions = [{"url": COHORT_LABEL_EXTENSION, "valueString": cohort}]
    group = cohort_groups.get(cohort)
    if group:
        extensions.insert(0, {"url": COMPARISON_GROUP_EXTENSION, "valueString": group})
    return extensions


def criterion_characteristic(
    criterion: Criterion,
    *,
    link_id: str,
    description: str | None,
    exclude: bool,
    cohort_groups: Mapping[str, str],
) -> dict[str, Any]:
    """One characteristic for a criterion (a combination becomes nested characteristics).

    A text member (the residue of a partly understood bullet) is written text-only: no
    definition, `manual-review` — the evaluator answers `unknown` for it."""
    if criterion.kind is Kind.TEXT:
        return {
            "linkId": link_id,
            "extension": [{"url": MANUAL_REVIEW_EXTENSION, "valueBoolean": True}],
            "description": description or "",
            "exclude": False,
        }
    characteristic: dict[str, Any] = {"linkId": link_id}
    extensions = _extensions(criterion, cohort_groups)
    if extensions:
        characteristic["extension"] = extensions
    if description:
        characteristic["description"] = description
    characteristic["exclude"] = exclude != criterion.negated
    if criterion.kind is Kind.COMBINATION:
        combination: dict[str, Any] = {"code": criterion.combination or "all-of"}
        if criterion.threshold is not None:
            combination["threshold"] = criterion.threshold
        combination["characteristic"] = [
            criterion_characteristic(
                child,
                link_id=f"{link_id}-p{index}",
                description=child.source_text,
                exclude=False,
                cohort_groups=cohort_groups,
            )
            for index, child in enumerate(criterion.children, start=1)
        ]
        characteristic["definitionByCombination"] = combination
        return characteristic
    definition: dict[str, Any] = {"type": _type(criterion), **_value(criterion)}
    if criterion.uln_multiple:
        definition["offset"] = {
            "coding": [{"system": OFFSET_SYSTEM, "code": "UNL", "display": "Upper Normal Limit"}]
        }
    characteristic["definitionByTypeAndValue"] = definition
    if criterion.count is not None:
        characteristic.update(_instances(criterion))
    if criterion.window is not None:
        characteristic["timeFromEvent"] = _time_from_event(criterion.window)
    return characteristic


def _instances(criterion: Criterion) -> dict[str, Any]:
    count = criterion.count
    assert count is not None
    if count.low is not None and count.low == count.high:
        return {"instancesQuantity": {"value": count.low}}
    range_: dict[str, Any] = {}
    if count.low is not None:
        range_["low"] = {"value": count.low}
    if count.high is not None:
        range_["high"] = {"value": count.high}
    return {"instancesRange": range_}


def node_characteristic(node: CompiledNode, cohort_groups: Mapping[str, str]) -> dict[str, Any]:
    """The characteristic for one outline node: its own criterion plus its sub-bullets."""
    criterion = node.criterion if node.criterion and node.criterion.computable else None
    if not node.children:
        if criterion is not None:
            characteristic = criterion_characteristic(
                criterion,
                link_id=node.link_id,
                description=node.text,
                exclude=node.exclude,
                cohort_groups=cohort_groups,
            )
            return _finish(characteristic, node, cohort_groups)
        return _finish(_text_only(node), node, cohort_groups)
    members = []
    if criterion is not None:
        members.append(
            criterion_characteristic(
                criterion,
                link_id=f"{node.link_id}-p0",
                description=criterion.source_text,
                exclude=False,
                cohort_groups=cohort_groups,
            )
        )
    members.extend(node_characteristic(child, cohort_groups) for child in node.children)
    combination: dict[str, Any] = {"code": node.combination}
    if node.threshold is not None:
        combination["threshold"] = node.threshold
    combination["characteristic"] = members
    characteristic = {
        "linkId": node.link_id,
        "description": node.text,
        "exclude": node.exclude,
        "definitionByCombination": combination,
    }
    return _finish(characteristic, node, cohort_groups)


def _text_only(node: CompiledNode) -> dict[str, Any]:
    return {"linkId": node.link_id, "description": node.text, "exclude": node.exclude}


def _finish(
    characteristic: dict[str, Any], node: CompiledNode, cohort_groups: Mapping[str, str]
) -> dict[str, Any]:
    """Add the node-level marks: manual review and the node's cohort (if not already there)."""
    extensions = list(characteristic.get("extension", []))
    urls = {extension["url"] for extension in extensions}
    if COHORT_LABEL_EXTENSION not in urls:
        extensions.extend(cohort_extensions(node.cohort, cohort_groups))
    if node.needs_review:
        extensions.append({"url": MANUAL_REVIEW_EXTENSION, "valueBoolean": True})
    if extensions:
        characteristic = {"linkId": characteristic["linkId"], "extension": extensions} | {
            key: value
            for key, value in characteristic.items()
            if key not in ("linkId", "extension")
        }
    return characteristic
