"""Lab units and reference ranges as US laboratory systems export them (issue 13, red team).

Epic, Cerner and the reference laboratories feeding them write units their own way ("cells/uL",
"x10(3)/mcL", "K/cumm", "THOU/uL", "gm/dL", "mL/min/1.73 m2") and a reference range as text
only ("10-40 U/L") or as bounds without a unit. Each was "unit cannot be compared" or "no
reference range": `unknown` for a value that decides. Only spellings with one meaning are read
("G/L" and "mIU/mL" stay unknown).
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.evaluation.units import convert
from tests.eligibility.ehr_records import LOINC, observation, patient, record, result_of

ANC = (LOINC, "751-8", "Neutrophils [#/volume] in Blood by Automated count")
HEMOGLOBIN = (LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood")
BILIRUBIN = (LOINC, "1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma")


def _result(text: str, *resources: dict[str, Any], exclusion: bool = False) -> str:
    criterion = compile_criterion(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (2100, "cells/uL", "met"),
        (1200, "cells/uL", "not-met"),
        (2.1, "x10(3)/mcL", "met"),
        (2.1, "K/cumm", "met"),
        (2.1, "THOU/uL", "met"),
        (1.2, "x10^3/uL", "not-met"),
        (2.1, "G/L", "unknown"),
    ],
)
def test_a_neutrophil_count_in_the_units_laboratories_write(value, unit, expected) -> None:
    # NCT03796507 "Absolute neutrophil count > 1.5 x103/uL".
    anc = observation(ANC, "2026-11-20", valueQuantity={"value": value, "unit": unit})
    assert _result("Absolute neutrophil count > 1.5 x103/uL", anc) == expected


@pytest.mark.parametrize("unit", ["gm/dL", "GM/DL", "g/dl", "gr/dL"])
def test_a_hemoglobin_in_grams_however_spelt(unit) -> None:
    # NCT03861949 excludes "hemoglobin <8 gm/dL".
    hemoglobin = observation(HEMOGLOBIN, "2026-11-20", valueQuantity={"value": 7.1, "unit": unit})
    assert _result("hemoglobin <8 gm/dL", hemoglobin, exclusion=True) == "met"


@pytest.mark.parametrize(
    ("reference_range", "expected"),
    [
        ([{"text": "0.2-1.2 mg/dL"}], "met"),
        ([{"text": "0.2 - 1.2"}], "met"),
        ([{"text": "<1.2"}], "met"),
        ([{"low": {"value": 0.2}, "high": {"value": 1.2}}], "met"),
        ([{"text": "Normal"}], "unknown"),
        ([], "unknown"),
    ],
    ids=["text with unit", "text", "upper bound text", "bounds without unit", "words", "none"],
)
def test_the_upper_limit_of_normal_from_the_range_as_written(reference_range, expected) -> None:
    # NCT03867682 "Bilirubin ≤ 3.0 x ULN": 2.0 mg/dL against a ULN of 1.2 mg/dL is 1.7 × ULN.
    bilirubin = observation(
        BILIRUBIN,
        "2026-11-20",
        valueQuantity={"value": 2.0, "unit": "mg/dL"},
        referenceRange=reference_range,
    )
    assert _result("Bilirubin ≤ 3.0 x ULN", bilirubin) == expected


def test_a_text_range_above_the_value_fails_a_tight_bound() -> None:
    bilirubin = observation(
        BILIRUBIN,
        "2026-11-20",
        valueQuantity={"value": 4.0, "unit": "mg/dL"},
        referenceRange=[{"text": "0.2-1.2 mg/dL"}],
    )
    assert _result("Bilirubin ≤ 3.0 x ULN", bilirubin) == "not-met"


@pytest.mark.parametrize(
    ("value", "unit", "target", "expected"),
    [
        (75, "mL/min/1.73 m2", "mL/min", 75),
        (25, "units/L", "U/L", 25),
        (4.5, "mill/uL", "10*6/uL", 4.5),
        (30, "sec", "s", 30),
        (5, "mIU/mL", "mIU/L", None),  # milli-IU per mL is 1,000 mIU/L: not a spelling
        (180, "G/L", "10*3/uL", None),  # giga per litre or grams per litre
    ],
)
def test_unit_spellings_convert_only_when_they_have_one_meaning(value, unit, target, expected):
    assert convert(value, unit, target) == expected
