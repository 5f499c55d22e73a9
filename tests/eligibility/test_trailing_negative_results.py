"""A result word ending a list of infections belongs to every item (`rules.trailing_results`).

"Hepatitis B, hepatitis C and HIV serology negative" compiled to all-of(HBV, HCV, NOT HIV): the
serology reader gave "negative" to HIV only and the items before it read as diagnoses the
patient must have, so every patient without hepatitis was ineligible. Until each item's result
is read, such a bullet stays text; the forms that say the result once for the whole list ("Negative
serology for hepatitis B, hepatitis C and HIV") and single results keep their readings.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    patient,
    record,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    "bullet",
    [
        "Hepatitis B, hepatitis C and HIV serology negative",
        "HBV, HCV and HIV negative",
        "HIV, hepatitis B and hepatitis C negative.",
        "Hepatitis B and HIV seronegative",
    ],
)
def test_a_result_after_a_list_leaves_the_bullet_text(bullet: str) -> None:
    assert compile_text(bullet) is None


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Negative serology for hepatitis B, hepatitis C and HIV",
            "all-of(NOT condition:hbv, NOT condition:hcv, NOT condition:hiv)",
        ),
        ("HIV negative", "NOT condition:hiv"),
        ("HBsAg negative", "NOT biomarker:hbsag:positive"),
    ],
)
def test_a_result_said_once_for_all_or_for_one_item_keeps_its_reading(
    bullet: str, expected: str
) -> None:
    read = compile_text(bullet)
    assert read is not None and signature(read) == expected


def test_a_patient_without_hepatitis_is_not_ruled_out() -> None:
    asthma = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
    person = record(patient(), asthma)
    bullet = "Hepatitis B, hepatitis C and HIV serology negative"
    assert verdict_of_inclusion_bullet(bullet, person) == "potential-candidate"
