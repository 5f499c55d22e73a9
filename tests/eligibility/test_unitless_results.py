"""Results an EHR sends without a unit: Epic's eGFR ">60" as a bare string, an echo's LVEF "55".
For measurements every laboratory reports in one unit the number is in that unit; for the others
(creatinine in mg/dL or µmol/L, HbA1c in % or mmol/mol) a bare number decides nothing."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import LOINC, observation, patient, record, result_of

EGFR_MDRD = (LOINC, "33914-3", "eGFR MDRD")
EGFR_CKD_EPI = (LOINC, "62238-1", "eGFR CKD-EPI")


def result(code: tuple[str, str, str], **value: object):
    return record(patient(), observation(code, "2026-11-20", **value))


@pytest.mark.parametrize(
    ("criterion", "exclusion", "reported", "expected"),
    [
        ("eGFR >= 30 mL/min/1.73m2", False, ">60", "met"),
        ("eGFR < 30 mL/min/1.73m2", True, ">60", "not-met"),
        # ">60" is not shown to be at least 90: the bound lies inside what it stands for.
        ("eGFR >= 90 mL/min/1.73m2", False, ">60", "unknown"),
        ("eGFR >= 30 mL/min/1.73m2", False, "25", "not-met"),
    ],
)
def test_a_bare_egfr_string_is_in_the_one_unit_egfr_has(
    criterion: str, exclusion: bool, reported: str, expected: str
) -> None:
    compiled = compile_criterion(criterion, exclusion=exclusion)
    assert compiled is not None
    for code in (EGFR_MDRD, EGFR_CKD_EPI):
        assert result_of(compiled, result(code, valueString=reported)) == expected


def test_a_bare_lvef_number_is_a_percentage() -> None:
    compiled = compile_criterion("LVEF >= 50%")
    lvef = (LOINC, "10230-1", "Left ventricular Ejection fraction")
    assert result_of(compiled, result(lvef, valueQuantity={"value": 55})) == "met"
    assert result_of(compiled, result(lvef, valueQuantity={"value": 40})) == "not-met"


@pytest.mark.parametrize(
    ("criterion", "code"),
    [
        ("Serum creatinine <= 1.5 mg/dL", (LOINC, "2160-0", "Creatinine")),
        ("HbA1c < 10%", (LOINC, "4548-4", "Hemoglobin A1c")),
    ],
)
def test_a_bare_number_of_a_lab_with_several_units_decides_nothing(
    criterion: str, code: tuple[str, str, str]
) -> None:
    # 88 is a normal creatinine in µmol/L and a lethal one in mg/dL; 54 a fine HbA1c in mmol/mol.
    compiled = compile_criterion(criterion)
    assert result_of(compiled, result(code, valueString="88")) == "unknown"
    assert result_of(compiled, result(code, valueQuantity={"value": 54})) == "unknown"
