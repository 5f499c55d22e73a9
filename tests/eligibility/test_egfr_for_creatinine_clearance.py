"""An eGFR stands in for a creatinine clearance only away from the bound.

"Creatinine clearance ≥ 50 mL/min" and an eGFR of 45 mL/min/1.73 m²: a large patient's
Cockcroft-Gault clearance may well be over 50, so the record cannot tell (unknown), while an eGFR
of 20 or 90 decides, and so does a clearance itself.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import LOINC, observation, patient, record, result_of


def _egfr(value: float) -> dict:
    return observation(
        (LOINC, "33914-3", "Glomerular filtration rate/1.73 sq M.predicted"),
        "2026-11-20",
        valueQuantity={"value": value, "unit": "mL/min/{1.73_m2}"},
    )


def _clearance(value: float) -> dict:
    return observation(
        (LOINC, "35591-7", "Creatinine renal clearance predicted by Cockcroft-Gault formula"),
        "2026-11-20",
        valueQuantity={"value": value, "unit": "mL/min"},
    )


@pytest.mark.parametrize(
    ("text", "resource", "expected"),
    [
        ("Estimated creatinine clearance ≥ 50 mL/min", _egfr(45), "unknown"),
        ("Estimated creatinine clearance ≥ 50 mL/min", _egfr(20), "not-met"),
        ("Estimated creatinine clearance ≥ 50 mL/min", _egfr(90), "met"),
        ("Creatinine clearance less than 50 ml/min.", _egfr(55), "unknown"),
        ("Creatinine clearance less than 50 ml/min.", _egfr(25), "met"),
        ("Estimated creatinine clearance ≥ 50 mL/min", _clearance(45), "not-met"),
    ],
)
def test_egfr_decides_a_clearance_only_away_from_the_bound(
    text: str, resource: dict, expected: str
) -> None:
    criterion = compile_text(text)
    assert criterion is not None and criterion.concept == "creatinine-clearance"
    assert result_of(criterion, record(patient(), resource)) == expected


def test_an_egfr_criterion_is_decided_by_the_egfr() -> None:
    criterion = compile_text("eGFR ≥ 50 mL/min/1.73 m2")
    assert criterion is not None and criterion.concept == "egfr-lab"
    assert result_of(criterion, record(patient(), _egfr(45))) == "not-met"
