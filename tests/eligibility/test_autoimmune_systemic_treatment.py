"""The canonical immunotherapy exclusion "Active autoimmune disease that has required systemic
treatment in the past 2 years (i.e. with use of disease modifying agents, corticosteroids or
immunosuppressive drugs)" read in part: the disease and a systemic agent in the window are
necessary, never sufficient (a steroid course may have treated something else; exceptions are
listed). Replacement therapy (levothyroxine, insulin) and local treatment are no systemic agent,
so hypothyroidism, vitiligo or psoriasis without one clear the exclusion.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import (
    ICD,
    RXNORM,
    condition,
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)

CANONICAL = (
    "Active autoimmune disease that has required systemic treatment in the past 2 years (i.e. "
    "with use of disease modifying agents, corticosteroids or immunosuppressive drugs)"
)
MERCK = (
    "Has active autoimmune disease that has required systemic treatment in past 2 years (i.e., "
    "with use of disease modifying agents, corticosteroids or immunosuppressive drugs). "
    "Replacement therapy (eg., thyroxine, insulin, or physiologic corticosteroid replacement "
    "therapy for adrenal or pituitary insufficiency, etc.) is not considered a form of systemic "
    "treatment."
)
WITH_EXCEPTIONS = (
    "Active autoimmune disease that has required systemic treatment in the past 2 years. "
    "Subjects with vitiligo, type 1 diabetes mellitus, or hypothyroidism only requiring hormone "
    "replacement are permitted to enroll."
)


def _exclusion(bullet: str) -> Criterion | None:
    nodes = compile_outline(parse_outline(f"Exclusion Criteria:\n- {bullet}\n"))
    return nodes[0].criterion


def _rx(text: str, rxcui: str, start: str, end: str | None = None, **kw: Any) -> dict[str, Any]:
    """A MedicationRequest as Epic writes it: RxNorm coding and the order's display text."""
    resource = medication(text, start, end, **kw)
    resource["medicationCodeableConcept"]["coding"] = [
        {"system": RXNORM, "code": rxcui, "display": text}
    ]
    return resource


HASHIMOTO = condition("Hashimoto's thyroiditis", (ICD, "E06.3", "Autoimmune thyroiditis"))
LEVOTHYROXINE = _rx("levothyroxine sodium 100 MCG Oral Tablet", "966247", "2024-03-01")
RA = condition("Rheumatoid arthritis", (ICD, "M06.9", "Rheumatoid arthritis, unspecified"))
METHOTREXATE_NOW = _rx("methotrexate 2.5 MG Oral Tablet", "105585", "2025-06-01", status="active")
METHOTREXATE_2022 = _rx("methotrexate 2.5 MG Oral Tablet", "105585", "2021-01-10", "2022-05-01")
PSORIASIS = condition("Plaque psoriasis", (ICD, "L40.0", "Psoriasis vulgaris"))
CLOBETASOL = _rx("clobetasol propionate 0.05 % Topical Cream", "861512", "2025-09-01")
VITILIGO = condition("Vitiligo", (ICD, "L80", "Vitiligo"))
LUPUS = condition("SLE", (ICD, "M32.9", "Systemic lupus erythematosus, unspecified"))
PREDNISONE = _rx("predniSONE 10 MG Oral Tablet", "312617", "2026-02-01", "2026-03-01")
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
ALBUTEROL = _rx("albuterol 90 MCG/ACTUATION inhaler", "745679", "2025-01-01", status="active")
T1D = condition("Type 1 diabetes", (ICD, "E10.9", "Type 1 diabetes mellitus without complications"))
INSULIN = _rx("insulin glargine 100 UNT/ML Injectable Solution", "311041", "2024-01-01")


@pytest.mark.parametrize("bullet", [CANONICAL, MERCK, WITH_EXCEPTIONS])
def test_the_exclusion_reads_as_necessary_parts(bullet: str) -> None:
    criterion = _exclusion(bullet)
    assert criterion is not None and criterion.combination == "all-of"
    disease, treated, residue = criterion.children
    assert (disease.concept, disease.qualifiers) == ("autoimmune-disease", ("active",))
    assert residue.kind is Kind.TEXT
    agents = {child.concept for child in treated.children}
    assert {"systemic-corticosteroid", "immunosuppressant", "methotrexate"} <= agents
    assert "insulin" not in agents
    assert {child.window.low_days for child in treated.children if child.window} == {-731}


@pytest.mark.parametrize(
    "bullet",
    [
        # Another way to be excluded: neither part is necessary.
        CANONICAL + ", or a documented history of clinically severe autoimmune disease",
        "Active, known or suspected autoimmune disease that has required systemic treatment "
        "in the past 2 years",
        # An inclusion-style wording or no window: not this exclusion.
        "Active autoimmune disease that has required systemic treatment",
    ],
)
def test_alternatives_and_other_wordings_stay_text(bullet: str) -> None:
    criterion = _exclusion(bullet)
    assert criterion is None or not any(
        child.concept == "autoimmune-disease" for child in criterion.children
    )


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        # Replacement therapy is no systemic treatment.
        ((HASHIMOTO, LEVOTHYROXINE), "not-met"),
        ((T1D, INSULIN), "not-met"),
        # Local treatment only, or none at all.
        ((PSORIASIS, CLOBETASOL), "not-met"),
        ((VITILIGO, ALBUTEROL), "not-met"),
        # A disease-modifying agent before the window.
        ((RA, METHOTREXATE_2022), "not-met"),
        # No autoimmune disease at all.
        ((ASTHMA, PREDNISONE), "not-met"),
        # Disease and agent in the window: what the agent treated, and the exceptions, are not
        # recorded.
        ((RA, METHOTREXATE_NOW), "unknown"),
        ((LUPUS, PREDNISONE), "unknown"),
        # No medications recorded: whether it was treated is unknown.
        ((RA,), "unknown"),
    ],
)
def test_evaluated_against_epic_style_records(
    resources: tuple[dict[str, Any], ...], expected: str
) -> None:
    criterion = _exclusion(MERCK)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == expected


def test_a_patient_with_hypothyroidism_on_levothyroxine_stays_eligible() -> None:
    text = criteria_text(["Age 18 years or older"], [CANONICAL])
    assert verdict_of_study(text, record(patient(), HASHIMOTO, LEVOTHYROXINE)) == "eligible"
    assert verdict_of_study(text, record(patient(), LUPUS, PREDNISONE)) == "potential-candidate"
