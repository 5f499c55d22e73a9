"""Diagnoses the finders know, narrowed by a word of time, course or kind: all-of(diagnosis,
TEXT).

A patient without the diagnosis meets neither the narrowed inclusion nor the narrowed exclusion;
a patient with it is `unknown`."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.signature import signature


def _read(text: str, *, exclusion: bool) -> str | None:
    reading = compile_text(text, exclusion=exclusion, partial=True)
    return None if reading is None else signature(reading)


@pytest.mark.parametrize("exclusion", [True, False])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Vague recency: the diagnosis is necessary, "recent" is the residue.
        ("Recent stroke", "all-of(condition:stroke, text)"),
        ("3. recent MI(Myocardial Infarction)", "all-of(condition:myocardial-infarction, text)"),
        ("New onset atrial fibrillation", "all-of(condition:atrial-fibrillation, text)"),
        ("first-ever ischemic stroke", "all-of(condition:stroke-ischemic, text)"),
        # A recurrent cancer keeps its site's codes.
        ("recurrent ovarian cancer", "all-of(condition:ovarian-cancer, text)"),
        ("Recurrent colon adenocarcinoma", "all-of(condition:colon-cancer, text)"),
    ],
)
def test_time_and_recurrence_narrow_a_diagnosis_in_either_list(
    text: str, expected: str, exclusion: bool
) -> None:
    assert _read(text, exclusion=exclusion) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "With recent diagnosis of femoral shaft fracture",
            "all-of(condition:icd10cm:S72.3, text)",
        ),
        (
            "Recent diagnosis of neurocognitive disorder",
            "all-of(condition:icd10cm:F01+F02+F03+G30+G31.83+G31.84+F06.7, text)",
        ),
    ],
)
def test_a_recent_diagnosis_of_is_read_as_newly_diagnosed(text: str, expected: str) -> None:
    assert _read(text, exclusion=False) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "chronic" / "acute" where the diagnosis's own codes hold that kind (K72.1, N17, J44).
        ("Advanced chronic liver disease", "all-of(condition:chronic-liver-disease, text)"),
        ("Acute renal failure", "all-of(condition:kidney-failure, text)"),
        ("chronic pulmonary diseases,", "all-of(condition:lung-disease, text)"),
        ("Advanced pulmonary fibrosis .", "all-of(condition:icd10cm:J84.10+J84.112, text)"),
        ("Co morbid intellectual disability.", "all-of(condition:intellectual-disability, text)"),
    ],
)
def test_degree_and_kind_narrow_an_exclusion(text: str, expected: str) -> None:
    assert _read(text, exclusion=True) == expected


@pytest.mark.parametrize(
    ("text", "exclusion"),
    [
        # An inclusion's degree may cover codes the name does not (left text, as before).
        ("Advanced chronic liver disease", False),
        # The kind is an alternative, not a narrowing: severe or chronic periodontitis.
        ("severe or chronic periodontitis", True),
        # Negations, suspicion, risk and family history keep protecting the patient.
        ("No recent stroke", True),
        ("Suspected recent stroke", True),
        ("Risk of recent stroke", True),
        ("Family history of recent stroke", False),
        # "Recent" use of a drug may be a stopped one no current medication holds.
        ("recent use of anticoagulant therapy", True),
        # An order of something else, not of the diagnosis.
        ("First-degree relative with diabetes", True),
    ],
)
def test_refused_narrowings_stay_text(text: str, exclusion: bool) -> None:
    assert _read(text, exclusion=exclusion) is None
