"""`persist=true`: the Patient (found by identifier, else created) and the ids of its
ResearchSubjects, which make a repeated match an update (written by `rematch.repost`)."""

from __future__ import annotations

import hashlib
from typing import Any

from fhirtrial.errors import BadRequest, PreconditionFailed
from fhirtrial.patient.record import PatientRecord
from fhirtrial.resources.validation import validate_resource
from fhirtrial.store.database import Database
from fhirtrial.store.search_keys import KEYS, exact_key


def bundle_patient(bundle: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The Patient resource of a (checked) bundle and its fullUrl."""
    for entry in bundle.get("entry") or ():
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Patient":
            return resource, entry.get("fullUrl")
    raise BadRequest("the Bundle holds no Patient resource")


def subject_reference(record: PatientRecord, bundle: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """How a non-persisted ResearchSubject points at the patient: as the bundle names it."""
    patient, full_url = bundle_patient(bundle)
    reference: dict[str, Any] = {}
    if patient.get("id"):
        reference["reference"] = f"Patient/{patient['id']}"
    elif full_url:
        reference["reference"] = full_url
    identifier = _identifier(patient)
    if identifier is not None:
        reference["identifier"] = identifier
    reference["display"] = _display(patient) or "the patient of the posted record"
    key = _identifier_key(identifier) if identifier else (reference.get("reference") or "patient")
    return key, reference


async def prepare_patient(
    database: Database, bundle: dict[str, Any]
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(key, reference, resource to store): the stored Patient with this identifier keeps its
    id; otherwise the id derives from the identifier, so concurrent first matches agree."""
    patient, _ = bundle_patient(bundle)
    identifier = _identifier(patient)
    if identifier is None:
        raise BadRequest(
            "persist=true needs a Patient.identifier with system and value, so that a later "
            "match updates the same Patient"
        )
    key = _identifier_key(identifier)
    token = f"sc:{identifier['system']}|{identifier['value']}"
    # The search-key index (deleted resources have no keys, so no liveness test is needed).
    found = (
        await database.collections("Patient")
        .current.find({KEYS: exact_key("identifier", token)}, {"_id": 1})
        .to_list(2)
    )
    if len(found) > 1:
        raise PreconditionFailed(
            f"{len(found)} Patients have identifier {identifier['system']}|"
            f"{identifier['value']}; cannot tell which one to update"
        )
    rid = (
        found[0]["_id"]
        if found
        else "pt-" + hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
    )
    resource = {k: v for k, v in patient.items() if k not in ("id", "meta")}
    resource = {"resourceType": "Patient", "id": rid, **resource}
    validate_resource(resource)  # Unprocessable (422) names what R5 does not accept
    reference = {"reference": f"Patient/{rid}", "identifier": identifier}
    if display := _display(patient):
        reference["display"] = display
    return key, reference, resource


def _identifier(patient: dict[str, Any]) -> dict[str, Any] | None:
    for identifier in patient.get("identifier") or ():
        if (
            isinstance(identifier, dict)
            and isinstance(identifier.get("system"), str)
            and isinstance(identifier.get("value"), str)
            and identifier["value"].strip()
        ):
            return {"system": identifier["system"], "value": identifier["value"]}
    return None


def _identifier_key(identifier: dict[str, Any]) -> str:
    return f"{identifier['system']}|{identifier['value']}"


def _display(patient: dict[str, Any]) -> str | None:
    for name in patient.get("name") or ():
        if not isinstance(name, dict):
            continue
        text = name.get("text")
        if isinstance(text, str):
            return text
        given = [g for g in name.get("given") or () if isinstance(g, str)]
        family = name.get("family") if isinstance(name.get("family"), str) else None
        parts = [*given, family] if family else given
        if parts:
            return " ".join(parts)
    return None
