"""\"Chronic viral hepatitis\" is ICD-10-CM's B18, not every viral hepatitis: the hand-made
`viral-hepatitis` (B15–B19) took the word "chronic" into its name, so an acute hepatitis A met
"Patient is HIV-positive or suffering from chronic viral hepatitis" (NCT03867617 exc-2, session
15 audit) and ruled the patient out of a kidney-transplant study."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of
from tests.eligibility.signature import bullet_signature

ACUTE_HEPATITIS_A = condition(
    "Acute hepatitis A", (ICD, "B15.9", "Hepatitis A without hepatic coma"), onset="2026-10-01"
)
CHRONIC_HEPATITIS_C = condition(
    "Chronic hepatitis C", (ICD, "B18.2", "Chronic viral hepatitis C"), onset="2016-01-01"
)


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Patient is HIV-positive or suffering from chronic viral hepatitis.",
            "any-of(condition:hiv, condition:icd10cm:B18)",
        ),
        ("Chronic viral hepatitis", "condition:icd10cm:B18"),
        # no word narrows it: every viral hepatitis
        ("Viral hepatitis.", "condition:viral-hepatitis"),
    ],
)
def test_chronic_viral_hepatitis_is_b18(bullet: str, expected: str) -> None:
    assert bullet_signature(bullet) == expected


@pytest.mark.parametrize(
    ("entry", "expected"), [(ACUTE_HEPATITIS_A, "not-met"), (CHRONIC_HEPATITIS_C, "met")]
)
def test_an_acute_hepatitis_is_not_a_chronic_one(entry: dict, expected: str) -> None:
    criterion = compile_text("suffering from chronic viral hepatitis", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry), excluding=True) == expected
