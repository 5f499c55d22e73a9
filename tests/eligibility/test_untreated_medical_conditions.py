"""Exclusions such as "Untreated hypothyroidism" or "untreated hypertension": a medical disease
is treated with drugs. The check looked only for a Procedure done for the condition (right for
brain metastases and cancers), so a hypothyroid patient on levothyroxine was "untreated" and
ruled out."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)

HYPOTHYROIDISM = condition(
    "Hypothyroidism", (ICD, "E03.9", "Hypothyroidism, unspecified"), onset="2010-01-01"
)
LEVOTHYROXINE = medication(
    "levothyroxine (SYNTHROID) 100 mcg tablet", "2026-06-01", "2027-06-01", status="active"
)
LEVOTHYROXINE_FOR_IT = {
    **medication(
        "levothyroxine (SYNTHROID) 100 mcg tablet", "2026-06-01", "2027-06-01", status="active"
    ),
    "reasonCode": [{"coding": [{"system": ICD, "code": "E03.9"}], "text": "Hypothyroidism"}],
}


@pytest.mark.parametrize("resources", [(HYPOTHYROIDISM,), (HYPOTHYROIDISM, LEVOTHYROXINE)])
def test_a_medical_disease_without_a_stated_treatment_is_unknown(resources: tuple) -> None:
    criterion = compile_text("Untreated hypothyroidism", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == "unknown"


def test_a_medication_given_for_it_treats_it() -> None:
    criterion = compile_text("Untreated hypothyroidism", exclusion=True)
    assert criterion is not None
    person = record(patient(), HYPOTHYROIDISM, LEVOTHYROXINE_FOR_IT)
    assert result_of(criterion, person) == "not-met"


def test_a_treated_patient_is_not_ruled_out() -> None:
    text = criteria_text(["Age 18 or older"], ["Untreated hypothyroidism"])
    person = record(patient(), HYPOTHYROIDISM, LEVOTHYROXINE)
    assert verdict_of_study(text, person) != "ineligible"


def test_no_hypothyroidism_is_still_not_met() -> None:
    criterion = compile_text("Untreated hypothyroidism", exclusion=True)
    assert criterion is not None
    essential = condition("Hypertension", (ICD, "I10", "Essential hypertension"))
    assert result_of(criterion, record(patient(), essential)) == "not-met"
