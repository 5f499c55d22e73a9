"""The prefetched data (a Patient and searchset Bundles, R4 as EHRs send them) → the patient
Bundle that `$match` reads, and which prefetch keys are still to be fetched."""

from __future__ import annotations

from typing import Any

from fhirtrial.api.cds_hooks.discovery import PREFETCH
from fhirtrial.errors import BadRequest, FHIRError


class MissingData(FHIRError):
    """CDS Hooks 2.0: a service that cannot obtain the data it needs answers 412."""

    def __init__(self, diagnostics: str) -> None:
        super().__init__(412, "not-found", diagnostics)


def unanswered(prefetch: dict[str, dict[str, Any] | None]) -> list[str]:
    """The prefetch keys the EHR did not satisfy: left out, or answered with the
    OperationOutcome of a failed request (CDS Hooks 2.0 allows either)."""
    return [key for key in PREFETCH if key not in prefetch or _is_outcome(prefetch[key])]


def patient_bundle(patient_id: str, data: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """A collection Bundle of the Patient and every resource the searches found."""
    patient = data.get("patient")
    if patient is None:
        raise MissingData(f"The EHR has no Patient/{patient_id} (prefetch 'patient' is null)")
    if patient.get("resourceType") != "Patient":
        raise BadRequest(f"prefetch.patient: expected a Patient, not {patient['resourceType']}")
    if patient.get("id") != patient_id:
        raise BadRequest(
            f"prefetch.patient is Patient/{patient.get('id')}, not the patient in context "
            f"(Patient/{patient_id})"
        )
    resources = [patient]
    for key in PREFETCH:
        if key != "patient":
            resources += _found(key, data.get(key))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": resource} for resource in resources],
    }


def _found(key: str, value: dict[str, Any] | None) -> list[dict[str, Any]]:
    if value is None:
        return []
    if value.get("resourceType") != "Bundle":
        return [value]
    entries = value.get("entry") or []
    if not isinstance(entries, list):
        raise BadRequest(f"prefetch.{key}.entry must be a list")
    found = []
    for position, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            raise BadRequest(f"prefetch.{key}.entry[{position}]: the entry holds no resource")
        search = entry.get("search")
        if _is_outcome(resource) or (isinstance(search, dict) and search.get("mode") == "outcome"):
            continue  # the server's notes on the search, not the patient's data
        found.append(resource)
    return found


def _is_outcome(value: dict[str, Any] | None) -> bool:
    return value is not None and value.get("resourceType") == "OperationOutcome"
