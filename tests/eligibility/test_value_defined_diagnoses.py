"""A diagnosis read with the value that defines it, against records that under-code it.

"Chronic kidney disease stage 3 (eGFR 30-59 mL/min/1.73 m2)" compiles to all-of(CKD, eGFR
30..59). CKD is often missing from problem lists: a patient whose own eGFR is 45 meets the
definition the text gives, so the bullet must not make him ineligible (docs/eligibility-
evaluation.md, "A diagnosis its value defines"). A value that fails the bound still does.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    criteria_text,
    observation,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)

_UCUM = "http://unitsofmeasure.org"


def _lab(code: str, display: str, value: float, unit: str) -> dict:
    return observation(
        (LOINC, code, display),
        "2026-11-20",
        valueQuantity={"value": value, "unit": unit, "system": _UCUM, "code": unit},
    )


def _egfr(value: float) -> dict:
    return _lab("98979-8", "eGFR CKD-EPI 2021", value, "mL/min/{1.73_m2}")


def _sbp(value: float) -> dict:
    return _lab("8480-6", "Systolic blood pressure", value, "mm[Hg]")


def _dbp(value: float) -> dict:
    return _lab("8462-4", "Diastolic blood pressure", value, "mm[Hg]")


def _hba1c(value: float) -> dict:
    return _lab("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", value, "%")


def _hb(value: float) -> dict:
    return _lab("718-7", "Hemoglobin [Mass/volume] in Blood", value, "g/dL")


def _bmi(value: float) -> dict:
    return _lab("39156-5", "Body mass index (BMI) [Ratio]", value, "kg/m2")


CKD3 = condition("CKD stage 3a", (ICD, "N18.31", "Chronic kidney disease, stage 3a"))
HTN = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
T2DM = condition(
    "Type 2 diabetes", (ICD, "E11.9", "Type 2 diabetes mellitus without complications")
)
ANEMIA = condition("Anemia", (ICD, "D64.9", "Anemia, unspecified"))
OBESITY = condition("Obesity", (ICD, "E66.9", "Obesity, unspecified"))
GERD = condition("GERD", (ICD, "K21.9", "Gastro-esophageal reflux disease without esophagitis"))

# bullet, readings meeting the bound, readings failing it, the diagnosis, verdict when the value
# alone meets (the lab-only readings "Anemia (Hb < 10 g/dL)" are eligible on the value).
CASES = [
    (
        "Chronic kidney disease stage 3 (eGFR 30-59 mL/min/1.73 m2)",
        [_egfr(45)],
        [_egfr(75)],
        CKD3,
        "potential-candidate",
    ),
    (
        "Chronic kidney disease (eGFR < 60 mL/min/1.73 m2)",
        [_egfr(52)],
        [_egfr(88)],
        CKD3,
        "potential-candidate",
    ),
    (
        "Hypertension (systolic ≥ 140 mmHg or diastolic ≥ 90 mmHg)",
        [_sbp(152), _dbp(86)],
        [_sbp(126), _dbp(78)],
        HTN,
        "potential-candidate",
    ),
    (
        "Hypertension (SBP ≥ 140 or DBP ≥ 90)",
        [_sbp(132), _dbp(94)],
        [_sbp(126), _dbp(78)],
        HTN,
        "potential-candidate",
    ),
    (
        "Uncontrolled hypertension (systolic > 160 mmHg)",
        [_sbp(172)],
        [_sbp(150)],
        HTN,
        "potential-candidate",
    ),
    ("Diabetes mellitus (HbA1c ≥ 6.5%)", [_hba1c(7.4)], [_hba1c(5.4)], T2DM, "potential-candidate"),
    ("Anemia (Hb < 10 g/dL)", [_hb(9.1)], [_hb(12.8)], ANEMIA, "eligible"),
    ("Obesity (BMI ≥ 30 kg/m2)", [_bmi(33.2)], [_bmi(26.1)], OBESITY, "eligible"),
]


@pytest.mark.parametrize(("bullet", "meets", "fails", "diagnosis", "alone"), CASES)
def test_a_value_meeting_the_definition_without_the_diagnosis_is_not_ineligible(
    bullet: str, meets: list[dict], fails: list[dict], diagnosis: dict, alone: str
) -> None:
    assert verdict_of_inclusion_bullet(bullet, record(patient(), GERD, *meets)) == alone


@pytest.mark.parametrize(("bullet", "meets", "fails", "diagnosis", "alone"), CASES)
def test_a_value_failing_the_bound_without_the_diagnosis_is_ineligible(
    bullet: str, meets: list[dict], fails: list[dict], diagnosis: dict, alone: str
) -> None:
    assert verdict_of_inclusion_bullet(bullet, record(patient(), GERD, *fails)) == "ineligible"


@pytest.mark.parametrize(("bullet", "meets", "fails", "diagnosis", "alone"), CASES)
def test_the_diagnosis_with_a_value_meeting_the_bound_is_eligible(
    bullet: str, meets: list[dict], fails: list[dict], diagnosis: dict, alone: str
) -> None:
    assert verdict_of_inclusion_bullet(bullet, record(patient(), diagnosis, *meets)) == "eligible"


# A definition of a disease its treatment brings below the bound: the recorded hypertensive whose
# pressure is 126/78 today, the diabetic whose HbA1c is 5.4, may be what the text means (how the
# disease was diagnosed) or not (a study wanting the value now): unknown, never ineligible.
TREATED_BELOW_THE_DEFINITION = {
    "Hypertension (systolic ≥ 140 mmHg or diastolic ≥ 90 mmHg)",
    "Hypertension (SBP ≥ 140 or DBP ≥ 90)",
    "Diabetes mellitus (HbA1c ≥ 6.5%)",
}


@pytest.mark.parametrize(("bullet", "meets", "fails", "diagnosis", "alone"), CASES)
def test_the_diagnosis_with_a_value_failing_the_bound(
    bullet: str, meets: list[dict], fails: list[dict], diagnosis: dict, alone: str
) -> None:
    verdict = verdict_of_inclusion_bullet(bullet, record(patient(), diagnosis, *fails))
    treated = bullet in TREATED_BELOW_THE_DEFINITION
    assert verdict == ("potential-candidate" if treated else "ineligible")


@pytest.mark.parametrize(
    "bullet",
    [
        "Diabetes defined as HbA1c > 6.5% or fasting glucose > 126 mg/dL",
        "Type 2 diabetes (HbA1c ≥ 6.5%)",
    ],
)
def test_a_treated_diabetic_is_not_ruled_out_by_the_definition(bullet: str) -> None:
    person = record(patient(), T2DM, _hba1c(6.0))
    assert verdict_of_inclusion_bullet(bullet, person) == "potential-candidate"


@pytest.mark.parametrize(
    "bullet",
    [
        "Uncontrolled hypertension (systolic > 160 mmHg)",
        "Poorly controlled diabetes (HbA1c > 8%)",
        "Type 2 diabetes with HbA1c between 7% and 10%",
    ],
)
def test_a_value_the_criterion_asks_for_now_still_rules_out(bullet: str) -> None:
    person = record(patient(), HTN, T2DM, _sbp(128), _dbp(78), _hba1c(6.0))
    assert verdict_of_inclusion_bullet(bullet, person) == "ineligible"


def test_a_control_target_is_not_a_definition() -> None:
    # "HbA1c < 8%" is a target a non-diabetic meets too: no diabetes on record stays ineligible.
    bullet = "Diabetes (HbA1c < 8%)"
    assert verdict_of_inclusion_bullet(bullet, record(patient(), GERD, _hba1c(5.4))) == "ineligible"
    assert verdict_of_inclusion_bullet(bullet, record(patient(), T2DM, _hba1c(7.1))) == "eligible"


def test_in_a_study_the_uncoded_diagnosis_leaves_the_patient_a_candidate() -> None:
    text = criteria_text(
        ["Age 18 years or older", "Chronic kidney disease stage 3 (eGFR 30-59 mL/min/1.73 m2)"],
        ["Pregnancy"],
    )
    man = patient(gender="male")
    assert verdict_of_study(text, record(man, GERD, _egfr(41))) == "potential-candidate"
    assert verdict_of_study(text, record(man, GERD, _egfr(95))) == "ineligible"
    assert verdict_of_study(text, record(man, CKD3, _egfr(41))) == "eligible"


@pytest.mark.parametrize(
    ("readings", "diagnoses", "expected"),
    [
        # One high reading without hypertension on the problem list: not this exclusion, as
        # before (the change never touches a reading where "met" rules the patient out).
        ([_sbp(172)], [GERD], "eligible"),
        ([_sbp(150)], [GERD], "eligible"),
        ([_sbp(172)], [HTN], "ineligible"),
        ([_sbp(150)], [HTN], "eligible"),
    ],
)
def test_the_exclusion_reads_as_before(
    readings: list[dict], diagnoses: list[dict], expected: str
) -> None:
    text = criteria_text(
        ["Age 18 years or older"], ["Uncontrolled hypertension (systolic > 160 mmHg)"]
    )
    assert verdict_of_study(text, record(patient(), *diagnoses, *readings)) == expected


def test_the_criterion_alone_reads_the_same() -> None:
    # `evaluate_criterion` (a combination inside one criterion) relieves the diagnosis too.
    criterion = compile_criterion("Chronic kidney disease (eGFR < 60 mL/min/1.73 m2)")
    assert criterion is not None
    assert result_of(criterion, record(patient(), GERD, _egfr(52))) == "unknown"
    assert result_of(criterion, record(patient(), GERD, _egfr(88))) == "not-met"
    assert result_of(criterion, record(patient(), CKD3, _egfr(52))) == "met"


@pytest.mark.parametrize(
    ("label", "defining"),
    [
        ("hypertension (systolic > 140 mmhg)", True),
        ("resistant hypertension (systolic > 160 mmhg)", False),
        ("refractory hypertension (systolic > 160 mmhg)", False),
        ("uncontrolled hypertension (systolic > 160 mmhg)", False),
    ],
)
def test_only_a_plain_label_makes_its_value_a_definition(label: str, defining: bool) -> None:
    from fhirtrial.eligibility.rules.labs import DEFINING, find_labs

    paired = [m.criterion for m in find_labs(label) if m.criterion.kind.value == "combination"]
    assert paired, label
    value = paired[-1].children[1]
    assert (DEFINING in value.qualifiers) is defining
