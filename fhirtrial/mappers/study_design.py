"""Design elements: phase, studyDesign, primaryPurposeType and classifier."""

from __future__ import annotations

from typing import Any

from fhirtrial.mappers.codes import (
    ALLOCATION,
    EXPANDED_ACCESS_TYPE,
    FDA_REGULATED_DEVICE,
    FDA_REGULATED_DRUG,
    HL7_PHASE,
    INTERVENTION_MODEL,
    MASKING,
    OBSERVATIONAL_MODEL,
    PHASE,
    PRIMARY_PURPOSE,
    STUDY_FLAG,
    STUDY_TYPE,
    TIME_PERSPECTIVE,
    WHO_MASKED,
)
from fhirtrial.mappers.context import MappingContext
from fhirtrial.mappers.record import dig, items, section, text

_PHASE_ORDER = ("NA", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4")


def phase(study: dict[str, Any], ctx: MappingContext) -> dict[str, Any] | None:
    """One CodeableConcept; CT.gov's ["PHASE1", "PHASE2"] becomes HL7 phase-1-phase-2."""
    values = [value for value in items(section(study, "designModule"), "phases") if text(value)]
    if not values:
        return None
    unknown = [value for value in values if not PHASE.knows(value)]
    for value in unknown:
        ctx.warn_unknown(PHASE.field_path, value)
    known = sorted(set(values) - set(unknown), key=_PHASE_ORDER.index)
    label = "/".join(PHASE.displays[value] for value in known) or None
    concept: dict[str, Any] = {}
    if not unknown and (hl7 := HL7_PHASE.get(tuple(known))):
        concept["coding"] = [hl7]
    concept["text"] = " / ".join(part for part in [label, *unknown] if part)
    return concept


def _design_concepts(design_info: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    concepts = []
    for enum, key, label in (
        (ALLOCATION, "allocation", "Allocation"),
        (INTERVENTION_MODEL, "interventionModel", "Intervention model"),
        (OBSERVATIONAL_MODEL, "observationalModel", "Observational model"),
        (TIME_PERSPECTIVE, "timePerspective", "Time perspective"),
    ):
        if value := text(design_info.get(key)):
            concepts.append(enum.concept(value, ctx, label=label))
    if description := text(design_info.get("interventionModelDescription")):
        concepts.append({"text": f"Intervention model description: {description}"})
    masking_info = design_info.get("maskingInfo") or {}
    if masking := text(dig(masking_info, "masking")):
        concepts.append(MASKING.concept(masking, ctx, label="Masking"))
    for who in items(masking_info, "whoMasked"):
        if who := text(who):
            concepts.append(WHO_MASKED.concept(who, ctx, label="Masked"))
    if description := text(dig(masking_info, "maskingDescription")):
        concepts.append({"text": f"Masking description: {description}"})
    return concepts


def study_design(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    design = section(study, "designModule")
    concepts = []
    if study_type := text(design.get("studyType")):
        concepts.append(STUDY_TYPE.concept(study_type, ctx, label="Study type"))
    if design.get("patientRegistry") is True:
        concepts.append({"text": "Patient registry"})
    return concepts + _design_concepts(design.get("designInfo") or {}, ctx)


def primary_purpose(study: dict[str, Any], ctx: MappingContext) -> dict[str, Any] | None:
    value = text(dig(section(study, "designModule"), "designInfo", "primaryPurpose"))
    return PRIMARY_PURPOSE.concept(value, ctx) if value else None


def _flag(code: str) -> dict[str, Any]:
    return {"coding": [STUDY_FLAG.own_coding(code)], "text": STUDY_FLAG.displays[code]}


def _expanded_access_types(study: dict[str, Any]) -> list[dict[str, Any]]:
    types = section(study, "designModule").get("expandedAccessTypes") or {}
    return [
        {
            "coding": [EXPANDED_ACCESS_TYPE.own_coding(code)],
            "text": f"Expanded access type: {EXPANDED_ACCESS_TYPE.displays[code]}",
        }
        for code in EXPANDED_ACCESS_TYPE.displays
        if types.get(code) is True
    ]


def classifiers(study: dict[str, Any]) -> list[dict[str, Any]]:
    """Expanded-access types and the true oversight/record flags."""
    oversight = section(study, "oversightModule")
    concepts = _expanded_access_types(study)
    if oversight.get("isFdaRegulatedDrug") is True:
        concepts.append({"coding": [FDA_REGULATED_DRUG], "text": "FDA-regulated drug"})
    if oversight.get("isFdaRegulatedDevice") is True:
        concepts.append({"coding": [FDA_REGULATED_DEVICE], "text": "FDA-regulated device"})
    if oversight.get("oversightHasDmc") is True:
        concepts.append(_flag("has-dmc"))
    if oversight.get("isUsExport") is True:
        concepts.append(_flag("us-export"))
    if dig(section(study, "statusModule"), "expandedAccessInfo", "hasExpandedAccess") is True:
        concepts.append(_flag("has-expanded-access"))
    if study.get("hasResults") is True:
        concepts.append(_flag("has-results"))
    return concepts
