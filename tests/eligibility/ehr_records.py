"""Small patient records written the way Epic and Cerner export them (FHIR R4), for tests.

Each builder returns one resource; `record(...)` wraps a Patient and the resources in a
searchset Bundle (what `Patient/$everything` returns) and reads it as `$match` does.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from fhirtrial.eligibility.evaluation import evaluate_study
from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext
from fhirtrial.eligibility.evaluation.evaluator import evaluate_criterion
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.model import Criterion
from fhirtrial.patient.record import PatientRecord, read_patient_bundle

AS_OF = date(2026, 12, 1)
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
EPIC_DX = "urn:oid:1.2.840.114350.1.13.0.1.7.2.728286"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def patient(gender: str = "female", born: str = "1960-04-02", **extra: Any) -> dict:
    return {"resourceType": "Patient", "id": "p1", "gender": gender, "birthDate": born, **extra}


def condition(
    text: str,
    *codes: tuple[str, str, str],
    status: str = "active",
    onset: str | None = "2025-01-10",
    abated: str | None = None,
    verification: str | None = None,
) -> dict:
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": _id("dx"),
        "subject": {"reference": "Patient/p1"},
        "category": [{"coding": [{"code": "problem-list-item"}]}],
        "code": {
            "coding": [{"system": s, "code": c, "display": d} for s, c, d in codes],
            "text": text,
        },
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": status}]},
    }
    if onset:
        resource["onsetDateTime"] = onset
    if abated:
        resource["abatementDateTime"] = abated
    if verification:
        resource["verificationStatus"] = {"coding": [{"code": verification}]}
    return resource


def observation(code: tuple[str, str, str] | str, day: str, **value: Any) -> dict:
    concept = (
        {"text": code}
        if isinstance(code, str)
        else {"coding": [{"system": code[0], "code": code[1], "display": code[2]}]}
    )
    return {
        "resourceType": "Observation",
        "id": _id("obs"),
        "status": "final",
        "subject": {"reference": "Patient/p1"},
        "code": concept,
        "effectiveDateTime": day,
        **value,
    }


def ecog(day: str, grade: int | None = None, **value: Any) -> dict:
    if grade is not None:
        value = {"valueInteger": grade}
    return observation((LOINC, "89247-1", "ECOG Performance Status score"), day, **value)


def medication(
    text: str,
    start: str,
    end: str | None = None,
    *,
    status: str = "completed",
    kind: str = "MedicationRequest",
    sig: str | None = None,
    dose_mg: float | None = None,
    per_day: float | None = None,
) -> dict:
    resource: dict[str, Any] = {
        "resourceType": kind,
        "id": _id("med"),
        "status": status,
        "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": {"text": text},
    }
    period = {"start": start, **({"end": end} if end else {})}
    if kind == "MedicationRequest":
        resource["intent"] = "order"
        resource["authoredOn"] = start
        dosage: dict[str, Any] = {"timing": {"repeat": {"boundsPeriod": period}}}
        if sig:
            dosage["text"] = sig
        if per_day:
            dosage["timing"]["repeat"] |= {"frequency": per_day, "period": 1, "periodUnit": "d"}
        if dose_mg:
            dosage["doseAndRate"] = [{"doseQuantity": {"value": dose_mg, "unit": "mg"}}]
        resource["dosageInstruction"] = [dosage]
    else:
        resource["effectivePeriod"] = period
        if sig:
            resource["dosage"] = [{"text": sig}]
    return resource


def procedure(text: str, day: str, *codes: tuple[str, str, str]) -> dict:
    return {
        "resourceType": "Procedure",
        "id": _id("proc"),
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "code": {
            "coding": [{"system": s, "code": c, "display": d} for s, c, d in codes],
            "text": text,
        },
        "performedDateTime": day,
    }


def record(person: dict, *resources: dict, as_of: date = AS_OF) -> PatientRecord:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {"fullUrl": f"https://ehr.example/fhir/{r['resourceType']}/{r['id']}", "resource": r}
            for r in (person, *resources)
        ],
    }
    return read_patient_bundle(bundle, as_of=as_of)


# ---------------------------------------------------------------- common clinical pictures


def stage_iv_melanoma() -> list[dict]:
    """Cutaneous melanoma with lung and liver metastases listed as their own problems."""
    return [
        condition(
            "Malignant melanoma of skin of back (HCC)",
            (ICD, "C43.59", "Malignant melanoma of other part of trunk"),
            onset="2023-03-02",
        ),
        condition(
            "Secondary malignant neoplasm of liver (HCC)",
            (ICD, "C78.7", "Secondary malignant neoplasm of liver and intrahepatic bile duct"),
            onset="2025-06-20",
        ),
        condition(
            "Metastatic melanoma to lung, bilateral (HCC)",
            (EPIC_DX, "123456", "Metastatic melanoma to lung"),
            onset="2025-06-20",
        ),
    ]


def anti_pd1_line(start: str = "2025-07-01", end: str = "2026-08-15") -> dict:
    return medication(
        "pembrolizumab (KEYTRUDA) 200 mg in sodium chloride 0.9% 50 mL IVPB", start, end
    )


def result_of(
    criterion: Criterion, patient_record: PatientRecord, *, excluding: bool = False
) -> str:
    """met / not-met / unknown / not-applicable: one criterion against the record, on its day
    (`excluding`: asked as an exclusion is, where "met" rules the patient out)."""
    ctx = EvalContext(
        facts=facts_for(patient_record),
        as_of=patient_record.as_of,
        policy=DEFAULT_POLICY,
        excluding=excluding,
    )
    return evaluate_criterion(criterion, ctx).result


# A pregnancy on the problem list and a recent negative urine hCG, as records write them.
PREGNANT = condition("Pregnant", (ICD, "Z33.1", "Pregnant state, incidental"), onset="2026-09-14")
NEGATIVE_HCG = observation(
    (LOINC, "2106-3", "Choriogonadotropin (pregnancy test) [Presence] in Urine"),
    "2026-11-25",
    valueCodeableConcept={"text": "Negative"},
)


def verdict_of_inclusion_bullet(bullet: str, person_record: PatientRecord) -> str:
    """The verdict of a study whose only criterion is the bullet, under Inclusion Criteria."""
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000009", "briefTitle": "x"},
            "eligibilityModule": {"eligibilityCriteria": f"Inclusion Criteria:\n- {bullet}\n"},
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="nct00000009", study_reference="ResearchStudy/x"
    )
    return evaluate_study(resource, person_record, as_of=person_record.as_of).verdict


def criteria_text(inclusion: list[str], exclusion: list[str]) -> str:
    """An eligibility text with one bullet per criterion under each header."""
    text = "Inclusion Criteria:\n" + "".join(f"- {b}\n" for b in inclusion)
    return text + "\nExclusion Criteria:\n" + "".join(f"- {b}\n" for b in exclusion)


def verdict_of_study(
    text: str, person_record: PatientRecord, conditions: list[str] | None = None
) -> str:
    """The verdict of a study with this eligibility text and CT.gov condition list."""
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000010", "briefTitle": "x"},
            "conditionsModule": {"conditions": conditions or []},
            "eligibilityModule": {"eligibilityCriteria": text},
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="nct00000010", study_reference="ResearchStudy/x"
    )
    return evaluate_study(resource, person_record, as_of=person_record.as_of).verdict
