"""\"Chronic viral hepatitis\" is ICD-10-CM's B18, not every viral hepatitis: the hand-made
`viral-hepatitis` (B15–B19) took the word "chronic" into its name, so an acute hepatitis A met
"Patient is HIV-positive or suffering from chronic viral hepatitis" (NCT03867617 exc-2, session
15 audit) and ruled the patient out of a kidney-transplant study.

It is a group of diagnoses (`rules.named_groups`) whose core is B18: an entry that may be a
chronic viral hepatitis without saying so (B19, B17.1, SNOMED CT viral hepatitis type B / C)
leaves it unknown, as B18 alone made such an entry not met (`mends`)."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import ICD, SNOMED, condition, patient, record, result_of
from tests.eligibility.signature import bullet_signature

ACUTE_HEPATITIS_A = condition(
    "Acute hepatitis A", (ICD, "B15.9", "Hepatitis A without hepatic coma"), onset="2026-10-01"
)
CHRONIC_HEPATITIS_C = condition(
    "Chronic hepatitis C", (ICD, "B18.2", "Chronic viral hepatitis C"), onset="2016-01-01"
)

UNSPECIFIED_HEPATITIS_C = condition(
    "Hepatitis C", (ICD, "B19.20", "Unspecified viral hepatitis C without hepatic coma")
)
ACUTE_HEPATITIS_C = condition(
    "Acute hepatitis C", (ICD, "B17.10", "Acute hepatitis C without hepatic coma")
)
ACUTE_HEPATITIS_B = condition(
    "Acute hepatitis B",
    (ICD, "B16.9", "Acute hepatitis B without delta-agent and without hepatic coma"),
    onset="2026-10-01",
)
SNOMED_HEPATITIS_C = condition("Hepatitis C", (SNOMED, "50711007", "Viral hepatitis type C"))
SNOMED_CHRONIC_HEPATITIS_C = condition(
    "Chronic hepatitis C", (SNOMED, "128302006", "Chronic hepatitis C")
)
UNCODED_CHRONIC_HEPATITIS_B = condition("Chronic hepatitis B")


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Patient is HIV-positive or suffering from chronic viral hepatitis.",
            "any-of(condition:hiv, condition:chronic-viral-hepatitis)",
        ),
        ("Chronic viral hepatitis", "condition:chronic-viral-hepatitis"),
        # no word narrows it: every viral hepatitis
        ("Viral hepatitis.", "condition:viral-hepatitis"),
    ],
)
def test_chronic_viral_hepatitis_is_the_group_whose_core_is_b18(bullet: str, expected: str) -> None:
    assert bullet_signature(bullet) == expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (ACUTE_HEPATITIS_A, "not-met"),
        (CHRONIC_HEPATITIS_C, "met"),
        # whether chronic, the code does not say: an unspecified hepatitis C (a common problem
        # list entry), an acute hepatitis C that may have become chronic under its first code,
        # a SNOMED CT "viral hepatitis type C", a SNOMED CT or uncoded "chronic hepatitis" the
        # shipped terminologies do not code: unknown, never not met (`mends`)
        (UNSPECIFIED_HEPATITIS_C, "unknown"),
        (ACUTE_HEPATITIS_C, "unknown"),
        (SNOMED_HEPATITIS_C, "unknown"),
        (SNOMED_CHRONIC_HEPATITIS_C, "unknown"),
        (UNCODED_CHRONIC_HEPATITIS_B, "unknown"),
        (ACUTE_HEPATITIS_B, "not-met"),
    ],
)
def test_an_acute_hepatitis_is_not_a_chronic_one(entry: dict, expected: str) -> None:
    criterion = compile_text("suffering from chronic viral hepatitis", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry), excluding=True) == expected
