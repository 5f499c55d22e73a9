"""Hepatitis viruses listed by their letters (`rules.virus_letters`).

What a user notices: "Hepatitis B, C or HIV" excludes a patient with hepatitis C on record (the
"C" was lost before: any-of(hepatitis B, HIV, TEXT)), "Known hepatitis A, B or C" is read at
all, and "Negative for hepatitis B, C and HIV" asks for none of the three. What must not happen:
a result word after the list ("… serology negative") read as the first viruses present, or the
article "a" read as hepatitis A.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from fhirtrial.eligibility.rules.virus_letters import letters_written_out
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature
from tools.partial_compile_report import describe

_D = "condition:icd10cm:B16.0+B16.1+B17.0+B18.0"


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        # NCT03927157: read any-of(hepatitis B, HIV, TEXT) before, in full now
        ("Hepatitis B, C or HIV.", "any-of(condition:hbv, condition:hcv, condition:hiv)"),
        (
            "Known hepatitis A, B or C",
            "any-of(condition:icd10cm:B15, condition:hbv, condition:hcv)",
        ),
        (
            "History of HIV, hepatitis B, C or D infection",
            f"any-of(condition:hiv, condition:hbv, condition:hcv, {_D})",
        ),
        ("Hepatitis C, B", "any-of(condition:hcv, condition:hbv)"),
        # "and" among the examples of a class: each an example of its own
        (
            "Infections such as hepatitis B, C and D",
            f"any-of(condition:hbv, condition:hcv, {_D}, text)",
        ),
        (
            "Hepatitis B, C and/or E",
            "any-of(condition:hbv, condition:hcv, condition:icd10cm:B17.2)",
        ),
        # the pair the conditions finder reads itself, unchanged
        ("Hepatitis B or C", "any-of(condition:hbv, condition:hcv)"),
    ],
)
def test_an_exclusion_lists_each_virus(bullet: str, expected: str) -> None:
    assert bullet_signature(bullet, "Exclusion") == expected


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Negative for hepatitis B, C and HIV",
            "all-of(NOT condition:hbv, NOT condition:hcv, NOT condition:hiv)",
        ),
        (
            "Negative for hepatitis A, B and C",
            "all-of(NOT condition:icd10cm:B15, NOT condition:hbv, NOT condition:hcv)",
        ),
    ],
)
def test_negative_for_each_virus_of_an_inclusion(bullet: str, expected: str) -> None:
    assert bullet_signature(bullet, "Inclusion") == expected


def test_the_judgement_of_the_class_goes_with_each_virus() -> None:
    criterion = compile_text(
        "Any known severe infection like HIV, hepatitis A, B and C.", exclusion=True, partial=True
    )
    assert criterion is not None
    assert describe(criterion) == (
        "any-of(condition:hiv[severe], condition:icd10cm:B15[severe], condition:hbv[severe], "
        "condition:hcv[severe], TEXT)"
    )


def test_an_and_list_of_an_exclusion_is_left_as_written() -> None:
    # co-infection only, or either virus? "and" outside examples is left as written
    assert bullet_signature("Patients with Hepatitis C & b", "Exclusion") is None
    assert letters_written_out("hepatitis b, c and d") is None


@pytest.mark.parametrize(
    "bullet",
    [
        # a result word after the list: written out, the first viruses would read as present
        "Hepatitis B, C and HIV serology negative",
        "Hepatitis A, B, C non-reactive",
    ],
)
def test_a_result_after_the_list_stays_text(bullet: str) -> None:
    assert bullet_signature(bullet, "Inclusion") is None


def test_the_article_a_is_no_letter() -> None:
    assert letters_written_out("hepatitis b or a positive hbsag") is None
    assert letters_written_out("hepatitis b, c or a") == "hepatitis b, hepatitis c or hepatitis a"


def test_written_out() -> None:
    assert letters_written_out("hepatitis b, c or hiv") == "hepatitis b, hepatitis c or hiv"
    assert letters_written_out("hepatitis c&b") is None
    assert letters_written_out("such as hepatitis c&b") == "such as hepatitis c and hepatitis b"
    assert letters_written_out("hepatitis b/c") is None  # the finders' own pair
    assert letters_written_out("asthma") is None


HEPATITIS_C = condition("Chronic hepatitis C", (ICD, "B18.2", "Chronic viral hepatitis C"))


def test_hepatitis_c_on_record_excludes() -> None:
    text = criteria_text(["Age 18 years or older"], ["Hepatitis B, C or HIV."])
    assert verdict_of_study(text, record(patient(), HEPATITIS_C)) == "ineligible"


def test_hepatitis_c_on_record_fails_negative_for_each() -> None:
    bullet = "Negative for hepatitis B, C and HIV"
    assert verdict_of_inclusion_bullet(bullet, record(patient(), HEPATITIS_C)) == "ineligible"
