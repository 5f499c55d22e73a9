"""R5 ⇄ R4 by resource type, Bundles entry by entry.

Converted: ResearchStudy, ResearchSubject, Bundle (searchset, history, …: the wrapper is the
same in both versions once its resources are converted; R5's `Bundle.issues` is not) and
OperationOutcome (the same in both versions for what this server writes). Any other type raises
`NotConvertible`: an R4 client gets a clear refusal, never R5 presented as R4.
"""

from collections.abc import Callable
from typing import Any

from fhirtrial.versions import research_study, research_subject
from fhirtrial.versions.cross_version import NotConvertible

Resource = dict[str, Any]
_OUTCOME_ELEMENTS = frozenset(
    {"resourceType", "id", "meta", "implicitRules", "language", "text", "contained"}
    | {"extension", "modifierExtension", "issue"}
)
_BUNDLE_ELEMENTS = frozenset(
    {"resourceType", "id", "meta", "implicitRules", "language", "identifier", "type"}
    | {"timestamp", "total", "link", "entry", "signature"}
)
_ENTRY_ELEMENTS = frozenset(
    {"id", "extension", "modifierExtension", "link", "fullUrl", "resource", "search"}
    | {"request", "response"}
)


def _outcome(outcome: Resource) -> Resource:
    unknown = sorted(set(outcome) - _OUTCOME_ELEMENTS)
    if unknown:
        raise NotConvertible(f"OperationOutcome.{unknown[0]} has no R4 representation here")
    return outcome


def _bundle(convert: Callable[[Resource], Resource]) -> Callable[[Resource], Resource]:
    def bundle(resource: Resource) -> Resource:
        unknown = sorted(set(resource) - _BUNDLE_ELEMENTS)
        if unknown:
            raise NotConvertible(f"Bundle.{unknown[0]} has no R4 representation here")
        out = dict(resource)
        if "entry" in resource:
            out["entry"] = [_entry(entry, convert) for entry in resource["entry"]]
        return out

    return bundle


def _entry(entry: Resource, convert: Callable[[Resource], Resource]) -> Resource:
    unknown = sorted(set(entry) - _ENTRY_ELEMENTS)
    if unknown:
        raise NotConvertible(f"Bundle.entry.{unknown[0]} has no R4 representation here")
    out = dict(entry)
    if "resource" in entry:
        out["resource"] = convert(entry["resource"])
    outcome = entry.get("response", {}).get("outcome")
    if outcome is not None:
        out["response"] = {**entry["response"], "outcome": convert(outcome)}
    return out


def to_r4(resource: Resource) -> Resource:
    """`resource` (R5) as R4 4.0.1; NotConvertible names what cannot be carried."""
    converter = _TO_R4.get(resource.get("resourceType", ""))
    if converter is None:
        raise NotConvertible(_unserved(resource.get("resourceType")))
    return converter(resource)


def from_r4(resource: Resource) -> Resource:
    """`resource` (R4 4.0.1) as R5; NotConvertible names what is not accepted."""
    converter = _FROM_R4.get(resource.get("resourceType", ""))
    if converter is None:
        raise NotConvertible(_unserved(resource.get("resourceType")))
    return converter(resource)


def _unserved(kind: object) -> str:
    served = ", ".join(sorted(R4_TYPES))
    return f"{kind} is served in FHIR R5 only; in R4 this server serves {served}"


_TO_R4: dict[str, Callable[[Resource], Resource]] = {
    "ResearchStudy": research_study.to_r4,
    "ResearchSubject": research_subject.to_r4,
    "OperationOutcome": _outcome,
    "Bundle": _bundle(to_r4),
}
_FROM_R4: dict[str, Callable[[Resource], Resource]] = {
    "ResearchStudy": research_study.from_r4,
    "ResearchSubject": research_subject.from_r4,
    "OperationOutcome": _outcome,
    "Bundle": _bundle(from_r4),
}
R4_TYPES = frozenset(_TO_R4)
"""The types an R4 client can read (and find in Bundles)."""
R4_WRITABLE = frozenset({"ResearchSubject"})
"""The types an R4 client can create and update."""

__all__ = ["R4_TYPES", "R4_WRITABLE", "NotConvertible", "from_r4", "to_r4"]
