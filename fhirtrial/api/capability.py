"""The CapabilityStatement, generated from the registry that also drives routes and indexes."""

from typing import Any

from fhirtrial import __version__
from fhirtrial.api.operations import OPERATIONS
from fhirtrial.api.search_capability import add_search_features, system_capabilities
from fhirtrial.resources.patching import PATCH_FORMATS
from fhirtrial.resources.registry import COMMON_SEARCH_PARAMS, READ_ONLY_TYPES, RESOURCE_TYPES
from fhirtrial.resources.search_query import DATE_PREFIXES

INTERACTIONS = (
    "read",
    "vread",
    "update",
    "patch",
    "delete",
    "history-instance",
    "history-type",
    "create",
    "search-type",
)
_WRITES = ("update", "patch", "delete", "create")
VERSIONS_OPERATION = "http://hl7.org/fhir/OperationDefinition/CapabilityStatement-versions"
# Bulk export (api/bulk_export.py): our definition, a restriction of the Bulk Data IG's.
EXPORT_OPERATION = "https://fhirtrial.org/fhir/OperationDefinition/export"
BULK_DATA_CAPABILITIES = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data|2.0.0"


def capability_statement(
    base: str, *, date: str, security: dict[str, Any] | None = None
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "resourceType": "CapabilityStatement",
        "id": "fhirtrial",
        "url": f"{base}/metadata",
        "name": "FhirtrialCapabilityStatement",
        "title": "fhirtrial FHIR R5 server",
        "status": "active",
        "date": date,
        "publisher": "fhirtrial",
        "kind": "instance",
        "instantiates": [BULK_DATA_CAPABILITIES],
        "software": {"name": "fhirtrial", "version": __version__},
        "implementation": {"description": "fhirtrial: computable clinical trials", "url": base},
        "fhirVersion": "5.0.0",
        "format": ["application/fhir+json", "json"],
        "patchFormat": list(PATCH_FORMATS),
        "rest": [
            {
                "mode": "server",
                "resource": [_resource(name) for name in sorted(RESOURCE_TYPES)],
                **system_capabilities(),
                # FHIR version negotiation: api/fhir_version.py.
                "operation": [
                    {"name": "versions", "definition": VERSIONS_OPERATION},
                    {"name": "export", "definition": EXPORT_OPERATION},
                ],
            }
        ],
    }
    if security is not None:
        statement["rest"][0]["security"] = security
    # `POST [base]` with a batch or transaction Bundle (fhirtrial.api.transaction).
    rest = statement["rest"][0]
    rest["interaction"] = [*rest.get("interaction", []), {"code": "transaction"}, {"code": "batch"}]
    return statement


def _resource(name: str) -> dict[str, Any]:
    spec = RESOURCE_TYPES[name]
    params = [*COMMON_SEARCH_PARAMS.values(), *spec.search_params.values()]
    writable = name not in READ_ONLY_TYPES
    interactions = [code for code in INTERACTIONS if writable or code not in _WRITES]
    out = {
        "type": name,
        "profile": spec.profile,
        "interaction": [{"code": code} for code in interactions],
        "versioning": "versioned-update" if writable else "versioned",
        "readHistory": True,
        "updateCreate": writable,
        "conditionalCreate": writable,
        "conditionalRead": "not-supported",
        "conditionalUpdate": writable,
        "conditionalDelete": "single" if writable else "not-supported",
        "searchInclude": sorted(
            f"{name}:{p.name}" for p in spec.search_params.values() if p.type == "reference"
        ),
        "searchParam": [
            {
                "name": p.name,
                "definition": p.definition,
                "type": p.type,
                "documentation": p.description
                + (f" (prefixes: {', '.join(DATE_PREFIXES)})" if p.type == "date" else ""),
            }
            for p in params
        ],
    }
    if not out["searchInclude"]:
        del out["searchInclude"]
    add_search_features(out, name)
    operations = [
        (op, definition) for (rtype, op), (_, definition) in OPERATIONS.items() if rtype == name
    ]
    if operations:
        out["operation"] = [{"name": op, "definition": url} for op, url in operations]
    return out
