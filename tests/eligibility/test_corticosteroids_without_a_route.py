"""Corticosteroids named without a route ("Use of corticosteroids within 2 weeks", "Those using
corticosteroids"): read as the systemic class, with an inhaled, nasal or topical one left
unknown, never not-met; a route, a local use, a reaction or a failure is never read."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import medication, patient, record, result_of
from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Those using corticosteroids", "medication:systemic-corticosteroid"),
        ("Using glucocorticoid;", "medication:systemic-corticosteroid"),
        (
            "use of steroids in the past 30 days",
            "medication:systemic-corticosteroid:w-30,0,enrollment",
        ),
        (
            "Use of metformin or corticosteroids;",
            "any-of(medication:metformin, medication:systemic-corticosteroid)",
        ),
        ("Systemic corticosteroids", "medication:systemic-corticosteroid"),
    ],
)
def test_corticosteroids_without_a_route_are_read(text: str, expected: str) -> None:
    assert bullet_signature(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Use of inhaled corticosteroids",
        "Allergy to corticosteroids",
        "Steroid refractory disease",
        "previous steroid injection around the lateral epicondyle",
        "anabolic androgenic steroids users",
        "History of steroid use",
        "steroid abuse",
        "Patients who failed corticosteroids",
    ],
)
def test_a_route_a_local_use_or_a_reaction_is_not_read(text: str) -> None:
    assert "systemic-corticosteroid" not in (bullet_signature(text) or "")


def _evaluate(text: str, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None
    return result_of(criterion, record(patient(), *resources))


def test_a_systemic_use_meets_it_and_an_inhaler_leaves_it_unknown() -> None:
    text = "Those using corticosteroids"
    prednisone = medication("prednisone 10 mg tablet", "2026-10-01", status="active")
    inhaler = medication(
        "fluticasone propionate 110 mcg/actuation inhaler", "2026-06-01", status="active"
    )
    cream = medication("hydrocortisone 1 % topical cream", "2026-10-01", status="active")
    other = medication("lisinopril 10 mg tablet", "2026-06-01", status="active")
    assert _evaluate(text, prednisone) == "met"
    assert _evaluate(text, inhaler) == "unknown"
    assert _evaluate(text, cream) == "unknown"
    assert _evaluate(text, other) == "not-met"


def test_an_inclusion_never_fails_a_patient_on_an_inhaler() -> None:
    criterion = compile_text("No immunosuppressive therapy (including corticosteroids)")
    assert criterion is not None
    inhaler = medication("budesonide 180 mcg/actuation inhaler", "2026-06-01", status="active")
    assert result_of(criterion, record(patient(), inhaler)) == "unknown"
