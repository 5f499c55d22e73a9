"""A `patient-view` call shaped exactly as the CDS Hooks sandbox (sandbox.cds-hooks.org) sends
it, built from a real patient bundle of tests/data/patients: the EHR's FHIR server holds the
bundle's resources under their ids, with `urn:uuid:` references rewritten to `Type/id` as a
server stores them, and answers each prefetch template with an R4 Patient or searchset Bundle."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from fhirtrial.api.cds_hooks.discovery import PREFETCH, filled
from tests.helpers import DATA

EHR = "https://ehr.example/fhir"
SEARCHED = {
    "conditions": "Condition",
    "observations": "Observation",
    "medicationRequests": "MedicationRequest",
    "procedures": "Procedure",
}


class StoredRecord:
    """One patient's resources as the EHR's FHIR server holds them."""

    def __init__(self, name: str) -> None:
        source = json.loads((DATA / "patients" / name).read_text())
        entries = source["entry"]
        as_stored = {
            e["fullUrl"]: f"{e['resource']['resourceType']}/{e['resource']['id']}"
            for e in entries
            if e.get("fullUrl")
        }
        text = json.dumps([e["resource"] for e in entries])
        for full_url, reference in as_stored.items():
            text = text.replace(f'"{full_url}"', f'"{reference}"')
        self.resources: list[dict[str, Any]] = json.loads(text)
        self.patient = next(r for r in self.resources if r["resourceType"] == "Patient")
        self.patient_id: str = self.patient["id"]

    def of_type(self, resource_type: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["resourceType"] == resource_type]

    def answer(self, key: str) -> dict[str, Any] | None:
        """What the EHR's server answers to the prefetch template `key`."""
        if key == "patient":
            return copy.deepcopy(self.patient)
        found = self.of_type(SEARCHED[key])
        if not found:
            return None  # CDS Hooks: a template with no data is sent as null
        return searchset(f"{EHR}/{filled(PREFETCH[key], self.patient_id)}", found)

    def prefetched(self) -> dict[str, dict[str, Any] | None]:
        return {key: self.answer(key) for key in PREFETCH}

    def match_bundle(self) -> dict[str, Any]:
        """The same record for `$match`: exactly the resources the service prefetches."""
        kept = [self.patient] + [r for t in SEARCHED.values() for r in self.of_type(t)]
        return {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": copy.deepcopy(r)} for r in kept],
        }


def searchset(url: str, resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": "2026-12-05T04:00:00.000+00:00"},
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": url}],
        "entry": [
            {
                "fullUrl": f"{EHR}/{r['resourceType']}/{r['id']}",
                "resource": copy.deepcopy(r),
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def hook_call(
    record: StoredRecord, *, prefetch: dict[str, Any] | None = None, **overrides: Any
) -> dict[str, Any]:
    """The sandbox's request body (its fhirAuthorization included)."""
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": EHR,
        "fhirAuthorization": {
            "access_token": "ehr-token-for-cds",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "patient/Patient.read patient/Condition.read patient/Observation.read "
            "patient/MedicationRequest.read patient/Procedure.read",
            "subject": "cds-service",
        },
        "context": {"userId": "Practitioner/COREPRACTITIONER1", "patientId": record.patient_id},
        "prefetch": record.prefetched() if prefetch is None else prefetch,
    }
    body.update(overrides)
    return body
