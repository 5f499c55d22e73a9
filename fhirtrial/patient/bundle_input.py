"""The patient Bundle posted to `$match`: checked, then read into a `PatientRecord`.

Checks are structural and cheap (an EHR export holds hundreds of entries; validating each with
fhir.resources would cost more than the whole match): every entry holds an object with a
resourceType and a well-formed id, the resources the matcher reads carry the elements that are
mandatory in both R4 and R5, the Patient itself validates (R5, else R4B), and no resource
belongs to another patient. A failure is a `BadRequest` naming the entry.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fhir.resources import get_fhir_model_class
from fhir.resources.R4B import get_fhir_model_class as get_r4b_model_class
from pydantic import ValidationError

from fhirtrial.errors import BadRequest, Issue
from fhirtrial.patient.record import (
    PatientRecord,
    PatientRecordError,
    read_patient_bundle,
)

BUNDLE_TYPES = ("collection", "transaction", "batch", "searchset", "document")
_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_TYPE_NAME = re.compile(r"^[A-Z][A-Za-z]{1,63}$")
_GENDERS = ("male", "female", "other", "unknown")
_MEDICATION = ("medication", "medicationCodeableConcept", "medicationReference")
# Elements mandatory in both R4 and R5 for the resources the matcher reads: (name, JSON kind).
_REQUIRED: dict[str, tuple[tuple[tuple[str, ...], type], ...]] = {
    "Condition": ((("subject",), dict),),
    "Observation": ((("status",), str), (("code",), dict)),
    "Procedure": ((("status",), str), (("subject",), dict)),
    "MedicationStatement": ((("status",), str), (("subject",), dict), (_MEDICATION, dict)),
    "MedicationRequest": (
        (("status",), str),
        (("intent",), str),
        (("subject",), dict),
        (_MEDICATION, dict),
    ),
    "MedicationAdministration": ((("status",), str), (("subject",), dict), (_MEDICATION, dict)),
    "MedicationDispense": ((("status",), str), (_MEDICATION, dict)),
    "Immunization": ((("status",), str), (("vaccineCode",), dict), (("patient",), dict)),
    "AllergyIntolerance": ((("patient",), dict),),
}


def read_patient(bundle: dict[str, Any], *, as_of: date, where: str = "Bundle") -> PatientRecord:
    """The one patient's record, or a BadRequest that says what is wrong with the bundle."""
    check_bundle(bundle, where)
    try:
        record = read_patient_bundle(bundle, as_of=as_of)
    except PatientRecordError as error:
        raise BadRequest(f"{where}: {error}", code="invalid") from None
    if record.errors:
        issues = [
            Issue("error", "invalid", f"{where}: {issue.ref or 'entry'}: {issue.message}")
            for issue in record.errors
        ]
        raise BadRequest(issues[0].diagnostics, issues=issues)
    return record


def check_bundle(bundle: dict[str, Any], where: str) -> None:
    if bundle.get("resourceType") != "Bundle":
        raise BadRequest(f"{where}: expected a Bundle holding the patient's record")
    if bundle.get("type") not in BUNDLE_TYPES:
        raise BadRequest(
            f"{where}.type must be one of {', '.join(BUNDLE_TYPES)} (got {bundle.get('type')!r})"
        )
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise BadRequest(f"{where}.entry must be a list")
    issues = []
    for position, entry in enumerate(entries):
        problem = _entry_problem(entry)
        if problem:
            path = f"{where}.entry[{position}]"
            issues.append(Issue("error", "structure", f"{path}: {problem}", [path]))
    if issues:
        raise BadRequest(issues[0].diagnostics, issues=issues[:20])


def _entry_problem(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return "an entry must be a JSON object"
    resource = entry.get("resource")
    if resource is None:
        return None if isinstance(entry.get("request"), dict) else "the entry has no resource"
    if not isinstance(resource, dict):
        return "resource must be a JSON object"
    kind = resource.get("resourceType")
    if not isinstance(kind, str) or not _TYPE_NAME.match(kind):
        return f"resourceType {kind!r} is not a FHIR resource type name"
    rid = resource.get("id")
    if rid is not None and (not isinstance(rid, str) or not _ID.match(rid)):
        return f"{kind}.id {rid!r} is not a valid FHIR id"
    if kind == "Patient":
        return _patient_problem(resource)
    for names, json_kind in _REQUIRED.get(kind, ()):
        present = [n for n in names if resource.get(n) is not None]
        if not present:
            return f"{kind}.{names[0]} is required"
        if not isinstance(resource[present[0]], json_kind):
            expected = "an object" if json_kind is dict else "a string"
            return f"{kind}.{present[0]} must be {expected}"
    return None


def _patient_problem(patient: dict[str, Any]) -> str | None:
    gender = patient.get("gender")
    if gender is not None and gender not in _GENDERS:
        return f"Patient.gender {gender!r} is not one of {', '.join(_GENDERS)}"
    try:
        get_fhir_model_class("Patient").model_validate(patient)
        return None
    except ValidationError as r5_error:
        try:
            get_r4b_model_class("Patient").model_validate(patient)
            return None
        except ValidationError:
            first = r5_error.errors()[0]
            location = ".".join(str(part) for part in first["loc"])
            return f"the Patient is not valid FHIR: {location}: {first['msg']}"
