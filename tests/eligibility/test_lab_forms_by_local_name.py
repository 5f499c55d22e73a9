"""Results exported with only the laboratory's local code, named for another form of the analyte
(issue 13, red team).

An Epic or Cerner result whose local code has no LOINC mapping is found by its name. "BILIRUBIN
DIRECT", "FREE HEMOGLOBIN, PLASMA", "NEUTROPHILS" in %, "Calcium, Ionized" were read as the
total bilirubin, the blood hemoglobin, the absolute neutrophil count and the serum calcium, and
being the newest result they decided: a direct bilirubin met a total-bilirubin bound the total
fails, a plasma free hemoglobin of 5 mg/dL met "hemoglobin < 8 g/dL" (a wrong `ineligible`), a
differential in % hid the absolute count.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.evaluation.facts import observation_text_concepts
from tests.eligibility.ehr_records import LOINC, observation, patient, record, result_of

EPIC_LAB = "urn:oid:1.2.840.114350.1.13.0.1.7.2.768282"


def _local(name: str, day: str, **value: Any) -> dict[str, Any]:
    """A result with the laboratory's local code and name only (no LOINC)."""
    result = observation((EPIC_LAB, "70001", name), day, **value)
    result["code"]["text"] = name
    return result


def _range(low: float, high: float, unit: str) -> list[dict[str, Any]]:
    return [{"low": {"value": low, "unit": unit}, "high": {"value": high, "unit": unit}}]


TOTAL_BILIRUBIN_HIGH = observation(
    (LOINC, "1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"),
    "2026-11-20",
    valueQuantity={"value": 4.0, "unit": "mg/dL"},
    referenceRange=_range(0.2, 1.2, "mg/dL"),
)
DIRECT_BILIRUBIN = _local(
    "BILIRUBIN DIRECT",
    "2026-11-26",
    valueQuantity={"value": 0.3, "unit": "mg/dL"},
    referenceRange=_range(0.0, 0.3, "mg/dL"),
)
HEMOGLOBIN = observation(
    (LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood"),
    "2026-11-20",
    valueQuantity={"value": 12.1, "unit": "g/dL"},
)
FREE_HEMOGLOBIN = _local(
    "FREE HEMOGLOBIN, PLASMA", "2026-11-26", valueQuantity={"value": 5, "unit": "mg/dL"}
)
HBA1C_LOCAL = _local("HGB A1C", "2026-11-26", valueQuantity={"value": 6.1, "unit": "%"})
ANC = _local("NEUTROPHILS ABSOLUTE", "2026-11-20", valueQuantity={"value": 2.1, "unit": "K/uL"})
NEUTROPHIL_SHARE = _local("NEUTROPHILS", "2026-11-26", valueQuantity={"value": 55, "unit": "%"})


def _result(text: str, *resources: dict[str, Any], exclusion: bool = False) -> str:
    criterion = compile_criterion(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


def test_a_direct_bilirubin_is_not_the_total_bilirubin() -> None:
    # NCT03867682: the total is 3.3 × ULN; the newer direct bilirubin at its ULN decides nothing.
    assert _result("Bilirubin ≤ 3.0 x ULN", TOTAL_BILIRUBIN_HIGH, DIRECT_BILIRUBIN) == "not-met"
    assert _result("Bilirubin ≤ 3.0 x ULN", DIRECT_BILIRUBIN) == "unknown"


def test_a_plasma_free_hemoglobin_is_not_the_blood_hemoglobin() -> None:
    # NCT03861949 excludes "hemoglobin <8 gm/dL": 12.1 g/dL in blood, not 5 mg/dL free in plasma.
    both = (HEMOGLOBIN, FREE_HEMOGLOBIN)
    assert _result("hemoglobin <8 gm/dL", *both, exclusion=True) == "not-met"
    assert _result("hemoglobin <8 gm/dL", FREE_HEMOGLOBIN, exclusion=True) == "unknown"


def test_a_newer_hba1c_does_not_hide_the_hemoglobin() -> None:
    assert _result("hemoglobin <8 gm/dL", HEMOGLOBIN, HBA1C_LOCAL, exclusion=True) == "not-met"


def test_a_differential_in_percent_does_not_hide_the_absolute_count() -> None:
    # NCT03796507 "Absolute neutrophil count > 1.5 x103/uL".
    text = "Absolute neutrophil count > 1.5 x103/uL"
    assert _result(text, ANC, NEUTROPHIL_SHARE) == "met"
    assert _result(text, NEUTROPHIL_SHARE) == "unknown"


@pytest.mark.parametrize(
    ("name", "concept"),
    [
        ("Bilirubin, Indirect", "bilirubin"),
        ("Bilirubin, Conjugated", "bilirubin"),
        ("Calcium, Ionized", "calcium"),
        ("% Free PSA", "psa"),
        ("PSA, Free", "psa"),
        ("Testosterone, Free", "testosterone"),
        ("Vitamin D, 1,25-Dihydroxy", "vitamin-d"),
        ("Magnesium, RBC", "magnesium"),
        ("BUN/Creatinine Ratio", "creatinine"),
        ("Albumin/Globulin Ratio", "albumin"),
        ("Calcium x Phosphorus Product", "calcium"),
        ("Lymphocytes %", "lymphocytes"),
        ("TSH Receptor Antibody", "tsh"),
        ("Hemoglobin A2", "hemoglobin"),
        ("Reticulocyte Hemoglobin", "hemoglobin"),
    ],
)
def test_another_form_ratio_or_share_is_not_the_analyte(name: str, concept: str) -> None:
    assert concept not in observation_text_concepts(name)


@pytest.mark.parametrize(
    ("name", "concept"),
    [
        ("Bilirubin, Total", "bilirubin"),
        ("TOTAL BILIRUBIN", "bilirubin"),
        ("Calcium", "calcium"),
        ("Calcium, corrected", "calcium"),
        ("PSA, Total", "psa"),
        ("Testosterone, Total", "testosterone"),
        ("Vitamin D, 25-Hydroxy", "vitamin-d"),
        ("HGB", "hemoglobin"),
        ("Hemoglobin, blood gas", "hemoglobin"),
        ("Hemoglobin A1c", "hba1c"),
        ("Hematocrit %", "hematocrit"),
        ("Albumin/Creatinine Ratio, Urine", "uacr"),
        ("Protime INR", "inr"),
        ("Neutrophils Absolute", "anc"),
    ],
)
def test_the_analyte_itself_is_still_read(name: str, concept: str) -> None:
    assert concept in observation_text_concepts(name)
