"""A measurement, performance status or current medication that opens an inclusion bullet whose
other words no finder reads: all-of(part, TEXT).

"Hb ≥ 8 g/dL without transfusion within 7 days": whatever the transfusion words say, a patient
whose haemoglobin is 7.2 g/dL does not meet it; one at 9.1 g/dL stays "unknown" (the transfusion
history is for the investigator). What must never happen: a part whose bound the rest can change
("… at any time", "… for patients with liver metastases", "… or ≤ 5 × ULN if …"), or a rest that
names something else a record decides (a leaf the form would lack), made necessary.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext
from fhirtrial.eligibility.evaluation.evaluator import evaluate_criterion
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import AS_OF, LOINC, medication, observation, patient, record
from tests.eligibility.signature import signature

# (bullet, signature): the task's examples and development-text shapes, forms written from the
# text before the rule.
READ = [
    ("Hb ≥ 8 g/dL without transfusion within 7 days", "all-of(lab:hemoglobin:>=8g/dL, text)"),
    (
        "Platelets ≥ 100,000/µL, without growth factor support",
        "all-of(lab:platelets:>=10010*3/uL, text)",
    ),
    (
        "Absolute neutrophil count ≥ 1,500/mm3 without G-CSF support within 14 days before "
        "registration",
        "all-of(lab:anc:>=1.510*3/uL, text)",
    ),
    (  # a subject lead is read by the compiler with the part
        "Patients must have hemoglobin ≥ 9 g/dL without transfusion in the previous 2 weeks",
        "all-of(lab:hemoglobin:>=9g/dL, text)",
    ),
    ("Hemoglobin ≥ 9 g/dL, transfusion independent", "all-of(lab:hemoglobin:>=9g/dL, text)"),
    (  # the window in parentheses dates the transfusion, not the count
        "Platelet count ≥ 75,000/mm³ (without transfusion within 7 days)",
        "all-of(lab:platelets:>=7510*3/uL, text)",
    ),
    (
        "Hemoglobin ≥ 9.0 g/dL without transfusion or growth factor support within 14 days",
        "all-of(lab:hemoglobin:>=9g/dL, text)",
    ),
    ("Platelets ≥ 100,000/mcL (unsupported)", "all-of(lab:platelets:>=10010*3/uL, text)"),
    (  # several labs read in full: each is necessary
        "Hb ≥ 9 g/dL, ANC ≥ 1.5 × 10^9/L and platelets ≥ 100 × 10^9/L without growth factor "
        "support",
        "all-of(lab:hemoglobin:>=9g/dL, lab:anc:>=1.510*3/uL, lab:platelets:>=10010*3/uL, text)",
    ),
    (
        "Karnofsky performance status ≥ 70% and able to care for self",
        "all-of(performance-status:karnofsky:>=70%, text)",
    ),
    ("ECOG 0-1 and able to walk unassisted", "all-of(performance-status:ecog:0..1{score}, text)"),
    ("Stable dose of metformin for at least 8 weeks", "all-of(medication:metformin, text)"),
    ("On a stable dose of metformin for ≥ 3 months", "all-of(medication:metformin, text)"),
    ("Under current treatment with levodopa at a stable dose", "all-of(medication:levodopa, text)"),
    ("Taking metformin and able to swallow tablets", "all-of(medication:metformin, text)"),
]

# (why, bullet): the rest may change the part, make it optional or someone else's, or names a
# leaf the form would lack.
REFUSED = [
    (
        "a decidable residue (heart failure) and a window the opening cannot carry",
        "LVEF ≥ 50% on echocardiogram performed within 28 days of registration and no history "
        "of heart failure",
    ),
    ("at any time: not the latest value", "Natremia > 155 mmol/L at any time"),
    ("during a flare: another moment", "Serum urate level > 360 µmol/l during flare"),
    ("a subgroup", "Hemoglobin ≥ 9 g/dL for patients with bone marrow involvement"),
    ("a subgroup bound", "BMI between 50 and 60 kg/m2 in nondiabetic patients,"),
    ("an alternative", "HbA1c ≥ 8.0% or diagnosed with T2D and taking diabetes medication"),
    ("an allowance", "SBP > 145 mmHg at most recent clinic visit (may be treated with BP meds)"),
    ("another number: a second lab", "Haemoglobin (Hb) ≥10mg/dL (Hct 32%),"),
    (
        "liver metastases change the bound",
        "AST ≤ 2.5 × ULN unless liver metastases are present",
    ),
    ("two occasions", "Systolic blood pressure ≥ 160 mmHg on two occasions"),
    ("a condition the form would lack", "LVEF < 50% for mitral insufficiency"),
    ("a window on another event", "eGFR < 60 ml/min within the month prior to the new medication"),
    ("a cohort", "A1C ≥ 8.0% (DSME cohort only)"),
    ("a sex-specific bound", "Hemoglobin ≥ 12 g/dL (13 g/dL for men) without transfusion"),
    ("a drug the form would lack", "Hemoglobin ≥ 10 g/dL without erythropoietin"),
    ("corrected: another lab", "Calcium ≤ 10.5 mg/dL corrected for albumin"),
    ("fasting: another measurement", "Glucose ≥ 7 mmol/L fasting"),
    ("conditions of the measurement", "SpO2 ≥ 92% while breathing supplemental oxygen"),
    ("an allowance after the part", "Hemoglobin ≥ 9 g/dL, which may be achieved by transfusion"),
    ("an exception", "QTc ≤ 470 ms, unless bundle branch block"),
    (  # the compiler reads "per institutional" as filler: the rest after it is checked too
        "words the compiler passes over",
        "Creatinine clearance ≥ 60 mL/min/1.73 m2 per institutional standard",
    ),
    (
        "a bleeding the form would lack",
        "Hemoglobin ≥ 10 g/dL without transfusion, and no active bleeding",
    ),
    ("a finding a record may hold", "LVEF ≥ 50% and no signs of cardiac decompensation"),
    ("a drug named without a word of use", "Taking clopidogrel in addition to aspirin"),
    # ("lupus" is a common name now, read beside the drug as a known indication is: "Taking
    # methotrexate for psoriasis"; the example names a diagnosis no vocabulary has.)
    (
        "an indication: a diagnosis the form would lack",
        "Taking hydroxychloroquine for undifferentiated connective tissue disease",
    ),
    ("monotherapy: no other drug, which the form would lack", "Taking metformin as monotherapy"),
    ("a planned study procedure", "Surgery at the testicles"),
    ("negated: not read here", "Not taking antibiotics for at least three months"),
    ("a duration after a lab: its window", "Hemoglobin ≥ 10 g/dL for at least 8 weeks"),
]


@pytest.mark.parametrize(("text", "expected"), READ, ids=[r[0][:40] for r in READ])
def test_the_opening_part_is_necessary_and_the_rest_stays_text(text: str, expected: str):
    criterion = compile_text(text, partial=True)
    assert criterion is not None
    assert signature(criterion) == expected


@pytest.mark.parametrize(("why", "text"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_part_the_rest_may_change_leaves_the_bullet_text_only(why: str, text: str):
    assert compile_text(text, partial=True) is None, why


def test_an_exclusion_bullet_is_not_read_this_way():
    assert compile_text("Hb ≥ 8 g/dL without transfusion within 7 days", exclusion=True) is None


HEMOGLOBIN = (LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood")


def _hb(value: float, day: str = "2026-11-20") -> dict[str, Any]:
    return observation(
        HEMOGLOBIN,
        day,
        valueQuantity={
            "value": value,
            "unit": "g/dL",
            "system": "http://unitsofmeasure.org",
            "code": "g/dL",
        },
    )


def _result(text: str, *resources: dict[str, Any]) -> str:
    criterion = compile_text(text, partial=True)
    assert criterion is not None
    ctx = EvalContext(
        facts=facts_for(record(patient(), *resources)), as_of=AS_OF, policy=DEFAULT_POLICY
    )
    return evaluate_criterion(criterion, ctx).result


def test_a_lab_part_rules_out_a_patient_below_it_and_is_at_best_unknown():
    text = "Hb ≥ 8 g/dL without transfusion within 7 days"
    assert _result(text, _hb(7.2)) == "not-met"
    assert _result(text, _hb(9.1)) == "unknown"  # the transfusion words are not decided
    assert _result(text) == "unknown"  # no haemoglobin on record: nothing is ruled out


def test_a_medication_part_needs_the_drug_in_current_use():
    text = "Stable dose of metformin for at least 8 weeks"
    on_metformin = medication("metformin 500 mg tablet", "2026-06-01", status="active")
    on_lisinopril = medication("lisinopril 10 mg tablet", "2026-06-01", status="active")
    assert _result(text, on_metformin) == "unknown"  # the stable dose is not decided
    assert _result(text, on_lisinopril) == "not-met"
    assert _result(text) == "unknown"
