"""Labs and vital signs as development bullets write them: units (µmol/L, /µL, cells/mm3,
×10^9/L, g/L, mmol/L, mmol/mol, pounds), ranges and pairs of bounds, the disorder a threshold
defines ("Renal insufficiency (GFR < 30 mL/min)"), blood pressure, heart rate and body weight —
and records written as EHRs write them (a blood-pressure panel with components, results in
another unit, a local code) meet them, fail them, or leave them unknown."""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    observation,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature

SBP = "lab:systolic-bp"
DBP = "lab:diastolic-bp"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # Units the rules did not read.
        ("A serum creatinine concentration of > 110 μmol/L", True, "lab:creatinine:>110umol/L"),
        ("neutrophil count of < 500/μL.", True, "lab:anc:<0.510*3/uL"),
        ("Absolute neutrophil count <1500 cells/mm3 at Screening.", True, "lab:anc:<1.510*3/uL"),
        ("Absolute Neutrophil Count < 500/mm³", True, "lab:anc:<0.510*3/uL"),
        (
            "Patients with a baseline platelet count of <100x109/L",
            True,
            "lab:platelets:<10010*3/uL",
        ),
        ("hemoglobin <8 gm/dL", True, "lab:hemoglobin:<8g/dL"),
        ("Subjects with hemoglobin Hb <12g / dl (at screening)", True, "lab:hemoglobin:<12g/dL"),
        ("Hyponatremia (serum sodium ≤128 mEq/L)", True, "lab:sodium:<=128mmol/L"),
        ("Alanine transaminase < 135 U/L", False, "lab:alt:<135U/L"),
        # A restatement in another unit must agree: 47 mmol/mol is 6.45%. The bound is the one
        # in the unit records hold HbA1c in (NGSP %), so no conversion moves a result across it.
        ("Hemoglobin A1c (HbA1c) >47mmol/mol (>6.4%)", True, "lab:hba1c:>6.4%"),
        ("Hemoglobin A1c (HbA1c) >47mmol/mol (>8%)", True, None),
        ("A current weight of less than 45 kilograms (100 pounds)", True, "lab:body-weight:<45kg"),
        # Ranges and two bounds.
        ("A1c result ≥8.0% and ≤12.0%", False, "all-of(lab:hba1c:>=8%, lab:hba1c:<=12%)"),
        (
            "Serum Glucose 100-126 mg/dl",
            False,
            "all-of(lab:glucose:>=100mg/dL, lab:glucose:<=126mg/dL)",
        ),
        (
            "blood glucose <50 or > 400 mg/dL.",
            True,
            "any-of(lab:glucose:<50mg/dL, lab:glucose:>400mg/dL)",
        ),
        # The disorder a threshold defines is that threshold.
        ("Anemia (Hb < 100 g/l);", True, "lab:hemoglobin:<10g/dL"),
        ("Renal insufficiency (GFR < 30 ml/min/1.73m^2)", True, "lab:egfr-lab:<30mL/min/{1.73_m2}"),
        (
            "Adequate renal function: serum creatinine ≤ 1.5mg/dL",
            False,
            "lab:creatinine:<=1.5mg/dL",
        ),
        (
            # The disease and the value that stages it (test_clause_scope.py).
            "Chronic kidney disease stage 3 (estimate glomerular filtration rate 30-59 mL/min/1.73"
            " m2).",
            False,
            "all-of(condition:chronic-kidney-disease, all-of(lab:egfr-lab:>=30mL/min/{1.73_m2}, "
            "lab:egfr-lab:<=59mL/min/{1.73_m2}))",
        ),
        (
            "Adequate liver functions: Transaminase (AST/ALT) < 3 X upper normal value & Bilirubin"
            " < 2 X upper normal value",
            False,
            "all-of(all-of(lab:ast:<3xULN, lab:alt:<3xULN), lab:bilirubin:<2xULN)",
        ),
        (
            "Cytopenia (Neutrophil count < 1500/mm3; Platelet count< 100000/mm3; Hemoglobin"
            " <9g/dL)",
            True,
            "any-of(lab:anc:<1.510*3/uL, lab:platelets:<10010*3/uL, lab:hemoglobin:<9g/dL)",
        ),
        # Blood pressure: raised when either pressure is, controlled when both are. The disease
        # the two values define is required too, as with one value or "160/100" below
        # (test_label_with_two_values.py).
        (
            "uncontrolled hypertension (systolic > 160 or diastolic > 100 mmHg)",
            True,
            f"all-of(condition:hypertension, any-of({SBP}:>160mm[Hg], {DBP}:>100mm[Hg]))",
        ),
        (
            "systolic > 160 or diastolic > 100 mmHg",
            True,
            f"any-of({SBP}:>160mm[Hg], {DBP}:>100mm[Hg])",
        ),
        (
            # The disease the value defines is required too: one high reading without
            # hypertension is not "uncontrolled hypertension" (test_clause_scope.py).
            "uncontrolled hypertension (BP > 160/100 mmHg)",
            True,
            f"all-of(condition:hypertension, any-of({SBP}:>160mm[Hg], {DBP}:>100mm[Hg]))",
        ),
        (
            "uncontrolled hypertension (BP > 160/100 mmHg)",
            False,
            f"all-of(condition:hypertension, any-of({SBP}:>160mm[Hg], {DBP}:>100mm[Hg]))",
        ),
        (
            "Systolic/diastolic blood pressure < 140/90",
            False,
            f"all-of({SBP}:<140mm[Hg], {DBP}:<90mm[Hg])",
        ),
        (
            # The hypertension these values define: one high reading is not it.
            "Hypertension (≥140 mmHg systolic and/or ≥90 mmHg diastolic)",
            True,
            f"all-of(condition:hypertension, any-of({SBP}:>=140mm[Hg], {DBP}:>=90mm[Hg]))",
        ),
        (
            "Systolic blood pressure < 110 mmHg or > 180 mmHg;",
            True,
            f"any-of({SBP}:<110mm[Hg], {SBP}:>180mm[Hg])",
        ),
        (
            "resting heart rate 50 to 100 beats per minute",
            False,
            "all-of(lab:heart-rate:>=50/min, lab:heart-rate:<=100/min)",
        ),
        ("Weight ≥325 pounds,", True, "lab:body-weight:>=325[lb_av]"),
        ("Body weight < 30 kg", True, "lab:body-weight:<30kg"),
        # Birth weight is its own measurement (LOINC 8339-4), never the body weight.
        ("Birthweight <1500 g", False, "lab:birth-weight:<1500g"),
        # A weight change is never the body weight: a loss over a period is its own reading.
        (
            "Weight loss > 5 kg in the last 6 months",
            True,
            "lab:body-weight-loss:>5kg:w-183,0,enrollment",
        ),
        # Stay text: another pressure, a negated label, a pressure that must hold over time.
        ("Pulmonary artery systolic pressure > 50 mmHg", False, None),
        ("No anemia (hemoglobin < 10 g/dL)", False, None),
        ("HR >= 1", False, None),
        ("Blood pressure consistently > 150/90 on antihypertensive therapy", True, None),
    ],
)
def test_lab_and_vital_bullets_compile_to_the_expected_criterion(text, exclusion, expected):
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def _blood_pressure(day: str, systolic: float, diastolic: float) -> dict:
    """A vital-signs blood pressure panel, as Epic and Cerner send it."""
    panel = observation((LOINC, "85354-9", "Blood pressure panel"), day)
    panel["component"] = [
        {
            "code": {"coding": [{"system": LOINC, "code": code, "display": name}]},
            "valueQuantity": _quantity(value, "mm[Hg]"),
        }
        for code, name, value in (
            ("8480-6", "Systolic blood pressure", systolic),
            ("8462-4", "Diastolic blood pressure", diastolic),
        )
    ]
    return panel


def _lab(code: tuple[str, str, str] | str, day: str, value: float, unit: str) -> dict:
    return observation(code, day, valueQuantity=_quantity(value, unit))


CREATININE = (LOINC, "2160-0", "Creatinine [Mass/volume] in Serum or Plasma")
HBA1C = (LOINC, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood")
WEIGHT = (LOINC, "29463-7", "Body weight")
TRIGLYCERIDES = (LOINC, "2571-8", "Triglyceride [Mass/volume] in Serum or Plasma")
HYPERTENSION = "uncontrolled hypertension (systolic > 160 or diastolic > 100 mmHg)"
HTN_DX = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))


def _result(text: str, *resources: dict, exclusion: bool = True) -> str:
    criterion = compile_criterion(text, exclusion=exclusion)
    assert criterion is not None
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("text", "resources", "result"),
    [
        # Blood pressure from the panel's components; either pressure above its bound excludes
        # (a hypertensive patient: the label requires the disease).
        (
            HYPERTENSION,
            (
                HTN_DX,
                _blood_pressure("2026-11-20", 150, 105),
            ),
            "met",
        ),
        (
            HYPERTENSION,
            (
                HTN_DX,
                _blood_pressure("2026-11-20", 170, 80),
            ),
            "met",
        ),
        (
            HYPERTENSION,
            (
                HTN_DX,
                _blood_pressure("2026-11-20", 140, 90),
            ),
            "not-met",
        ),
        (HYPERTENSION, (HTN_DX,), "unknown"),
        # The latest reading decides; a reading older than 90 days decides nothing.
        (
            HYPERTENSION,
            (
                HTN_DX,
                _blood_pressure("2026-11-25", 130, 80),
                _blood_pressure("2026-10-01", 180, 110),
            ),
            "not-met",
        ),
        (
            HYPERTENSION,
            (
                HTN_DX,
                _blood_pressure("2026-01-05", 180, 110),
            ),
            "unknown",
        ),
        # Creatinine in µmol/L against results in mg/dL (× 88.4): 1.5 mg/dL = 133 µmol/L.
        (
            "A serum creatinine concentration of > 110 μmol/L",
            (_lab(CREATININE, "2026-11-20", 1.5, "mg/dL"),),
            "met",
        ),
        (
            "A serum creatinine concentration of > 110 μmol/L",
            (_lab(CREATININE, "2026-11-20", 1.0, "mg/dL"),),
            "not-met",
        ),
        # A local code: the result is found by its words and converted by the criterion's
        # analyte.
        (
            "A serum creatinine concentration of > 110 μmol/L",
            (_lab("Creatinine, serum", "2026-11-20", 1.5, "mg/dL"),),
            "met",
        ),
        # HbA1c in mmol/mol against % (IFCC–NGSP master equation): 7.0% = 53 mmol/mol.
        ("HbA1c > 47 mmol/mol", (_lab(HBA1C, "2026-11-20", 7.0, "%"),), "met"),
        ("HbA1c > 47 mmol/mol", (_lab(HBA1C, "2026-11-20", 6.0, "%"),), "not-met"),
        # Pounds and kilograms: 110 lb = 49.9 kg, 90 lb = 40.8 kg.
        ("Body weight < 45 kg", (_lab(WEIGHT, "2026-11-20", 110, "[lb_av]"),), "not-met"),
        ("Body weight < 45 kg", (_lab(WEIGHT, "2026-11-20", 90, "[lb_av]"),), "met"),
        ("Body weight < 45 kg", (), "unknown"),
        # No exact factor between mmol/L and mg/dL for triglycerides: never a guess.
        (
            "Triglycerides > 500 mg/dL",
            (_lab(TRIGLYCERIDES, "2026-11-20", 7.0, "mmol/L"),),
            "unknown",
        ),
        ("Triglycerides > 500 mg/dL", (_lab(TRIGLYCERIDES, "2026-11-20", 620, "mg/dL"),), "met"),
    ],
)
def test_records_meet_labs_and_vitals_in_the_units_they_write(text, resources, result):
    assert _result(text, *resources) == result
