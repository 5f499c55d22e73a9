"""ResearchStudy R5 ⇄ R4 (4.0.1).

Kept as is: identifier, title, protocol, partOf, primaryPurposeType, phase, condition, keyword,
description, period, note and the resource's common elements. Renamed: region → location,
whyStopped → reasonStopped, comparisonGroup → arm (its linkId, intendedExposure and observedGroup
in cross-version extensions on the arm), objective (its description in an extension).
relatedArtifact, focus and site stay native when every entry fits R4 (an R4 artifact type, a
focus that is a concept, a site that is a Location), else the whole list travels in extensions,
so that its order survives. Everything else R4 lacks (url, version, name, date, label, status,
studyDesign, descriptionSummary, classifier, associatedParty, progressStatus, recruitment,
outcomeMeasure, result) travels in cross-version extensions.

Derived for R4 readers, and ignored on the way back when the extensions carry the R5 elements:
`status` (R4's required study state) from the current `progressStatus`, else from the
publication status; `sponsor` from the lead-sponsor `associatedParty`.
"""

from typing import Any

from fhirtrial.versions.cross_version import (
    BACKBONE,
    ElementTypes,
    NotConvertible,
    carry_back,
    carry_out,
    copy_element,
    put_required,
    reject_unknown,
)

TYPE = "ResearchStudy"
_P = "ResearchStudy."
TYPES: ElementTypes = {
    _P + "url": ("uri", False),
    _P + "version": ("string", False),
    _P + "name": ("string", False),
    _P + "date": ("dateTime", False),
    _P + "status": ("code", False),
    _P + "label": (BACKBONE, True),
    _P + "label.type": ("CodeableConcept", False),
    _P + "label.value": ("string", False),
    _P + "relatedArtifact": (BACKBONE, True),
    _P + "relatedArtifact.type": ("code", False),
    _P + "relatedArtifact.classifier": ("CodeableConcept", True),
    _P + "relatedArtifact.label": ("string", False),
    _P + "relatedArtifact.display": ("string", False),
    _P + "relatedArtifact.citation": ("markdown", False),
    _P + "relatedArtifact.document": ("Attachment", False),
    _P + "relatedArtifact.resource": ("canonical", False),
    _P + "relatedArtifact.resourceReference": ("Reference", False),
    _P + "relatedArtifact.publicationStatus": ("code", False),
    _P + "relatedArtifact.publicationDate": ("date", False),
    _P + "studyDesign": ("CodeableConcept", True),
    _P + "focus": (BACKBONE, True),  # CodeableReference, an R5-only datatype
    _P + "focus.concept": ("CodeableConcept", False),
    _P + "focus.reference": ("Reference", False),
    _P + "descriptionSummary": ("markdown", False),
    _P + "site": ("Reference", True),
    _P + "classifier": ("CodeableConcept", True),
    _P + "associatedParty": (BACKBONE, True),
    _P + "associatedParty.name": ("string", False),
    _P + "associatedParty.role": ("CodeableConcept", False),
    _P + "associatedParty.period": ("Period", True),
    _P + "associatedParty.classifier": ("CodeableConcept", True),
    _P + "associatedParty.party": ("Reference", False),
    _P + "progressStatus": (BACKBONE, True),
    _P + "progressStatus.state": ("CodeableConcept", False),
    _P + "progressStatus.actual": ("boolean", False),
    _P + "progressStatus.period": ("Period", False),
    _P + "recruitment": (BACKBONE, False),
    _P + "recruitment.targetNumber": ("unsignedInt", False),
    _P + "recruitment.actualNumber": ("unsignedInt", False),
    _P + "recruitment.eligibility": ("Reference", False),
    _P + "recruitment.actualGroup": ("Reference", False),
    _P + "comparisonGroup.linkId": ("id", False),
    _P + "comparisonGroup.intendedExposure": ("Reference", True),
    _P + "comparisonGroup.observedGroup": ("Reference", False),
    _P + "objective.description": ("markdown", False),
    _P + "outcomeMeasure": (BACKBONE, True),
    _P + "outcomeMeasure.name": ("string", False),
    _P + "outcomeMeasure.type": ("CodeableConcept", True),
    _P + "outcomeMeasure.description": ("markdown", False),
    _P + "outcomeMeasure.reference": ("Reference", False),
    _P + "result": ("Reference", True),
}

_COMMON = ("id", "meta", "implicitRules", "language", "text", "modifierExtension")
_SAME = (
    *("identifier", "title", "protocol", "partOf", "primaryPurposeType", "phase"),
    *("condition", "keyword", "description", "period", "note"),
)
_RENAMED = {"region": "location", "whyStopped": "reasonStopped"}
_CARRIED = (
    *("url", "version", "name", "date", "label", "status", "studyDesign", "descriptionSummary"),
    *("classifier", "associatedParty", "progressStatus", "recruitment", "outcomeMeasure"),
    "result",
)
_NATIVE_WHEN_FITTING = ("relatedArtifact", "focus", "site")
_HANDLED = {
    *_COMMON,
    *_SAME,
    *_RENAMED,
    *_CARRIED,
    *_NATIVE_WHEN_FITTING,
    *("resourceType", "contained", "extension", "comparisonGroup", "objective"),
}

R4_ARTIFACT_TYPES = frozenset(
    {"documentation", "justification", "citation", "predecessor", "successor"}
    | {"derived-from", "depends-on", "composed-of"}
)
_R4_ARTIFACT_ELEMENTS = frozenset({"id", "extension", "type", "label", "display", "citation"}) | {
    "document",
    "resource",
}

STUDY_STATUS = "http://hl7.org/fhir/research-study-status"
R4_STATUSES = frozenset(
    {"active", "administratively-completed", "approved", "closed-to-accrual"}
    | {"closed-to-accrual-and-intervention", "completed", "disapproved", "in-review"}
    | {"temporarily-closed-to-accrual", "temporarily-closed-to-accrual-and-intervention"}
    | {"withdrawn"}
)
# R5 states R4 has no code for, by the nearest R4 state (R4's definitions).
_R5_ONLY_STATES = {
    "recruiting": "active",
    "enrolling-by-invitation": "active",
    "not-yet-recruiting": "approved",
    "active-but-not-recruiting": "closed-to-accrual",
    "terminated": "administratively-completed",
}
_BY_PUBLICATION_STATUS = {"draft": "in-review", "active": "active", "retired": "completed"}
_PUBLICATION_BY_R4_STATUS = {
    "in-review": "draft",
    "approved": "draft",
    "disapproved": "retired",
    "withdrawn": "retired",
    "completed": "retired",
    "administratively-completed": "retired",
}
PARTY_ROLE = "http://hl7.org/fhir/research-study-party-role"
# Contained resources whose R5 elements here are the same in R4.
_CONTAINED_SAME = {
    "Practitioner": frozenset(
        {"resourceType", "id", "meta", "text", "extension", "identifier", "active", "name"}
        | {"telecom", "address", "gender", "birthDate"}
    ),
    "Organization": frozenset(
        {"resourceType", "id", "meta", "text", "extension", "identifier", "active", "type"}
        | {"name", "alias", "partOf"}
    ),
}


def to_r4(study: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(study, _HANDLED, "ResearchStudy.{} has no R4 representation here")
    r4: dict[str, Any] = {"resourceType": TYPE}
    extensions: list[dict[str, Any]] = list(study.get("extension", []))
    for name in (*_COMMON, *_SAME):
        copy_element(study, r4, name, name)
    for name, r4_name in _RENAMED.items():
        copy_element(study, r4, name, r4_name)
    if "contained" in study:
        r4["contained"] = [_contained(resource) for resource in study["contained"]]
    for name in _CARRIED:
        carry_out(TYPES, TYPE, name, study, extensions)
    _fitting(study, r4, extensions)
    if "comparisonGroup" in study:
        r4["arm"] = [_arm(group) for group in study["comparisonGroup"]]
    if "objective" in study:
        r4["objective"] = [_objective_r4(objective) for objective in study["objective"]]
    put_required(r4, "status", r4_status(study))
    sponsor = _lead_sponsor(study.get("associatedParty", []))
    if sponsor is not None:
        r4["sponsor"] = sponsor
    if extensions:
        r4["extension"] = extensions
    return r4


def from_r4(r4: dict[str, Any]) -> dict[str, Any]:
    allowed = {*_COMMON, *_SAME, *_RENAMED.values(), *_NATIVE_WHEN_FITTING}
    allowed |= {"resourceType", "contained", "extension", "arm", "objective", "status", "sponsor"}
    reject_unknown(r4, allowed, "R4 ResearchStudy.{} is not accepted by this server")
    study: dict[str, Any] = {"resourceType": TYPE}
    for name in (*_COMMON, *_SAME, "contained"):
        copy_element(r4, study, name, name)
    for name, r4_name in _RENAMED.items():
        copy_element(r4, study, r4_name, name)
    rest = carry_back(TYPES, TYPE, r4.get("extension", []), study)
    if rest:
        study["extension"] = rest
    if "relatedArtifact" in r4:
        study["relatedArtifact"] = r4["relatedArtifact"]
    if "focus" in r4:
        study["focus"] = [{"concept": concept} for concept in r4["focus"]]
    if "site" in r4:
        study["site"] = r4["site"]
    if "arm" in r4:
        study["comparisonGroup"] = [_comparison_group(arm) for arm in r4["arm"]]
    if "objective" in r4:
        study["objective"] = [_objective_r5(objective) for objective in r4["objective"]]
    _restore_status(r4, study)
    _restore_sponsor(r4, study)
    return study


def r4_status(study: dict[str, Any]) -> str | None:
    """R4's study state: the first R5 progress state that is one, else by publication status."""
    for progress in study.get("progressStatus", []):
        for coding in progress.get("state", {}).get("coding", []):
            code = coding.get("code")
            if coding.get("system") != STUDY_STATUS or code == "overall-study":
                continue
            if code in R4_STATUSES:
                return str(code)
            if code in _R5_ONLY_STATES:
                return _R5_ONLY_STATES[code]
    return _BY_PUBLICATION_STATUS.get(study.get("status", ""))


def _contained(resource: dict[str, Any]) -> dict[str, Any]:
    kind = resource.get("resourceType", "")
    same = _CONTAINED_SAME.get(kind)
    if same is None or not set(resource) <= same:
        raise NotConvertible(f"A contained {kind} of this ResearchStudy has no R4 form here")
    return resource


def _fitting(study: dict[str, Any], r4: dict[str, Any], extensions: list[dict[str, Any]]) -> None:
    artifacts = study.get("relatedArtifact")
    if artifacts is not None:
        if all(_r4_artifact(a) for a in artifacts):
            r4["relatedArtifact"] = artifacts
        else:
            carry_out(TYPES, TYPE, "relatedArtifact", study, extensions)
    focus = study.get("focus")
    if focus is not None:
        if all(set(f) == {"concept"} for f in focus):
            r4["focus"] = [f["concept"] for f in focus]
        else:
            carry_out(TYPES, TYPE, "focus", study, extensions)
    sites = study.get("site")
    if sites is not None:
        if all(str(s.get("reference", "")).startswith("Location/") for s in sites):
            r4["site"] = sites
        else:
            carry_out(TYPES, TYPE, "site", study, extensions)


def _r4_artifact(artifact: dict[str, Any]) -> bool:
    return artifact.get("type") in R4_ARTIFACT_TYPES and set(artifact) <= _R4_ARTIFACT_ELEMENTS


def _arm(group: dict[str, Any]) -> dict[str, Any]:
    arm: dict[str, Any] = {k: group[k] for k in ("id", "name", "_name", "type") if k in group}
    extensions = list(group.get("extension", []))
    if "modifierExtension" in group:
        raise NotConvertible("ResearchStudy.comparisonGroup.modifierExtension has no R4 form")
    if "description" in group:
        arm["description"] = group["description"]
    for child in ("linkId", "intendedExposure", "observedGroup"):
        carry_out(TYPES, f"{TYPE}.comparisonGroup", child, group, extensions)
    if extensions:
        arm["extension"] = extensions
    return arm


def _comparison_group(arm: dict[str, Any]) -> dict[str, Any]:
    group: dict[str, Any] = {
        k: arm[k] for k in ("id", "name", "_name", "type", "description") if k in arm
    }
    rest = carry_back(TYPES, f"{TYPE}.comparisonGroup", arm.get("extension", []), group)
    if rest:
        group["extension"] = rest
    return group


def _objective_r4(objective: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in objective.items() if k not in ("description", "_description")}
    extensions = list(objective.get("extension", []))
    carry_out(TYPES, f"{TYPE}.objective", "description", objective, extensions)
    if extensions:
        out["extension"] = extensions
    return out


def _objective_r5(objective: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in objective.items() if k != "extension"}
    rest = carry_back(TYPES, f"{TYPE}.objective", objective.get("extension", []), out)
    if rest:
        out["extension"] = rest
    return out


def _lead_sponsor(parties: list[dict[str, Any]]) -> dict[str, Any] | None:
    for party in parties:
        codes = {c.get("code") for c in party.get("role", {}).get("coding", [])}
        reference = party.get("party", {})
        if "lead-sponsor" in codes and str(reference.get("reference", "")).startswith(
            "Organization/"
        ):
            return dict(reference)
    return None


def _restore_status(r4: dict[str, Any], study: dict[str, Any]) -> None:
    """R4's status, when the extensions do not already say it, as an R5 progress state."""
    status = r4.get("status")
    if "status" not in study:
        study["status"] = _PUBLICATION_BY_R4_STATUS.get(status or "", "active")
    if status is None or r4_status(study) == status:
        return
    state = {"coding": [{"system": STUDY_STATUS, "code": status}]}
    study["progressStatus"] = [{"state": state}, *study.get("progressStatus", [])]


def _restore_sponsor(r4: dict[str, Any], study: dict[str, Any]) -> None:
    sponsor = r4.get("sponsor")
    if sponsor is None or _lead_sponsor(study.get("associatedParty", [])) == sponsor:
        return
    role = {"coding": [{"system": PARTY_ROLE, "code": "lead-sponsor"}]}
    party = {"role": role, "party": sponsor}
    if "display" in sponsor:
        party["name"] = sponsor["display"]
    study["associatedParty"] = [*study.get("associatedParty", []), party]
