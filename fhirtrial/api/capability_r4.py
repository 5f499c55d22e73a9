"""What an R4 client gets: the R4 CapabilityStatement and R4's search parameter names.

R4 serves reads and searches of ResearchStudy, and reads, searches and writes of
ResearchSubject, and ResearchStudy/$match. R4 names some search parameters differently:
ResearchSubject `individual` is R5's `subject`, and its `status` is the subject's state (R5's
`subject_state`). R4's ResearchStudy `status` (the study's state) has no search here and is
refused rather than answered with R5's publication status.
"""

from typing import Any

from fhirtrial.api.fhir_version import R4_OPERATIONS
from fhirtrial.errors import BadRequest

_READS = ("read", "vread", "history-instance", "history-type", "search-type")
_INTERACTIONS = {
    "ResearchStudy": _READS,
    "ResearchSubject": (*_READS, "create", "update", "delete"),
}
# R4 parameter name → our name, per type.
R4_SEARCH_NAMES = {"ResearchSubject": {"individual": "subject", "status": "subject_state"}}
_R5_ONLY_PARAMS = {"ResearchStudy": {"status"}, "ResearchSubject": {"status", "subject"}}
_R4_INCLUDES = {"ResearchSubject": ["ResearchSubject:study"]}


def r4_capability_statement(r5_statement: dict[str, Any]) -> dict[str, Any]:
    """The R5 statement cut down to what is served in R4, as an R4 (4.0.1) CapabilityStatement."""
    # Bulk export (and so the Bulk Data capabilities) is R5 only.
    statement = {k: v for k, v in r5_statement.items() if k not in ("rest", "instantiates")}
    statement["title"] = "fhirtrial FHIR R4 view"
    statement["fhirVersion"] = "4.0.1"
    # System-level interactions and their parameters (search, history, batch, transaction)
    # are R5 only: their Bundles mix every type.
    rest = {
        k: v
        for k, v in r5_statement["rest"][0].items()
        if k not in ("interaction", "searchParam", "compartment")
    }
    rest["resource"] = [
        _resource(resource) for resource in rest["resource"] if resource["type"] in _INTERACTIONS
    ]
    rest["operation"] = [o for o in rest.get("operation", []) if o["name"] != "export"]
    statement["rest"] = [rest]
    return statement


def _resource(resource: dict[str, Any]) -> dict[str, Any]:
    name = resource["type"]
    out = {k: v for k, v in resource.items() if k not in ("searchInclude", "searchRevInclude")}
    writable = "create" in _INTERACTIONS[name]
    out["interaction"] = [{"code": code} for code in _INTERACTIONS[name]]
    out["updateCreate"] = writable
    out["conditionalCreate"] = writable
    if not writable:
        out["versioning"] = "versioned"
    operations = [o for o in resource.get("operation", []) if (name, o["name"]) in R4_OPERATIONS]
    out.pop("operation", None)
    if operations:
        out["operation"] = operations
    if name in _R4_INCLUDES:
        out["searchInclude"] = _R4_INCLUDES[name]
    renamed = {ours: r4 for r4, ours in R4_SEARCH_NAMES.get(name, {}).items()}
    params = []
    for param in resource.get("searchParam", []):
        if param["name"] in renamed:
            params.append({**param, "name": renamed[param["name"]]})
        elif param["name"] not in _R5_ONLY_PARAMS.get(name, ()):
            params.append(param)
    out["searchParam"] = params
    return out


def r5_search_params(resource_type: str, params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """An R4 client's search parameters under the names this server searches by."""
    names = R4_SEARCH_NAMES.get(resource_type, {})
    out = []
    for key, value in params:
        name, colon, modifier = key.partition(":")
        if name in names:
            key = names[name] + colon + modifier
        elif resource_type == "ResearchStudy" and name == "status":
            raise BadRequest(
                "ResearchStudy?status is not searchable in FHIR R4 here: R4's status is the "
                "study's state, R5's its publication status; search recruitment-status instead"
            )
        out.append((key, value))
    return out
