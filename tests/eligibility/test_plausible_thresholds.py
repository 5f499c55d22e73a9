"""A threshold no measured value lies near is a unit slip: the bullet stays text
(`rules.plausible_values`).

"Hemoglobin greater that 7 g/L" compiled to hemoglobin > 0.7 g/dL: every patient met the
inclusion, and its twin exclusion "Hb less that 7 g/L" (< 0.7 g/dL) excluded nobody, so a
patient with a haemoglobin of 6.5 g/dL was called eligible for a study that meant to leave them
out. Whether the writer meant 7 g/dL or 70 g/L the text does not say."""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    LOINC,
    criteria_text,
    observation,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature


def _compiled(section: str, text: str) -> str | None:
    return bullet_signature(text, section)


@pytest.mark.parametrize(
    ("section", "text"),
    [
        ("Inclusion", "Hemoglobin greater that 7 g/L."),
        ("Exclusion", "Hb less that 7 g/L."),
        ("Exclusion", "Hemoglobin < 8.0 g/l"),
        ("Inclusion", "Platelets >= 100 /uL"),
        ("Exclusion", "Serum creatinine > 1.5 umol/L"),
        ("Exclusion", "Albumin < 3 g/L"),
        ("Exclusion", "HbA1c > 48 %"),
        ("Exclusion", "Serum potassium > 55 mmol/L"),
    ],
)
def test_a_threshold_no_value_lies_near_stays_text(section: str, text: str) -> None:
    assert _compiled(section, text) is None


@pytest.mark.parametrize(
    ("section", "text", "expected"),
    [
        ("Inclusion", "Hemoglobin >= 90 g/L", "lab:hemoglobin:>=9g/dL"),
        ("Exclusion", "Albumin < 30 g/L", "lab:albumin:<3g/dL"),
        ("Exclusion", "ANC < 500/mm3", "lab:anc:<0.510*3/uL"),
        ("Exclusion", "Platelets < 10,000/uL", "lab:platelets:<1010*3/uL"),
        ("Exclusion", "serum creatinine >152μmol/l", "lab:creatinine:>152umol/L"),
        ("Exclusion", "HbA1c above 48mmol/mol", "lab:hba1c:>48mmol/mol"),
    ],
)
def test_a_threshold_in_the_range_of_measured_values_is_read(
    section: str, text: str, expected: str
) -> None:
    assert _compiled(section, text) == expected


def test_a_patient_with_a_haemoglobin_of_6_5_is_not_called_eligible() -> None:
    anaemic = record(
        patient(),
        observation(
            (LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood"),
            "2026-11-20",
            valueQuantity={"value": 6.5, "unit": "g/dL", "system": "http://unitsofmeasure.org"},
        ),
    )
    text = criteria_text(["Age 18 or older", "Hemoglobin greater that 7 g/L."], [])
    assert verdict_of_study(text, anaemic) != "eligible"
    text = criteria_text(["Age 18 or older"], ["Hb less that 7 g/L."])
    assert verdict_of_study(text, anaemic) != "eligible"
