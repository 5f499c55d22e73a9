"""Criteria wrapped onto a second line by the registry's text field.

CT.gov texts pasted from a word processor keep hard line breaks inside a sentence, at the same
indentation as the line before. Read as two criteria, the first half loses what the second says:
"Patients aged under 18 or" / "over 75 years" would exclude every minor and say nothing of the
upper bound; "currently taking spironolactone for a" / "diagnosis of acne vulgaris" becomes two
requirements. A line that stops mid-sentence continues into the next one.
"""

from __future__ import annotations

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.signature import signature


def _texts(text: str) -> list[tuple[str, str]]:
    return [(node.section, node.text) for node in parse_outline(text).walk()]


def test_a_line_ending_on_a_connective_continues_into_the_next() -> None:
    text = (
        "Inclusion Criteria:\n\n"
        "Female subjects between 18 and 65 years of age currently taking spironolactone for a\n"
        "diagnosis of acne vulgaris\n\n"
        "Exclusion Criteria:\n\n"
        "Patients aged under 18 or\n"
        "over 75 years\n"
        "Known allergy to\n"
        "penicillin\n"
    )
    assert _texts(text) == [
        (
            "inclusion",
            "Female subjects between 18 and 65 years of age currently taking spironolactone "
            "for a\ndiagnosis of acne vulgaris",
        ),
        ("exclusion", "Patients aged under 18 or\nover 75 years"),
        ("exclusion", "Known allergy to\npenicillin"),
    ]


def test_an_open_parenthesis_or_trailing_comma_continues_the_criterion() -> None:
    text = (
        "Exclusion Criteria:\n\n"
        "Recent myocardial infarction, heart failure,\n"
        "recent heart surgery\n"
        "Frail patients (unintended\n"
        "weight loss, long term fatigue)\n"
    )
    assert _texts(text) == [
        ("exclusion", "Recent myocardial infarction, heart failure,\nrecent heart surgery"),
        ("exclusion", "Frail patients (unintended\nweight loss, long term fatigue)"),
    ]


def test_complete_lines_stay_separate_criteria() -> None:
    text = (
        "Inclusion Criteria:\n\n"
        "Age 18 years or older\n"
        "Diagnosis of type 2 diabetes\n"
        "OR\n"
        "Diagnosis of prediabetes\n"
    )
    assert [t for _, t in _texts(text)] == [
        "Age 18 years or older",
        "Diagnosis of type 2 diabetes",
        "OR",
        "Diagnosis of prediabetes",
    ]


def test_a_wrapped_age_range_keeps_both_bounds() -> None:
    text = "Exclusion Criteria:\n\nPatients aged under 18 or\nover 75 years\n"
    [node] = compile_outline(parse_outline(text))
    assert node.criterion is not None
    assert signature(node.criterion) == "any-of(age:<18a, age:>75a)"


def test_the_wrapped_allergy_is_read_whole() -> None:
    text = "Exclusion Criteria:\n\nKnown allergy to\npenicillin\n"
    [node] = compile_outline(parse_outline(text))
    assert node.criterion is not None and signature(node.criterion) == "allergy:penicillin"
