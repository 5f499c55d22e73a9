"""R5-shaped patient data reads into the same record as its R4 original."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from fhirtrial.patient.record import read_patient_bundle
from fhirtrial.patient.values import RXNORM, SNOMED
from tests.patient.patient_record_helpers import (
    BUNDLE_FILES,
    SYNTHEA_FILES,
    load,
    patient_bundle,
)

AS_OF = date(2026, 6, 1)
ADHERENCE = "http://hl7.org/fhir/CodeSystem/medication-statement-adherence"


def to_r5(bundle: dict[str, Any]) -> dict[str, Any]:
    """Rewrite the R4 elements that R5 renamed or retyped, as an R5 server would export them."""
    result = copy.deepcopy(bundle)
    result["type"] = "searchset"
    for entry in result["entry"]:
        entry.pop("request", None)
        entry["search"] = {"mode": "match"}
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind in ("MedicationRequest", "MedicationStatement", "MedicationAdministration"):
            if "medicationCodeableConcept" in resource:
                resource["medication"] = {"concept": resource.pop("medicationCodeableConcept")}
            if "medicationReference" in resource:
                resource["medication"] = {"reference": resource.pop("medicationReference")}
        if kind == "MedicationAdministration":
            for suffix in ("DateTime", "Period"):
                if "effective" + suffix in resource:
                    resource["occurence" + suffix] = resource.pop("effective" + suffix)
            if "context" in resource:
                resource["encounter"] = resource.pop("context")
        if kind == "MedicationStatement":
            r4_status = resource["status"]
            resource["status"] = "recorded"
            adherence = {"active": "taking", "completed": "stopped", "stopped": "stopped"}
            resource["adherence"] = {
                "code": {"coding": [{"system": ADHERENCE, "code": adherence[r4_status]}]}
            }
        if kind == "Procedure":
            for suffix in ("DateTime", "Period", "String"):
                if "performed" + suffix in resource:
                    resource["occurrence" + suffix] = resource.pop("performed" + suffix)
        if kind == "AllergyIntolerance" and isinstance(resource.get("type"), str):
            resource["type"] = {
                "coding": [
                    {
                        "system": "http://hl7.org/fhir/allergy-intolerance-type",
                        "code": resource["type"],
                    }
                ]
            }
    return result


@pytest.mark.parametrize("path", [SYNTHEA_FILES[11], SYNTHEA_FILES[8]], ids=lambda p: p.stem)
def test_r5_shaped_synthea_bundle_reads_like_its_r4_original(path) -> None:
    r4 = read_patient_bundle(load(path), as_of=AS_OF)
    r5 = read_patient_bundle(to_r5(load(path)), as_of=AS_OF)

    def meds(record):
        return sorted(
            (m.ref, m.medication.keys, m.start, m.end, m.state) for m in record.medications
        )

    def procedures(record):
        return sorted((p.ref, p.code.keys, p.start, p.end) for p in record.procedures)

    assert meds(r5) == meds(r4)
    assert procedures(r5) == procedures(r4)
    assert [a.type for a in r5.allergies] == [a.type for a in r4.allergies]
    assert len(r5.observations) == len(r4.observations)
    assert len(r5.conditions) == len(r4.conditions)
    assert r5.medications and r5.procedures


def test_r5_medication_administration_occurence_gives_the_date() -> None:
    r5 = read_patient_bundle(to_r5(load(SYNTHEA_FILES[11])), as_of=AS_OF)
    administration = next(m for m in r5.medications if m.source == "MedicationAdministration")
    assert administration.start == date(2016, 7, 9)
    assert administration.medication.has_code(RXNORM, "199885")


def test_r5_medication_statement_adherence_decides_the_state() -> None:
    r4 = read_patient_bundle(load(BUNDLE_FILES[0]), as_of=AS_OF)
    r5 = read_patient_bundle(to_r5(load(BUNDLE_FILES[0])), as_of=AS_OF)
    r4_states = {m.ref: m.state for m in r4.medications}
    r5_states = {m.ref: m.state for m in r5.medications}
    assert set(r4_states.values()) == {"active", "completed"}
    # to_r5 records R4 "completed" as adherence "stopped", "active" as "taking".
    assert r5_states == {
        ref: ("stopped" if state == "completed" else state) for ref, state in r4_states.items()
    }


def test_r5_not_taking_adherence_leaves_the_statement_out() -> None:
    statement = {
        "resourceType": "MedicationStatement",
        "id": "ms1",
        "status": "recorded",
        "adherence": {"code": {"coding": [{"system": ADHERENCE, "code": "not-taking"}]}},
        "medication": {"concept": {"coding": [{"system": RXNORM, "code": "1156671"}]}},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2024-01-01",
    }
    record = read_patient_bundle(patient_bundle(statement), as_of=AS_OF)
    assert record.medications == ()


def test_r5_medication_request_ended_status_and_effective_dose_period() -> None:
    request = {
        "resourceType": "MedicationRequest",
        "id": "mr1",
        "status": "ended",
        "intent": "order",
        "medication": {"concept": {"coding": [{"system": RXNORM, "code": "1156671"}]}},
        "subject": {"reference": "Patient/p1"},
        "authoredOn": "2024-01-01",
        "effectiveDosePeriod": {"start": "2024-01-05", "end": "2024-03-01"},
    }
    record = read_patient_bundle(patient_bundle(request), as_of=AS_OF)
    (item,) = record.medications
    assert (item.state, item.start, item.end, item.authored) == (
        "completed",
        date(2024, 1, 5),
        date(2024, 3, 1),
        date(2024, 1, 1),
    )
    assert item.is_current(AS_OF) is False


def test_r5_procedure_occurrence_and_condition_unknown_clinical_status() -> None:
    procedure = {
        "resourceType": "Procedure",
        "id": "pr1",
        "status": "completed",
        "code": {"coding": [{"system": SNOMED, "code": "392021009"}]},
        "subject": {"reference": "Patient/p1"},
        "occurrenceDateTime": "2023-05-02",
    }
    condition = {
        "resourceType": "Condition",
        "id": "c1",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "unknown",
                }
            ]
        },
        "code": {"coding": [{"system": SNOMED, "code": "254837009"}]},
        "subject": {"reference": "Patient/p1"},
    }
    record = read_patient_bundle(patient_bundle(procedure, condition), as_of=AS_OF)
    assert record.procedures[0].start == date(2023, 5, 2)
    assert record.conditions[0].is_active is None
