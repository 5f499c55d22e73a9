"""Clinical shorthand around known diagnoses: "Hx of MI", "h/o stroke", "History of DVT/PE",
"Known CAD", "type 2 DM", "Hypertensive patients". Each is a standard abbreviation or adjective
of a concept the compiler reads by name; before, the bullet stayed text and a patient with an
old myocardial infarction on the problem list was only "possible" for a trial excluding one.
Ambiguous short forms are read only where the context decides: "PE" only beside "DVT" (alone it
is also a physical examination or pre-eclampsia), "CAD" not a detection system, "MI" not miles,
an adjective only before the people it describes ("hypertensive crisis" is another diagnosis)."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hx of MI", "condition:myocardial-infarction"),
        ("h/o stroke", "condition:stroke"),
        ("H/O stroke", "condition:stroke"),
        ("Hx. of CVA", "condition:stroke"),
        (
            "MI in past 8 weeks prior to study",
            "condition:myocardial-infarction:w-56,0,enrollment",
        ),
        (
            "history of MI, PCI or CABG",
            "any-of(condition:myocardial-infarction, procedure:percutaneous-coronary-intervention,"
            " procedure:coronary-artery-bypass-graft)",
        ),
        ("Known CAD", "condition:coronary-artery-disease"),
        ("History of HTN", "condition:hypertension"),
        ("Hypertensive patients", "condition:hypertension"),
        ("Type 2 diabetic patients", "condition:diabetes-type-2"),
        ("type 2 DM", "condition:diabetes-type-2"),
        ("Type 1 DM", "condition:diabetes-type-1"),
        ("History of DM", "condition:diabetes-mellitus"),
        ("Moderate to severe OSA", "condition:obstructive-sleep-apnea"),
        ("History of SLE", "condition:systemic-lupus-erythematosus"),
        ("Active UTI", "condition:urinary-tract-infection"),
        ("History of ESKD", "condition:icd10cm:N18.6"),
        (
            "History of DVT/PE within 6 months",
            "any-of(condition:deep-vein-thrombosis:w-183,0,enrollment,"
            " condition:pulmonary-embolism:w-183,0,enrollment)",
        ),
        (
            "History of PE/DVT",
            "any-of(condition:pulmonary-embolism, condition:deep-vein-thrombosis)",
        ),
    ],
)
def test_shorthand_reads_as_the_diagnosis(text: str, expected: str) -> None:
    assert signature(compile_criterion(text, exclusion=True)) == expected


def test_an_inclusion_of_hypertensive_patients_for_a_time_is_an_onset_window() -> None:
    criterion = compile_criterion("hypertensive patient for more than four weeks")
    assert signature(criterion) == "condition:hypertension:w,-28,enrollment"


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        # "PE" alone: physical examination, pre-eclampsia, physical education.
        ("History of PE", "pulmonary-embolism"),
        ("Abnormal PE findings", "pulmonary-embolism"),
        # Computer-aided detection.
        ("Mammograms read with a CAD system", "coronary-artery-disease"),
        ("Able to walk 1 mi", "myocardial-infarction"),
        # Other diagnoses named by the adjective.
        ("Hypertensive crisis", "condition:hypertension"),
        ("Hypertensive retinopathy", "condition:hypertension"),
        ("Completion of SLE Study (NCT03252587)", "lupus"),
        ("Type 2 diabetic nephropathy", "diabetes-type-2"),
        ("gestational DM", "condition:diabetes-mellitus"),
        # Dermatomyositis beside polymyositis.
        ("Dermatomyositis or polymyositis (DM/PM)", "diabetes"),
        ("History of PM or DM", "diabetes"),
    ],
)
def test_ambiguous_shorthand_is_not_read_as_the_diagnosis(text: str, wrong: str) -> None:
    for exclusion in (True, False):
        assert wrong not in str(signature(compile_criterion(text, exclusion=exclusion)))


OLD_MI = condition(
    "Old MI", (ICD, "I25.2", "Old myocardial infarction"), onset="2019-05-01", status="resolved"
)
RECENT_PE = condition(
    "Acute pulmonary embolism",
    (ICD, "I26.99", "Other pulmonary embolism without acute cor pulmonale"),
    onset="2026-09-20",
)
OLD_PE = condition(
    "Pulmonary embolism",
    (ICD, "I26.99", "Other pulmonary embolism without acute cor pulmonale"),
    onset="2018-03-02",
    status="resolved",
)
TYPE_2_DIABETES = condition(
    "Type 2 diabetes mellitus (HCC)",
    (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
    onset="2015-06-01",
)


def test_an_old_infarction_on_the_problem_list_meets_hx_of_mi() -> None:
    text = criteria_text(["Age 18 or older"], ["Hx of MI"])
    assert verdict_of_study(text, record(patient(), OLD_MI)) == "ineligible"
    assert verdict_of_study(text, record(patient(), TYPE_2_DIABETES)) != "ineligible"


def test_dvt_slash_pe_within_six_months_is_dated() -> None:
    text = criteria_text(["Age 18 or older"], ["History of DVT/PE within 6 months"])
    assert verdict_of_study(text, record(patient(), RECENT_PE)) == "ineligible"
    # An embolism eight years ago is outside the window: never a reason to exclude.
    assert verdict_of_study(text, record(patient(), OLD_PE)) != "ineligible"


def test_type_2_diabetic_patients_includes_a_type_2_diabetes_record() -> None:
    text = criteria_text(["Type 2 diabetic patients"], [])
    assert verdict_of_study(text, record(patient(), TYPE_2_DIABETES)) == "eligible"
    assert verdict_of_study(text, record(patient(), OLD_MI)) != "eligible"
