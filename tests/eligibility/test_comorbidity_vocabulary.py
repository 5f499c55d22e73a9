"""Issue 13: comorbidities and labs that real bullets name compile, and records coded the way
EHRs code them (ICD-10-CM, SNOMED CT, LOINC) meet them or not."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.model import Criterion
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    SNOMED,
    condition,
    observation,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # Real development bullets.
        ("Diabetes mellitus,", True, "condition:diabetes-mellitus"),
        ("Have Type II diabetes", False, "condition:diabetes-type-2"),
        ("Insulin dependent diabetes", True, "condition:diabetes-type-1"),
        (
            "Presence of type I or type II diabetes mellitus",
            False,
            "any-of(condition:diabetes-type-1, condition:diabetes-type-2)",
        ),
        ("Uncontrolled hypertension", True, "condition:hypertension"),
        ("Patients with congestive heart failure.", True, "condition:heart-failure"),
        (
            "Myocardial infarction within 6 months",
            True,
            "condition:myocardial-infarction:w-183,0,enrollment",
        ),
        ("Haemorrhagic stroke.", True, "condition:stroke-hemorrhagic"),
        ("Stroke/TIA,", False, "any-of(condition:stroke, condition:transient-ischemic-attack)"),
        ("patient with history of epilepsy", True, "condition:epilepsy"),
        ("diagnosed as dementia", True, "condition:dementia"),
        ("Patients with inflammatory bowel disease", True, "condition:inflammatory-bowel-disease"),
        ("Diagnosed with COPD", False, "condition:copd"),
        ("Previously diagnosed liver cirrhosis", True, "condition:liver-cirrhosis"),
        ("Evidence of active tuberculosis (TB)", True, "condition:tuberculosis"),
        ("Patients with unstable angina", True, "condition:unstable-angina"),
        ("Chronic kidney disease;", True, "condition:chronic-kidney-disease"),
        (
            "Active hepatitis B or C or tuberculosis",
            True,
            "any-of(any-of(condition:hbv, condition:hcv), condition:tuberculosis)",
        ),
        ("BMI > 35 kg/m²", True, "lab:bmi:>35kg/m2"),
        ("Hemoglobin A1c ≥6.5%", True, "lab:hba1c:>=6.5%"),
        ("Serum potassium >5.0 mmol/L", True, "lab:potassium:>5mmol/L"),
        (
            "Estimated creatinine clearance ≥ 50 mL/min",
            False,
            "lab:creatinine-clearance:>=50mL/min",
        ),
        (
            "Has estimated glomerular filtration rate (eGFR) ≤30 mL/min/1.73 m^2",
            True,
            "lab:egfr-lab:<=30mL/min/{1.73_m2}",
        ),
        # Phrasing the issue names.
        (
            "ANC >= 1500 cells/uL (obtained within 14 days prior to registration)",
            False,
            "lab:anc:>=1.510*3/uL:w-14,0,enrollment",
        ),
        ("LVEF >= 50% measured by MUGA or echo", False, "lab:lvef:>=50%"),
        ("INR <= 1.5", False, "lab:inr:<=1.5"),
        ("Lipase <= 1.5 x ULN", False, "lab:lipase:<=1.5xULN"),
        ("QTc > 470 ms", True, "lab:qtc:>470ms"),
        # Fasting glucose is a test of its own (LOINC 1558-6), in the unit the text gives.
        ("Fasting blood glucose <6.0 mmol/L", False, "lab:fasting-glucose:<6mmol/L"),
        # A diagnosis of a pregnancy of its own (rules.obstetric), never diabetes mellitus.
        ("Gestational diabetes", True, "condition:gestational-diabetes"),
        # QTcF (Fridericia) is its own measurement, never the QTc of any correction (8636-3).
        ("QTcF > 470 msec", True, "lab:qtcf:>470ms"),
        # Stay text: the words left over carry meaning.
        ("A personal or family history of epilepsy", True, None),
    ],
)
def test_real_bullets_compile_to_the_expected_criterion(text, exclusion, expected) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


def test_a_leading_negation_covers_the_whole_list() -> None:
    assert signature(compile_criterion("No history of stroke or myocardial infarction")) == (
        "all-of(NOT condition:stroke, NOT condition:myocardial-infarction)"
    )


def test_a_qualifier_in_front_of_an_or_list_holds_for_each_item() -> None:
    criterion = compile_criterion("Uncontrolled hypertension or diabetes", exclusion=True)
    assert criterion is not None
    assert [c.qualifiers for c in criterion.children] == [("uncontrolled",), ("uncontrolled",)]


def _result(criterion: Criterion | None, *resources: dict) -> str:
    assert criterion is not None
    people = record(patient(), *resources)
    return result_of(criterion, people)


T2D = condition("Type 2 diabetes mellitus", (ICD, "E11.9", "Type 2 diabetes mellitus"))
T2D_SNOMED = condition("Diabetes", (SNOMED, "44054006", "Diabetes mellitus type 2"))
HTN = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
OLD_MI = condition("Old MI", (ICD, "I25.2", "Old myocardial infarction"))
STROKE = condition("Stroke", (ICD, "I63.9", "Cerebral infarction, unspecified"))


@pytest.mark.parametrize(
    ("text", "resource", "result"),
    [
        ("Diabetes mellitus", T2D, "met"),
        ("Diabetes mellitus", T2D_SNOMED, "met"),
        ("Type 2 diabetes", T2D, "met"),
        ("Type 1 diabetes", T2D, "not-met"),
        ("Hypertension", HTN, "met"),
        ("Diabetes mellitus", HTN, "not-met"),
        ("Uncontrolled hypertension", HTN, "unknown"),
        ("History of myocardial infarction", OLD_MI, "met"),
        ("Ischemic stroke", STROKE, "met"),
        # Cerebral infarction reaches the parent "stroke": whether there was also a bleed is
        # not said, so unknown (never met).
        ("Haemorrhagic stroke", STROKE, "unknown"),
        ("Cerebrovascular disease", STROKE, "met"),
    ],
)
def test_coded_diagnoses_meet_the_new_condition_criteria(text, resource, result) -> None:
    assert _result(compile_criterion(text), resource) == result


def _lab(code: str, display: str, value: float, unit: str) -> dict:
    return observation(
        (LOINC, code, display),
        "2026-11-20",
        valueQuantity={"value": value, "unit": unit, "code": unit},
    )


@pytest.mark.parametrize(
    ("text", "resource", "result"),
    [
        # EHRs report estimated GFR where protocols ask for a calculated creatinine clearance.
        (
            "Calculated creatinine clearance >= 60 mL/min",
            _lab("62238-1", "eGFR CKD-EPI", 72, "mL/min/{1.73_m2}"),
            "met",
        ),
        (
            "Calculated creatinine clearance >= 60 mL/min",
            _lab("98979-8", "eGFR CKD-EPI 2021", 48, "mL/min/{1.73_m2}"),
            "not-met",
        ),
        ("BMI < 30", _lab("39156-5", "Body mass index (BMI) [Ratio]", 27.4, "kg/m2"), "met"),
        ("HbA1c < 8.5%", _lab("4548-4", "Hemoglobin A1c", 9.1, "%"), "not-met"),
        ("Glucose <110 mg/dL", _lab("2345-7", "Glucose", 5.5, "mmol/L"), "met"),
        ("Serum potassium >5.0 mmol/L", _lab("2823-3", "Potassium", 5.4, "mmol/L"), "met"),
        ("QTc > 470 ms", _lab("8636-3", "Q-T interval corrected", 452, "ms"), "not-met"),
    ],
)
def test_loinc_coded_results_meet_the_new_lab_criteria(text, resource, result) -> None:
    assert _result(compile_criterion(text), resource) == result
