"""Wrong "ineligible" verdicts found by probing the evaluator with Epic / Cerner-style records.

Each class below hid a trial from a patient who could join it; every expected verdict was
written from the criterion text and the record alone, before the evaluator ran.
"""

from __future__ import annotations

from typing import Any

from fhirtrial.eligibility.rules import compile_text
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

_HTN = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
_LISINOPRIL = medication("lisinopril 10 mg tablet", "2020-01-01", status="active")


# ---------------------------------------------------------------- "do not give" orders


def _do_not_give(text: str) -> dict[str, Any]:
    order = medication(text, "2026-11-20", status="active")
    order["doNotPerform"] = True
    return order


def test_an_order_not_to_give_a_drug_is_no_use_of_it() -> None:
    # Epic writes "Do not give warfarin" (an allergy-driven or peri-operative hold) as a
    # MedicationRequest with doNotPerform: the patient is kept off the drug, not on it.
    person = record(patient(), _HTN, _LISINOPRIL, _do_not_give("warfarin 5 mg tablet"))
    text = criteria_text(["Age >= 18 years"], ["Current use of warfarin"])
    assert verdict_of_study(text, person) == "eligible"


def test_an_order_not_to_give_a_drug_does_not_meet_a_requirement_for_it() -> None:
    person = record(patient(), _HTN, _LISINOPRIL, _do_not_give("warfarin 5 mg tablet"))
    criterion = compile_text("Currently taking warfarin")
    assert criterion is not None
    assert result_of(criterion, person) != "met"
