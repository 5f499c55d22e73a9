"""Medications known from the pharmacy: MedicationDispense.

Pharmacy fills reach a record through HIEs and e-prescribing networks as MedicationDispense
resources ("warfarin 5 mg, 30 tablets, 30 days, handed over 2026-11-15"), often with no
MedicationRequest beside them. A dispense is a use of the drug from the day it was handed over
for the days it supplies. Unread, a patient on warfarin filled last month had "no warfarin among
the recorded medications" and a study requiring it called him ineligible.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    RXNORM,
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)

_METFORMIN = medication("metformin 500 mg tablet", "2026-01-05", status="active")


def _dispense(text: str, handed_over: str, days: int | None = 30, status: str = "completed"):
    resource: dict[str, Any] = {
        "resourceType": "MedicationDispense",
        "id": f"disp-{handed_over}-{status}",
        "status": status,
        "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": "855332", "display": text}],
            "text": text,
        },
        "quantity": {"value": 30, "unit": "tablet"},
        "whenHandedOver": handed_over,
        "dosageInstruction": [{"text": "Take 1 tablet by mouth daily"}],
    }
    if days is not None:
        resource["daysSupply"] = {"value": days, "unit": "Day", "code": "d"}
    return resource


_FILLED = _dispense("warfarin sodium 5 MG Oral Tablet", "2026-11-15")


def test_a_dispense_in_its_days_supply_is_a_current_use() -> None:
    on_warfarin = compile_text("Treated with warfarin")
    assert on_warfarin is not None
    assert result_of(on_warfarin, record(patient(), _METFORMIN, _FILLED)) == "met"
    anticoagulants = compile_text("Current use of anticoagulants", exclusion=True)
    assert anticoagulants is not None
    assert result_of(anticoagulants, record(patient(), _METFORMIN, _FILLED)) == "met"


def test_the_study_requiring_it_keeps_the_patient() -> None:
    text = criteria_text(["Treated with warfarin"], [])
    assert verdict_of_study(text, record(patient(), _METFORMIN, _FILLED)) != "ineligible"


def test_a_fill_whose_supply_ran_out_long_ago_is_prior_use_only() -> None:
    old = _dispense("warfarin sodium 5 MG Oral Tablet", "2025-01-10")
    current = compile_text("Current use of anticoagulants", exclusion=True)
    assert current is not None
    assert result_of(current, record(patient(), _METFORMIN, old)) == "not-met"
    prior = compile_text("Prior treatment with warfarin", exclusion=True)
    assert prior is not None
    assert result_of(prior, record(patient(), _METFORMIN, old)) == "met"


@pytest.mark.parametrize("status", ["cancelled", "declined", "entered-in-error", "preparation"])
def test_a_fill_never_handed_over_is_no_use(status: str) -> None:
    current = compile_text("Current use of anticoagulants", exclusion=True)
    assert current is not None
    never = _dispense("warfarin sodium 5 MG Oral Tablet", "2026-11-15", status=status)
    assert result_of(current, record(patient(), _METFORMIN, never)) == "not-met"
