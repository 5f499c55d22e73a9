"""ResearchSubject R5 ⇄ R4 (4.0.1).

Kept as is: identifier, period, study and the common elements. subject → individual (R4 takes a
Patient only). R4's `status` is the subject's state, which R5 moved into `progress`: R4 status =
the `subjectState` of the last progress entry that has one (both versions share the codes of
http://terminology.hl7.org/CodeSystem/research-subject-state). R5's own `status` (publication
status), `progress`, `assignedComparisonGroup`, `actualComparisonGroup` and more than one
consent travel in cross-version extensions. The other way, R4's `assignedArm`/`actualArm` (arm
names, which R5 does not have) travel in R4 cross-version extensions on the R5 resource, and an
R4 status that the carried progress does not already say becomes a new progress entry.
"""

from typing import Any

from fhirtrial.versions.cross_version import (
    BACKBONE,
    R4_EXTENSION,
    ElementTypes,
    NotConvertible,
    carry_back,
    carry_out,
    copy_element,
    put_required,
    reject_unknown,
)

TYPE = "ResearchSubject"
_P = "ResearchSubject."
TYPES: ElementTypes = {
    _P + "status": ("code", False),
    _P + "progress": (BACKBONE, True),
    _P + "progress.type": ("CodeableConcept", False),
    _P + "progress.subjectState": ("CodeableConcept", False),
    _P + "progress.milestone": ("CodeableConcept", False),
    _P + "progress.reason": ("CodeableConcept", False),
    _P + "progress.startDate": ("dateTime", False),
    _P + "progress.endDate": ("dateTime", False),
    _P + "assignedComparisonGroup": ("id", False),
    _P + "actualComparisonGroup": ("id", False),
    _P + "consent": ("Reference", True),
}
R4_TYPES: ElementTypes = {
    _P + "assignedArm": ("string", False),
    _P + "actualArm": ("string", False),
}

SUBJECT_STATE = "http://terminology.hl7.org/CodeSystem/research-subject-state"
SUBJECT_STATE_TYPE = "http://terminology.hl7.org/CodeSystem/research-subject-state-type"
_COMMON = ("id", "meta", "implicitRules", "language", "text", "contained", "modifierExtension")
_SAME = ("identifier", "period", "study")
_CARRIED = ("status", "progress", "assignedComparisonGroup", "actualComparisonGroup")
_HANDLED = {*_COMMON, *_SAME, *_CARRIED, "resourceType", "extension", "subject", "consent"}
_R4_HANDLED = {*_COMMON, *_SAME, "resourceType", "extension", "individual", "consent"}
_R4_HANDLED |= {"status", "assignedArm", "actualArm"}


def to_r4(subject: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(subject, _HANDLED, "ResearchSubject.{} has no R4 representation here")
    r4: dict[str, Any] = {"resourceType": TYPE}
    for name in (*_COMMON, *_SAME):
        copy_element(subject, r4, name, name)
    extensions: list[dict[str, Any]] = []
    own = carry_back(R4_TYPES, TYPE, subject.get("extension", []), r4, base=R4_EXTENSION)
    extensions += own
    for name in _CARRIED:
        carry_out(TYPES, TYPE, name, subject, extensions)
    consent = subject.get("consent", [])
    if len(consent) == 1:
        r4["consent"] = consent[0]
    else:
        carry_out(TYPES, TYPE, "consent", subject, extensions)
    put_required(r4, "status", subject_state(subject))
    if "subject" in subject:
        r4["individual"] = _individual(subject["subject"])
    if extensions:
        r4["extension"] = extensions
    return r4


def from_r4(r4: dict[str, Any]) -> dict[str, Any]:
    reject_unknown(r4, _R4_HANDLED, "R4 ResearchSubject.{} is not accepted by this server")
    subject: dict[str, Any] = {"resourceType": TYPE}
    for name in (*_COMMON, *_SAME):
        copy_element(r4, subject, name, name)
    rest = carry_back(TYPES, TYPE, r4.get("extension", []), subject)
    for name in ("assignedArm", "actualArm"):
        carry_out(R4_TYPES, TYPE, name, r4, rest, base=R4_EXTENSION)
    if rest:
        subject["extension"] = rest
    if "consent" in r4:
        subject["consent"] = [r4["consent"]]
    if "individual" in r4:
        subject["subject"] = r4["individual"]
    subject.setdefault("status", "active")
    status = r4.get("status")
    if status is not None and subject_state(subject) != status:
        subject["progress"] = [*subject.get("progress", []), _progress(status)]
    return subject


def subject_state(subject: dict[str, Any]) -> str | None:
    """The state of the last R5 progress entry that has one."""
    state = None
    for progress in subject.get("progress", []):
        for coding in progress.get("subjectState", {}).get("coding", []):
            if coding.get("system") == SUBJECT_STATE and coding.get("code"):
                state = str(coding["code"])
    return state


def _progress(status: str) -> dict[str, Any]:
    return {
        "type": {"coding": [{"system": SUBJECT_STATE_TYPE, "code": "Enrollment"}]},
        "subjectState": {"coding": [{"system": SUBJECT_STATE, "code": status}]},
    }


def _individual(reference: dict[str, Any]) -> dict[str, Any]:
    target = str(reference.get("reference", ""))
    kind = reference.get("type") or (target.split("/")[0] if "/" in target else "Patient")
    if kind != "Patient" and not target.startswith(("urn:", "#", "http")):
        raise NotConvertible(
            f"ResearchSubject.subject refers to a {kind}; R4's individual is a Patient only"
        )
    return reference
