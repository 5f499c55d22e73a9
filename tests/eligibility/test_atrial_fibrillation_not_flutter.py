"""Atrial fibrillation is not atrial flutter.

The `atrial-fibrillation` concept held the whole ICD-10-CM category I48 "Atrial fibrillation and
flutter", so the exclusion "Atrial fibrillation" was met by a problem list with only typical
atrial flutter (I48.3) or unspecified atrial flutter (I48.92): the patient was called
ineligible for a study that does not exclude flutter. The concept is now the fibrillation codes
(I48.0, I48.1*, I48.2*, I48.91); "atrial fibrillation or flutter" names both, any-of.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility import terminology
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature

FLUTTER = condition("Atrial flutter", (ICD, "I48.92", "Unspecified atrial flutter"))
TYPICAL_FLUTTER = condition("Typical atrial flutter", (ICD, "I48.3", "Typical atrial flutter"))
PAROXYSMAL_AF = condition("PAF", (ICD, "I48.0", "Paroxysmal atrial fibrillation"))
PERMANENT_AF = condition("Permanent AF", (ICD, "I48.21", "Permanent atrial fibrillation"))


def _exclusion(text: str) -> str | None:
    return bullet_signature(text)


def test_the_concept_holds_the_fibrillation_codes_only() -> None:
    codes = {
        c.code
        for c in terminology.terminology().concept("atrial-fibrillation").codings
        if c.system == ICD
    }
    assert codes == {"I48.0", "I48.1*", "I48.2*", "I48.91"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Atrial fibrillation", "condition:atrial-fibrillation"),
        (
            "Atrial fibrillation or flutter",
            "any-of(condition:atrial-fibrillation, condition:atrial-flutter)",
        ),
        (
            "Atrial fibrillation/flutter",
            "any-of(condition:atrial-fibrillation, condition:atrial-flutter)",
        ),
        (
            "Atrial fibrillation or atrial flutter",
            "any-of(condition:atrial-fibrillation, condition:atrial-flutter)",
        ),
    ],
)
def test_flutter_is_read_only_where_the_text_names_it(text: str, expected: str) -> None:
    assert _exclusion(text) == expected


@pytest.mark.parametrize("flutter", [FLUTTER, TYPICAL_FLUTTER])
def test_atrial_flutter_does_not_rule_out_for_atrial_fibrillation(flutter: dict) -> None:
    text = criteria_text(["Age 18 or older"], ["Atrial fibrillation"])
    assert verdict_of_study(text, record(patient(), flutter)) != "ineligible"


@pytest.mark.parametrize("fibrillation", [PAROXYSMAL_AF, PERMANENT_AF])
def test_atrial_fibrillation_still_rules_out(fibrillation: dict) -> None:
    text = criteria_text(["Age 18 or older"], ["Atrial fibrillation"])
    assert verdict_of_study(text, record(patient(), fibrillation)) == "ineligible"


def test_atrial_fibrillation_or_flutter_rules_out_flutter() -> None:
    text = criteria_text(["Age 18 or older"], ["Atrial fibrillation or flutter"])
    assert verdict_of_study(text, record(patient(), TYPICAL_FLUTTER)) == "ineligible"
