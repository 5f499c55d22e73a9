"""Organ-system groups named with another head noun: "pulmonary pathology", "heart problems",
"musculoskeletal problems", "cardiovascular comorbidities" mean the organ's diseases, as
"pulmonary disease" does (rules/diagnosis_groups.py); "abnormality" (a finding) and "impairment"
(a loss of function after an injury or a stroke) stay text, and so does a name heading the list
that says it ("the following cardiovascular comorbidities: …").

How often the development texts write them: "<organ> problems" 18 ("musculoskeletal problems"
3, "skin problems" 2, "neurological problems" 2, "mental problems" 2 …), "<organ> pathology" 8,
"<organ> comorbidities" 6."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature


def _form(text: str, exclusion: bool = True) -> str | None:
    compiled = compile_text(text, exclusion=exclusion, partial=True)
    return signature(compiled) if compiled is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pulmonary pathology", "condition:lung-disease"),
        ("Neurological pathology", "condition:neurological-disease"),
        ("Musculoskeletal pathology", "condition:musculoskeletal-disease"),
        ("Cardiac pathology", "condition:heart-disease"),
        ("Psychiatric pathology", "condition:mental-disorder"),
        ("Heart problems", "condition:heart-disease"),
        ("Neurological problems", "condition:neurological-disease"),
        ("Musculoskeletal problems", "condition:musculoskeletal-disease"),
        ("Gastrointestinal problems", "condition:gastrointestinal-disease"),
        ("Skin problems", "condition:skin-disease"),
        ("Cardiovascular comorbidities", "condition:cardiovascular-disease"),
        ("Pulmonary comorbidity", "condition:lung-disease"),
        (
            "Cardiac or pulmonary problems",
            "any-of(condition:heart-disease, condition:lung-disease)",
        ),
        # the judgement before the name is its qualifier, as for "disease"
        ("Significant cardiovascular co-morbidities", "condition:cardiovascular-disease"),
    ],
)
def test_another_head_noun_names_the_same_group(text: str, expected: str) -> None:
    assert _form(text) == expected
    assert _form(text, exclusion=False) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Neurological abnormality",
        "Neurological impairment",
        "Medical problems",
        "Other musculoskeletal problems",
        "Chronic lung problems",
        "Kidney problems",
        "Known history of the following cardiovascular comorbidities: uncontrolled hypertension,"
        " severe congestive heart failure (NYHA Class IV), and/or myocardial infarction within"
        " the last 6 months.",
    ],
)
def test_a_noun_that_says_something_else_stays_text(text: str) -> None:
    assert _form(text, exclusion=False) is None
    assert "cardiovascular-disease" not in (_form(text) or "")


_STUDY = criteria_text(["Adults aged 18 to 80 years"], ["Heart problems"])


@pytest.mark.parametrize(
    ("code", "display", "verdict"),
    [
        ("I25.10", "Atherosclerotic heart disease of native coronary artery", "ineligible"),
        # hypertension may or may not be a heart problem: never a wrong "ineligible"
        ("I10", "Essential (primary) hypertension", "potential-candidate"),
        ("J45.909", "Unspecified asthma, uncomplicated", "eligible"),
    ],
)
def test_heart_problems_against_ehr_records(code: str, display: str, verdict: str) -> None:
    person = record(patient(born="1970-05-01"), condition(display, (ICD, code, display)))
    assert verdict_of_study(_STUDY, person) == verdict
