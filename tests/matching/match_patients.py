"""Patient bundles (FHIR R4, as EHRs send them) for the matching tests, built from parts.

Codes are real: SNOMED CT, ICD-10-CM, LOINC and RxNorm, as the packaged terminology knows them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
AS_OF = "2026-11-15"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
MRN = "urn:oid:2.16.840.1.113883.19.5"
_ACTIVE = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}
    ]
}
_CONFIRMED = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
            "code": "confirmed",
        }
    ]
}


def bundle(*resources: dict, patient: dict | None = None, bundle_type="collection") -> dict:
    patient = patient or person()
    entries = [{"fullUrl": f"urn:uuid:{patient['id']}", "resource": patient}]
    for resource in resources:
        entries.append({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
    return {"resourceType": "Bundle", "type": bundle_type, "entry": entries}


def person(pid="p1", *, gender="female", born="1965-04-12", mrn="MRN-1", zip_code=None) -> dict:
    patient = {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [{"system": MRN, "value": mrn}],
        "name": [{"family": "Doe", "given": ["Alex"]}],
        "gender": gender,
        "birthDate": born,
    }
    if zip_code:
        patient["address"] = [{"postalCode": zip_code, "country": "US"}]
    return patient


def condition(rid: str, system: str, code: str, display: str, *, onset="2025-03-01", stage=None):
    resource = {
        "resourceType": "Condition",
        "id": rid,
        "clinicalStatus": copy.deepcopy(_ACTIVE),
        "verificationStatus": copy.deepcopy(_CONFIRMED),
        "code": {"coding": [{"system": system, "code": code, "display": display}]},
        "subject": {"reference": "Patient/p1"},
        "onsetDateTime": onset,
    }
    if stage:
        resource["stage"] = [
            {"summary": {"coding": [{"system": SNOMED, "code": "258228008", "display": "Stage 4"}]}}
        ]
    return resource


def ecog(value: int, day="2026-11-01") -> dict:
    return {
        "resourceType": "Observation",
        "id": f"ecog-{value}",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "89247-1"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": day,
        "valueInteger": value,
    }


def medication(rid: str, code: str, name: str, start: str, end: str) -> dict:
    return {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": "completed",
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": code, "display": name}],
            "text": name,
        },
        "subject": {"reference": "Patient/p1"},
        "effectivePeriod": {"start": start, "end": end},
    }


def melanoma(stage_iv=True) -> dict:
    return condition(
        "melanoma", ICD10, "C43.9", "Malignant melanoma of skin, unspecified", stage=stage_iv
    )


def melanoma_patient(*extra: dict, with_ecog=True, **patient) -> dict:
    """Stage IV cutaneous melanoma, one prior line (pembrolizumab), ECOG 0."""
    pembrolizumab = medication("pembro", "1547545", "pembrolizumab", "2025-09-01", "2026-08-20")
    parts = [melanoma(), pembrolizumab]
    if with_ecog:
        parts.append(ecog(0))
    return bundle(*parts, *extra, patient=person(**patient))


def uveal_melanoma_patient() -> dict:
    return bundle(
        condition("uveal", ICD10, "C69.31", "Malignant neoplasm of right choroid", stage=True),
        ecog(0),
        patient=person(gender="male", born="1961-09-02"),
    )


def nsclc_patient(*extra: dict) -> dict:
    return bundle(
        condition("nsclc", SNOMED, "254637007", "Non-small cell lung cancer", stage=True),
        medication("pembro", "1547545", "pembrolizumab", "2025-09-01", "2026-08-20"),
        ecog(1),
        *extra,
        patient=person(gender="male", born="1958-02-20"),
    )


def many_lines_nsclc_patient() -> dict:
    """Four lines of systemic therapy, each started more than 28 days after the previous."""
    lines = [
        medication("l1", "1547545", "pembrolizumab", "2022-01-05", "2022-09-01"),
        medication("l2", "1094833", "ipilimumab", "2023-01-10", "2023-04-01"),
        medication("l3", "1597876", "nivolumab", "2024-01-10", "2024-08-01"),
        medication("l4", "1547545", "pembrolizumab", "2025-09-01", "2026-08-20"),
    ]
    return bundle(
        condition("nsclc", SNOMED, "254637007", "Non-small cell lung cancer", stage=True),
        ecog(1),
        *lines,
        patient=person(gender="male", born="1958-02-20"),
    )


def brain_metastases() -> dict:
    return condition(
        "bm", SNOMED, "94225005", "Secondary malignant neoplasm of brain", onset="2026-09-01"
    )


def real_bundle(relative: str) -> dict:
    return json.loads((DATA / "patients" / relative).read_text())


def parameters(patient_bundle: dict, *parts: dict) -> dict:
    return {
        "resourceType": "Parameters",
        "parameter": [{"name": "patient", "resource": patient_bundle}, *parts],
    }
