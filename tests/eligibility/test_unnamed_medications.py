"""An order whose drug the record does not name proves no drug absent.

A MedicationRequest fetched without its Medication (a search without `_include`, a partial HIE
export) points to `Medication/…` that is not in the bundle and, without a display, names no drug.
"No warfarin among the 2 recorded medications" is then no evidence: the unnamed order may be
warfarin. The answer is `unknown`, never `not-met` — which hid a study requiring warfarin from
a patient who takes it.
"""

from __future__ import annotations

from typing import Any

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)

_METFORMIN = medication("metformin 500 mg tablet", "2026-01-05", status="active")


def _unnamed(status: str = "active", start: str = "2026-10-01") -> dict[str, Any]:
    order = medication("unused", start, status=status)
    del order["medicationCodeableConcept"]
    order["medicationReference"] = {"reference": "Medication/eXq81kLm0Zp3"}
    return order


def test_an_unnamed_current_order_leaves_current_use_open() -> None:
    on_warfarin = compile_text("Treated with warfarin")
    assert on_warfarin is not None
    assert result_of(on_warfarin, record(patient(), _METFORMIN, _unnamed())) == "unknown"
    text = criteria_text(["Treated with warfarin"], [])
    assert verdict_of_study(text, record(patient(), _METFORMIN, _unnamed())) != "ineligible"


def test_an_unnamed_order_leaves_prior_therapy_open() -> None:
    prior = compile_text("Prior treatment with warfarin", exclusion=True)
    assert prior is not None
    assert result_of(prior, record(patient(), _METFORMIN, _unnamed())) == "unknown"


def test_an_unnamed_order_stopped_long_ago_says_nothing_of_current_use() -> None:
    current = compile_text("Current use of anticoagulants", exclusion=True)
    assert current is not None
    stopped = _unnamed(status="stopped", start="2020-01-01")
    stopped["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]["end"] = "2020-02-01"
    assert result_of(current, record(patient(), _METFORMIN, stopped)) == "not-met"


def test_a_named_medication_list_still_rules_out() -> None:
    current = compile_text("Current use of anticoagulants", exclusion=True)
    assert current is not None
    assert result_of(current, record(patient(), _METFORMIN)) == "not-met"
