"""Steroid sigs that do not say the dose taken each day (issue 13, red team).

Epic writes the dose of a steroid order in the sig. "Take 1-2 tablets (10-20 mg total)" was
read as 20 mg, a taper's first step as the dose now, and dexamethasone "every 6 hours as needed
for nausea" as 16 mg a day (107 mg prednisone): each met NCT05398640's "Chronic systemic
steroid therapy of > 10 mg/day", a wrong `ineligible`. A range, a taper or a dose as needed is
no daily dose: `unknown`, unless another current steroid already exceeds the limit.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import medication, patient, record, result_of

TEXT = "Chronic systemic steroid therapy of > 10 mg/day"  # NCT05398640


def _result(*resources: dict) -> str:
    criterion = compile_criterion(TEXT, exclusion=True)
    assert criterion is not None
    return result_of(criterion, record(patient(), *resources))


def _order(drug: str, sig: str) -> dict:
    return medication(drug, "2026-09-01", status="active", sig=sig)


@pytest.mark.parametrize(
    ("drug", "sig", "expected"),
    [
        (
            "predniSONE 10 MG Oral Tablet",
            "Take 1-2 tablets (10-20 mg total) by mouth daily",
            "unknown",
        ),
        ("predniSONE 10 MG Oral Tablet", "Take 1 to 2 tablets by mouth daily", "unknown"),
        (
            "predniSONE 5 MG Oral Tablet",
            "Take 4 tabs daily x3 days, then 3 tabs daily x3 days, then 2 tabs daily",
            "unknown",
        ),
        (
            "dexamethasone 4 MG Oral Tablet",
            "Take 1 tablet by mouth every 6 hours as needed for nausea",
            "unknown",
        ),
        ("predniSONE 10 MG Oral Tablet", "Take 2 tablets (20 mg total) by mouth daily", "met"),
        ("predniSONE 5 MG Oral Tablet", "Take 1 tablet (5 mg total) by mouth daily", "not-met"),
    ],
)
def test_a_sig_decides_only_when_it_says_the_daily_dose(drug, sig, expected) -> None:
    assert _result(_order(drug, sig)) == expected


def test_another_steroid_over_the_limit_still_decides() -> None:
    as_needed = _order(
        "dexamethasone 4 MG Oral Tablet", "Take 1 tablet by mouth every 6 hours as needed"
    )
    daily = _order("predniSONE 20 MG Oral Tablet", "Take 1 tablet (20 mg total) by mouth daily")
    assert _result(as_needed, daily) == "met"
