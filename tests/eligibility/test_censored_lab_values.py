"""Lab results a laboratory reports beyond its range: "<5", ">60", ">14.0".

Laboratories report results outside what the assay measures as bounds: an eGFR ">60", a CRP
"<5 mg/L", an HbA1c ">14.0 %". FHIR carries them as `valueQuantity` with a `comparator`, and Epic
often as `valueString`. Such a result is every value beyond its bound: an eGFR ">60" meets
"eGFR >= 30" but says nothing of "eGFR >= 90"; a CRP "<5" rules out "CRP > 10" but not "CRP > 3".
Read as the bare number (60, 5) it excluded patients whose value may be anything; read as no
result, an older number stood in for the newest result.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    criteria_text,
    observation,
    patient,
    record,
    result_of,
    verdict_of_study,
)

_HTN = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
_EGFR = (LOINC, "98979-8", "Glomerular filtration rate/1.73 sq M.predicted (CKD-EPI 2021)")
_CRP = (LOINC, "1988-5", "C reactive protein [Mass/volume] in Serum or Plasma")
_HBA1C = (LOINC, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood")
_EGFR_UNIT = "mL/min/{1.73_m2}"


def _quantity(value: float, unit: str, comparator: str | None = None) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": value, "unit": unit}
    if comparator:
        quantity["comparator"] = comparator
    return quantity


def _censored(code: tuple[str, str, str], day: str, comparator: str, value: float, unit: str):
    return observation(code, day, valueQuantity=_quantity(value, unit, comparator))


def _as_text(code: tuple[str, str, str], day: str, text: str, unit: str) -> dict[str, Any]:
    """Epic's way: the bound as valueString, the unit in the reference range."""
    return observation(
        code,
        day,
        valueString=text,
        referenceRange=[{"low": {"value": 60, "unit": unit}}],
    )


@pytest.mark.parametrize(
    ("bullet", "exclusion", "result", "expected"),
    [
        ("eGFR ≥ 30 mL/min/1.73m2", False, (">", 60), "met"),
        ("eGFR ≥ 90 mL/min/1.73m2", False, (">", 60), "unknown"),
        ("eGFR < 90 mL/min/1.73m2", True, (">", 60), "unknown"),
        ("eGFR < 45 mL/min/1.73m2", True, (">", 60), "not-met"),
        ("eGFR ≤ 90 mL/min/1.73m2", False, (">", 90), "not-met"),
    ],
)
def test_a_bound_decides_only_what_every_value_beyond_it_decides(
    bullet: str, exclusion: bool, result: tuple[str, float], expected: str
) -> None:
    criterion = compile_text(bullet, exclusion=exclusion)
    assert criterion is not None
    egfr = _censored(_EGFR, "2026-11-20", result[0], result[1], _EGFR_UNIT)
    assert result_of(criterion, record(patient(), _HTN, egfr)) == expected


@pytest.mark.parametrize(
    ("bullet", "expected"), [("CRP > 3 mg/L", "unknown"), ("CRP > 10 mg/L", "not-met")]
)
def test_a_result_below_the_assay_range(bullet: str, expected: str) -> None:
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None
    crp = _censored(_CRP, "2026-11-20", "<", 5, "mg/L")
    assert result_of(criterion, record(patient(), _HTN, crp)) == expected


def test_a_study_is_not_closed_by_a_bound_read_as_a_number() -> None:
    text = criteria_text(["eGFR ≥ 90 mL/min/1.73m2"], ["CRP > 3 mg/L"])
    egfr = _censored(_EGFR, "2026-11-20", ">", 60, _EGFR_UNIT)
    crp = _censored(_CRP, "2026-11-20", "<", 5, "mg/L")
    assert verdict_of_study(text, record(patient(), _HTN, egfr, crp)) == "potential-candidate"


@pytest.mark.parametrize(
    ("text", "bullet", "expected"),
    [
        (">60", "eGFR ≥ 30 mL/min/1.73m2", "met"),
        (">60", "eGFR ≥ 90 mL/min/1.73m2", "unknown"),
        ("72", "eGFR ≥ 30 mL/min/1.73m2", "met"),
    ],
)
def test_a_bound_written_as_text_is_read_with_the_reference_range_unit(
    text: str, bullet: str, expected: str
) -> None:
    criterion = compile_text(bullet)
    assert criterion is not None
    egfr = _as_text(_EGFR, "2026-11-20", text, _EGFR_UNIT)
    assert result_of(criterion, record(patient(), _HTN, egfr)) == expected


def test_an_older_number_never_stands_in_for_the_newest_result() -> None:
    criterion = compile_text("Serum creatinine ≤ 1.5 mg/dL")
    assert criterion is not None
    creatinine = (LOINC, "2160-0", "Creatinine [Mass/volume] in Serum or Plasma")
    older = observation(creatinine, "2026-11-01", valueQuantity=_quantity(2.0, "mg/dL"))
    # No unit anywhere, for an analyte reported in mg/dL or µmol/L: the newest decides nothing.
    newest = observation(creatinine, "2026-11-20", valueString="1.2")
    assert result_of(criterion, record(patient(), _HTN, older, newest)) == "unknown"
    hba1c_older = observation(_HBA1C, "2026-10-01", valueQuantity=_quantity(11.2, "%"))
    hba1c_newest = observation(_HBA1C, "2026-11-18", valueString=">14.0 %")
    below_12 = compile_text("HbA1c < 12%")
    assert below_12 is not None
    assert result_of(below_12, record(patient(), _HTN, hba1c_older, hba1c_newest)) == "not-met"
