"""Condition and allergy statuses as exports spell them (issue 13, red team).

A status was read as the first coding's code, as written: an EHR's own status coding listed
before the HL7 one (code "3", display "Resolved"), a text-only status ("Refuted") or a
capitalised code ("Entered in Error") was no status the evaluator knows. A refuted HIV
diagnosis then counted as confirmed and met "HIV-positive patients." (a wrong `ineligible`), and
a resolved cancer was "status not recorded", taken as current.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.patient.values import status_code
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of

EPIC_STATUS = "urn:oid:1.2.840.114350.1.13.0.1.7.4.698084.20"
HL7_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
HIV = ("Human immunodeficiency virus [HIV] disease", "B20")
CANCER = ("Malignant neoplasm of unspecified site of right female breast", "C50.911")
HYPERTENSION = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))


def _entry(diagnosis: tuple[str, str], **statuses: Any) -> dict[str, Any]:
    text, code = diagnosis
    entry = condition(text, (ICD, code, text), onset="2024-05-02")
    entry.pop("clinicalStatus")
    return entry | statuses


def _result(text: str, *resources: dict[str, Any]) -> str:
    criterion = compile_criterion(text, exclusion=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), HYPERTENSION, *resources))


@pytest.mark.parametrize(
    "verification",
    [
        {"text": "Refuted"},
        {"coding": [{"code": "Refuted"}]},
        {"coding": [{"system": EPIC_STATUS, "code": "4", "display": "Refuted"}]},
        {"coding": [{"system": EPIC_STATUS, "code": "5", "display": "Entered in Error"}]},
        "refuted",
    ],
)
def test_a_refuted_diagnosis_however_spelt_is_not_the_patients(verification) -> None:
    hiv = _entry(HIV, verificationStatus=verification)
    assert _result("HIV-positive patients.", hiv) == "not-met"


@pytest.mark.parametrize(
    "clinical",
    [
        {
            "coding": [
                {"system": EPIC_STATUS, "code": "3", "display": "Resolved"},
                {"system": HL7_CLINICAL, "code": "resolved"},
            ]
        },
        {"text": "Resolved"},
        {"coding": [{"system": EPIC_STATUS, "code": "3", "display": "Resolved"}]},
        "Resolved",
    ],
)
def test_a_resolved_cancer_however_spelt_is_not_active(clinical) -> None:
    # NCT03861689 "Patients who have active cancer".
    cancer = _entry(CANCER, clinicalStatus=clinical)
    assert _result("Patients who have active cancer", cancer) == "not-met"


def test_an_active_status_in_an_ehr_coding_is_still_active() -> None:
    active = {"coding": [{"system": EPIC_STATUS, "code": "1", "display": "Active"}]}
    cancer = _entry(CANCER, clinicalStatus=active)
    assert _result("Patients who have active cancer", cancer) == "met"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"coding": [{"system": HL7_CLINICAL, "code": "remission"}]}, "remission"),
        ({"coding": [{"system": EPIC_STATUS, "code": "9"}]}, "9"),  # unknown: kept as written
        ({"text": "Entered In Error"}, "entered-in-error"),
        ("Active", "active"),
        ({"text": "per patient"}, "per patient"),
    ],
)
def test_status_code_reads_the_status_an_export_spells(raw, expected) -> None:
    assert status_code(raw) == expected
