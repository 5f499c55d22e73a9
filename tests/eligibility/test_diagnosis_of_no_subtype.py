"""A diagnosis recorded without its subtype may be the subtype a criterion requires.

"Type 1 diabetes" required, "Diabetes mellitus" (no type) on the problem list: `unknown`, not a
wrong `not-met` that hides the study. A type recorded elsewhere in the record says which it is.
"""

from __future__ import annotations

from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import patient_keys
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)

_DM = condition("Diabetes mellitus", (SNOMED, "73211009", "Diabetes mellitus"))
_T2DM = condition(
    "Type 2 diabetes", (ICD, "E11.9", "Type 2 diabetes mellitus without complications")
)


def test_diabetes_of_no_type_may_be_type_1() -> None:
    criterion = compile_text("Type 1 diabetes")
    assert criterion is not None
    assert result_of(criterion, record(patient(), _DM)) == "unknown"
    text = criteria_text(["Type 1 diabetes"], [])
    assert verdict_of_study(text, record(patient(), _DM)) == "potential-candidate"


def test_a_recorded_type_says_which_it_is() -> None:
    criterion = compile_text("Type 1 diabetes")
    assert criterion is not None
    assert result_of(criterion, record(patient(), _T2DM)) == "not-met"
    assert result_of(criterion, record(patient(), _T2DM, _DM)) == "not-met"


def test_no_diabetes_at_all_is_not_met() -> None:
    criterion = compile_text("Type 1 diabetes")
    assert criterion is not None
    htn = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
    assert result_of(criterion, record(patient(), htn)) == "not-met"


def test_the_prefilter_keeps_a_patient_whose_diabetes_has_no_type() -> None:
    keys = patient_keys(record(patient(), _DM))
    assert keys.diagnoses is not None
    assert "diabetes-type-1" in keys.diagnoses
