"""Live vaccines as immunization records name them (issue 13, red team).

NCT05398640 excludes "Received live or attenuated vaccine within 28 days prior to beginning
NMA-LD". An Epic immunization written "MMR", "Zostavax" or "Vivotif" (three live vaccines), or
coded CVX 149 (live intranasal influenza, quadrivalent) or 05 (measles), was no live vaccine:
`not-met`. A CVX "unspecified formulation" of a vaccine made live and inactivated (influenza 88,
zoster 188) cannot say, and is `unknown`, not `not-met`.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import patient, record, result_of

CVX = "http://hl7.org/fhir/sid/cvx"
TEXT = "Received live or attenuated vaccine within 28 days prior to beginning NMA-LD"


def _immunization(text: str, code: str | None = None, day: str = "2026-11-20") -> dict[str, Any]:
    vaccine: dict[str, Any] = {"text": text}
    if code:
        vaccine["coding"] = [{"system": CVX, "code": code, "display": text}]
    return {
        "resourceType": "Immunization",
        "id": f"imm-{code or abs(hash(text)) % 10000}",
        "status": "completed",
        "patient": {"reference": "Patient/p1"},
        "vaccineCode": vaccine,
        "occurrenceDateTime": day,
    }


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("MMR", None, "met"),
        ("ZOSTAVAX", None, "met"),
        ("Typhoid vaccine oral (Vivotif)", None, "met"),
        ("influenza, live, intranasal, quadrivalent", "149", "met"),
        ("measles", "05", "met"),
        ("influenza, unspecified formulation", "88", "unknown"),
        ("zoster vaccine, unspecified formulation", "188", "unknown"),
        ("Zoster Recombinant (Shingrix)", "187", "not-met"),
        ("Influenza, injectable, quadrivalent, preservative free", "150", "not-met"),
    ],
)
def test_a_live_vaccine_within_28_days_as_the_record_names_it(text, code, expected) -> None:
    criterion = compile_criterion(TEXT, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), _immunization(text, code))) == expected


def test_an_unspecified_formulation_outside_the_window_decides_nothing_against() -> None:
    criterion = compile_criterion(TEXT, exclusion=True)
    assert criterion is not None
    old = _immunization("influenza, unspecified formulation", "88", day="2026-01-15")
    assert result_of(criterion, record(patient(), old)) == "not-met"
