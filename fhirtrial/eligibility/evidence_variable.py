"""One CT.gov API v2 study → the FHIR R5 EvidenceVariable holding its eligibility criteria."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.fhir_writer import criterion_characteristic, node_characteristic
from fhirtrial.eligibility.model import CompiledNode, Criterion, Kind
from fhirtrial.eligibility.outline import cohorts_mentioned, parse_outline
from fhirtrial.eligibility.stage_ties import tie_stages

EVIDENCE_VARIABLE_BASE = "https://fhirtrial.org/fhir/EvidenceVariable"
# Same system as the NCT identifier the ResearchStudy mapper writes (mappers/codes.py).
NCT_IDENTIFIER_SYSTEM = "https://clinicaltrials.gov"
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
_AGE_UNITS = {"year": "a", "month": "mo", "week": "wk", "day": "d", "hour": "h", "minute": "min"}


def build_evidence_variable(
    study: dict[str, Any], *, evidence_variable_id: str, study_reference: str
) -> dict[str, Any]:
    """The EvidenceVariable for one study: structured eligibility fields, then every criterion."""
    protocol = study.get("protocolSection", {})
    identification = protocol.get("identificationModule", {})
    eligibility = protocol.get("eligibilityModule", {})
    nct_id = identification.get("nctId", "")
    title = identification.get("briefTitle") or identification.get("officialTitle") or nct_id
    cohort_groups = comparison_groups_by_cohort(protocol)

    characteristics = structured_characteristics(eligibility)
    outline = parse_outline(eligibility.get("eligibilityCriteria"))
    nodes = compile_outline(outline, protocol.get("conditionsModule", {}).get("conditions", []))
    targets = study_condition_concepts(protocol, nodes)
    study_cancers = () if targets == (_MALIGNANCY,) else targets
    for node in nodes:
        _set_other_than(node, targets)
        tie_stages(node, study_cancers)
        characteristics.append(node_characteristic(node, cohort_groups))

    resource: dict[str, Any] = {
        "resourceType": "EvidenceVariable",
        "id": evidence_variable_id,
        "url": f"{EVIDENCE_VARIABLE_BASE}/{evidence_variable_id}",
        "status": "active",
        "name": _computable_name(nct_id or evidence_variable_id),
        "title": f"Eligibility criteria: {title}",
        "description": f"Eligibility criteria of {nct_id}, from ClinicalTrials.gov, compiled.",
        "actual": True,
        "relatedArtifact": [
            {
                "type": "part-of",
                "resourceReference": {"reference": study_reference},
            }
        ],
    }
    if nct_id:
        resource["identifier"] = [
            {"use": "official", "system": NCT_IDENTIFIER_SYSTEM, "value": nct_id}
        ]
    if characteristics:
        resource["characteristic"] = characteristics
    return resource


_MALIGNANCY = "malignant-neoplasm"


def study_condition_concepts(
    protocol: dict[str, Any], nodes: list[CompiledNode]
) -> tuple[str, ...]:
    """The malignancies the study is about: from CT.gov `conditions` and the diagnoses its
    inclusion criteria require. "Another primary malignancy" means one other than these."""
    found: set[str] = set()
    for condition in protocol.get("conditionsModule", {}).get("conditions", []):
        # A condition is named as a record names it ("Multiple Myeloma", "Prostate
        # Adenocarcinoma"): the record-text patterns tell a malignancy by its histology too.
        found |= terminology.concepts_for_record_text(condition)
    for node in nodes:
        if not node.exclude:
            found |= _required_conditions(node)
    cancers = {
        concept
        for concept in found
        if concept != _MALIGNANCY
        and _MALIGNANCY in terminology.terminology().with_ancestors({concept})
    }
    if not cancers and _MALIGNANCY in found:
        # A cancer study whose cancer the terminology cannot name ("Prostate Cancer"): its own
        # cancer is some malignancy, which one is unknown (`evaluation.diagnoses` then answers
        # "another malignancy" with unknown, never met, for any recorded primary).
        return (_MALIGNANCY,)
    return tuple(sorted(cancers))


def _required_conditions(node: CompiledNode) -> set[str]:
    found = _criterion_conditions(node.criterion) if node.criterion else set()
    for child in node.children:
        if not child.exclude:
            found |= _required_conditions(child)
    return found


def _criterion_conditions(criterion: Criterion) -> set[str]:
    if criterion.negated:
        return set()
    if criterion.kind is Kind.COMBINATION:
        return {c for child in criterion.children for c in _criterion_conditions(child)}
    if criterion.kind is Kind.CONDITION and criterion.concept:
        return {criterion.concept} if "other-primary" not in criterion.qualifiers else set()
    return set()


def _set_other_than(node: CompiledNode, targets: tuple[str, ...]) -> None:
    if not targets:
        return
    if node.criterion is not None:
        node.criterion = _with_other_than(node.criterion, targets, against=node.exclude)
    for child in node.children:
        _set_other_than(child, targets)


def _with_other_than(criterion: Criterion, targets: tuple[str, ...], *, against: bool) -> Criterion:
    """ "Another primary malignancy" means one other than the study's own cancers; so does any
    malignancy a cancer study holds against the patient ("Active malignancy" in its exclusions,
    "No history of malignancy" in its inclusions): read plainly, every patient with the study's
    own cancer would be ruled out. ``against``: the criterion counts against the patient when met
    (an exclusion), before its own negation."""
    against = against != criterion.negated
    if criterion.kind is Kind.COMBINATION:
        children = tuple(_with_other_than(c, targets, against=against) for c in criterion.children)
        return replace(criterion, children=children)
    if "other-primary" in criterion.qualifiers or (against and criterion.concept == _MALIGNANCY):
        return replace(criterion, other_than=targets)
    return criterion


def _computable_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "", f"Eligibility{text}")
    return name[:255]


def comparison_groups_by_cohort(protocol: dict[str, Any]) -> dict[str, str]:
    """Cohort label ("Cohort 1") → comparison group linkId ("arm-<i+1>", armGroups order).

    An arm belongs to a cohort when its label names it; a cohort named by several arms maps to
    the first one (the mapper keeps the arms in the same order).
    """
    groups: dict[str, str] = {}
    arms = protocol.get("armsInterventionsModule", {}).get("armGroups", [])
    for index, arm in enumerate(arms):
        for cohort in cohorts_mentioned(arm.get("label", "")):
            groups.setdefault(cohort, f"arm-{index + 1}")
    return groups


def structured_characteristics(eligibility: dict[str, Any]) -> list[dict[str, Any]]:
    """Age range, sex and healthy volunteers from the structured CT.gov fields."""
    out: list[dict[str, Any]] = []
    age = age_criterion(eligibility.get("minimumAge"), eligibility.get("maximumAge"))
    if age is not None:
        description = _age_description(eligibility)
        out.append(
            criterion_characteristic(
                age, link_id="age", description=description, exclude=False, cohort_groups={}
            )
        )
    sex = (eligibility.get("sex") or "ALL").upper()
    if sex in ("FEMALE", "MALE"):
        criterion = Criterion(Kind.SEX, value_concept=sex.lower())
        out.append(
            criterion_characteristic(
                criterion,
                link_id="sex",
                description=f"Sex: {sex.lower()}",
                exclude=False,
                cohort_groups={},
            )
        )
    if eligibility.get("healthyVolunteers") is False:
        out.append(
            criterion_characteristic(
                Criterion(Kind.HEALTHY_VOLUNTEER),
                link_id="healthy-volunteers",
                description="Healthy volunteers are not accepted",
                exclude=True,
                cohort_groups={},
            )
        )
    return out


def age_criterion(minimum: str | None, maximum: str | None) -> Criterion | None:
    low = _parse_age(minimum)
    high = _parse_age(maximum)
    if low is not None and high is not None:
        if low[1] == high[1]:
            return Criterion(Kind.AGE, value=low[0], high=high[0], unit=low[1])
        # "2 Months" to "5 Years": both bounds, each in its own unit.
        bounds = (
            Criterion(Kind.AGE, comparator=">=", value=low[0], unit=low[1]),
            Criterion(Kind.AGE, comparator="<=", value=high[0], unit=high[1]),
        )
        return Criterion(Kind.COMBINATION, children=bounds, combination="all-of")
    if low is not None:
        return Criterion(Kind.AGE, comparator=">=", value=low[0], unit=low[1])
    if high is not None:
        return Criterion(Kind.AGE, comparator="<=", value=high[0], unit=high[1])
    return None


def _parse_age(text: str | None) -> tuple[float, str] | None:
    match = _AGE.match(text or "")
    if not match:
        return None
    return float(match[1]), _AGE_UNITS[match[2].lower()]


def _age_description(eligibility: dict[str, Any]) -> str:
    minimum, maximum = eligibility.get("minimumAge"), eligibility.get("maximumAge")
    if minimum and maximum:
        return f"Age: {minimum} to {maximum}"
    return f"Age: {minimum} and older" if minimum else f"Age: up to {maximum}"
