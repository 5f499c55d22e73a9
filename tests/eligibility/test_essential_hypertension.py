"""\"Essential hypertension\" is primary hypertension, with or without organ involvement: the
group `essential-hypertension` (terminology/diagnosis_groups.json), met by ICD-10-CM I10–I13
(hypertensive heart and kidney disease are primary hypertension with its damage) and SNOMED CT
"Essential hypertension", unknown for an entry that does not say primary or secondary (SNOMED
CT "Hypertensive disorder", a hypertensive crisis I16, other hypertension I1A), not met for
secondary hypertension I15 (`mends2`).

Read as the code I10 alone (session 14), a patient with hypertensive heart disease failed an
inclusion he meets; read as every hypertension (before), an exclusion turned away a patient with
secondary hypertension."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import ICD, SNOMED, condition, patient, record, result_of
from tests.eligibility.signature import bullet_signature

PRIMARY = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
HEART = condition(
    "Hypertensive heart disease",
    (ICD, "I11.9", "Hypertensive heart disease without heart failure"),
)
KIDNEY = condition(
    "Hypertensive chronic kidney disease",
    (
        ICD,
        "I12.9",
        "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney disease,"
        " or unspecified chronic kidney disease",
    ),
)
SNOMED_ESSENTIAL = condition(
    "Essential hypertension", (SNOMED, "59621000", "Essential hypertension")
)
SNOMED_UNSAID = condition(
    "Hypertension", (SNOMED, "38341003", "Hypertensive disorder, systemic arterial")
)
CRISIS = condition("Hypertensive urgency", (ICD, "I16.0", "Hypertensive urgency"))
SECONDARY = condition("Renovascular hypertension", (ICD, "I15.0", "Renovascular hypertension"))
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))


@pytest.mark.parametrize("bullet", ["Essential hypertension", "History of essential hypertension."])
def test_essential_hypertension_is_the_group(bullet: str) -> None:
    assert bullet_signature(bullet) == "condition:essential-hypertension"


def test_bare_hypertension_is_still_every_hypertension() -> None:
    assert bullet_signature("Hypertension") == "condition:hypertension"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (PRIMARY, "met"),
        (HEART, "met"),
        (KIDNEY, "met"),
        (SNOMED_ESSENTIAL, "met"),
        (SNOMED_UNSAID, "unknown"),
        (CRISIS, "unknown"),
        (SECONDARY, "not-met"),
        (ASTHMA, "not-met"),
    ],
)
@pytest.mark.parametrize("excluding", [False, True])
def test_primary_hypertension_with_organ_damage_meets_it(
    entry: dict, expected: str, excluding: bool
) -> None:
    criterion = compile_text("Essential hypertension", exclusion=excluding)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry), excluding=excluding) == expected
