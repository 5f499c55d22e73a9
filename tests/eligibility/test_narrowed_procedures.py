"""Procedures narrowed by words the record's codes do not tell ("previous glaucoma surgery",
"prior palliative radiotherapy", "recent surgery", "history of lung resection"), ablation for an
arrhythmia ("prior catheter ablation", "previous ablation for atrial flutter"), a coronary stent
placement, and dialysis beside the disease it treats ("end-stage renal disease on dialysis").

Expected forms and results were written from the clinical text before running the code.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    patient,
    procedure,
    record,
    result_of,
)
from tests.eligibility.signature import bullet_signature

CPT = "http://www.ama-assn.org/go/cpt"
SURGERY_TEXT = "all-of(procedure:surgery, text)"
ABLATION_TEXT = "all-of(procedure:arrhythmia-ablation, text)"


def _result(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Development bullets.
        ("Previous carpal tunnel decompressive surgery", SURGERY_TEXT),
        ("Prior ablation procedure for AF", ABLATION_TEXT),
        ("Previous ablation for atrial flutter", ABLATION_TEXT),
        ("previous CTI or PVI ablation procedure", ABLATION_TEXT),
        # Forms of the same shape.
        ("Previous glaucoma surgery", SURGERY_TEXT),
        ("Recent surgery", SURGERY_TEXT),
        ("History of lung resection", "all-of(procedure:thoracic-surgery, text)"),
        ("Previous lumbar spine surgery", "all-of(procedure:spinal-surgery, text)"),
        ("Prior extensive abdominal surgery", "all-of(procedure:abdominal-surgery, text)"),
        (
            "Prior palliative radiotherapy within 2 weeks",
            "all-of(procedure:radiotherapy:w-14,0,enrollment, text)",
        ),
        ("Minor surgery within 7 days", "all-of(procedure:surgery:w-7,0,enrollment, text)"),
        ("Prior catheter ablation", "procedure:arrhythmia-ablation"),
        ("History of cardiac ablation", "procedure:arrhythmia-ablation"),
        ("Prior catheter ablation for atrial fibrillation", ABLATION_TEXT),
        ("Previous pulmonary vein isolation", ABLATION_TEXT),
        (
            "Coronary stent placement within 6 months",
            "procedure:percutaneous-coronary-intervention:w-183,0,enrollment",
        ),
        ("Previous coronary stent implantation", "procedure:percutaneous-coronary-intervention"),
        (
            "End-stage renal disease on dialysis",
            "all-of(condition:icd10cm:N18.6, procedure:dialysis)",
        ),
        # Unchanged: a site the concepts know, a named operation, a bare procedure.
        ("Previous abdominal surgery", "procedure:abdominal-surgery"),
        ("Prior surgery", "procedure:surgery"),
        ("Any major surgery within 4 weeks", "procedure:major-surgery:w-28,0,enrollment"),
    ],
)
def test_narrowed_procedures_compile_with_their_words_as_text(text: str, expected: str) -> None:
    assert bullet_signature(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # The study's own or a planned procedure, not one done.
        "Glaucoma surgery patients",
        "Patients scheduled for catheter ablation",
        "Patients undergoing liver resection",
        "Emergency surgery",
        # A bare "ablation" or a radiofrequency one may be of a tumour or a nerve.
        "Previous ablation",
        "Patients who previously received any TACE, radiofrequency ablation and other liver"
        " cancer treatments",
        # Words before the surgery that another finder reads are no narrowing.
        "History of cardiac disease requiring surgery",
    ],
)
def test_procedures_not_done_or_not_cardiac_are_not_read(text: str) -> None:
    form = bullet_signature(text) or ""
    assert "arrhythmia-ablation" not in form, form
    assert form in ("", "text") or "procedure:surgery" not in form, form


def test_a_narrowed_surgery_against_records() -> None:
    """No surgery among the recorded procedures rules an exclusion out; a surgery of another or
    an unstated kind leaves it to a reader, never excludes."""
    text = "Previous glaucoma surgery"
    trabeculectomy = procedure("Trabeculectomy, left eye", "2019-03-02")
    knee = procedure("Arthroscopic meniscectomy, right knee", "2018-01-10")
    assert _result(text, trabeculectomy) == "unknown"
    assert _result(text, knee) == "unknown"
    assert _result(text, procedure("Colonoscopy", "2019-05-02")) == "not-met"
    assert _result(text) == "unknown"


def test_recent_surgery_is_never_decided_by_the_date_alone() -> None:
    old = procedure("Laparoscopic cholecystectomy", "2009-06-01")
    assert _result("Recent surgery", old) == "unknown"
    assert _result("Recent surgery", procedure("Colonoscopy", "2026-11-02")) == "not-met"


def test_arrhythmia_ablation_against_records() -> None:
    text = "Prior catheter ablation"
    pvi = procedure(
        "Catheter ablation of atrial fibrillation by pulmonary vein isolation",
        "2022-09-14",
        (CPT, "93656", "Comprehensive EP evaluation with ablation of atrial fibrillation"),
    )
    coded = procedure("EP study/ablation", "2021-02-02", (SNOMED, "233159005", "x"))
    liver = procedure("Radiofrequency ablation of liver lesion", "2023-05-05")
    assert _result(text, pvi) == "met"
    assert _result(text, coded) == "met"
    assert _result(text, liver) == "not-met"
    assert _result(text) == "unknown"
    # Aimed at one arrhythmia: an ablation on record leaves which one to a reader.
    assert _result("Previous ablation for atrial flutter", pvi) == "unknown"
    assert _result("Previous ablation for atrial flutter", liver) == "not-met"


def test_dialysis_beside_its_disease_against_records() -> None:
    text = "End-stage renal disease on dialysis"
    esrd = condition("ESRD (end stage renal disease)", (ICD, "N18.6", "End stage renal disease"))
    dialysis = condition("Dependence on renal dialysis", (ICD, "Z99.2", "x"))
    hd = procedure("Hemodialysis", "2026-11-28")
    assert _result(text, esrd, dialysis, hd) == "met"
    # ESRD without any dialysis on a record that lists procedures: not this exclusion.
    assert _result(text, esrd, procedure("Colonoscopy", "2019-05-02")) == "not-met"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Status post" and "s/p" say done before, like "history of".
        ("Status post liver transplantation", "condition:liver-transplant"),
        ("S/p kidney transplant", "condition:kidney-transplant"),
        ("Status post gastrectomy", "procedure:gastrectomy"),
        ("Status post cardiac surgery", "procedure:cardiac-surgery"),
        (
            "Patients who are s/p allogeneic stem cell transplant within 100 days",
            "condition:stem-cell-transplant:w-100,0,enrollment",
        ),
        # A kind of a state or an operation the codes do not tell apart: its words as text.
        ("mechanical prosthetic heart valve", "all-of(procedure:heart-valve-replacement, text)"),
        ("Mechanical heart valve", "all-of(procedure:heart-valve-replacement, text)"),
        ("Previous total hip replacement", "all-of(procedure:hip-replacement, text)"),
        ("Loop ileostomy", "all-of(procedure:ileostomy, text)"),
        ("Prosthetic heart valve", "procedure:heart-valve-replacement"),
    ],
)
def test_done_before_words_and_narrowed_states(text: str, expected: str) -> None:
    assert bullet_signature(text) == expected


def test_status_post_counts_a_transplant_entry_however_old() -> None:
    text = "Status post kidney transplant"
    z94 = condition("Kidney transplant status", (ICD, "Z94.0", "Kidney transplant status"))
    assert _result(text, z94) == "met"


def test_a_mechanical_valve_is_never_excluded_on_a_prosthetic_valve_code_alone() -> None:
    text = "Mechanical heart valve"
    valve = condition("Presence of prosthetic heart valve", (ICD, "Z95.2", "x"))
    assert _result(text, valve) == "unknown"
    assert _result(text, procedure("Colonoscopy", "2019-05-02")) == "not-met"


def test_narrowed_kinds_not_done_stay_text() -> None:
    assert bullet_signature("Patients scheduled for total knee arthroplasty") is None
    assert bullet_signature("Patients undergoing primary total hip arthroplasty", "Inclusion") in (
        None,
        "text",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Major surgery or significant traumatic injury within 28 days prior to first dose",
            "any-of(procedure:major-surgery:w-28,0,enrollment, text)",
        ),
        (
            "serious trauma or major surgery within the previous two weeks.",
            "any-of(text, procedure:major-surgery:w-14,0,enrollment)",
        ),
    ],
)
def test_major_surgery_or_significant_trauma(text: str, expected: str) -> None:
    assert bullet_signature(text) == expected


def test_a_major_surgery_in_the_window_excludes_and_trauma_is_left_to_a_reader() -> None:
    text = "Major surgery or significant traumatic injury within 28 days prior to first dose"
    recent = procedure("Laparoscopic right hemicolectomy", "2026-11-20")
    old = procedure("Laparoscopic right hemicolectomy", "2025-01-20")
    assert _result(text, recent) == "met"
    assert _result(text, old) == "unknown"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Renal failure requiring dialysis",
            "all-of(condition:kidney-failure, procedure:dialysis)",
        ),
        (
            "Prior hip or knee replacement",
            "any-of(procedure:hip-replacement, procedure:knee-replacement)",
        ),
        (
            "History of hip/knee arthroplasty",
            "any-of(procedure:hip-replacement, procedure:knee-replacement)",
        ),
        ("History of joint replacement", "procedure:joint-replacement"),
        ("Patients with artificial joints", "procedure:joint-replacement"),
        ("Previous total joint replacement", "all-of(procedure:joint-replacement, text)"),
    ],
)
def test_dialysis_needed_now_and_replaced_joints(text: str, expected: str) -> None:
    assert bullet_signature(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Patients requiring renal replacement therapy",  # a need: dialysis or a transplant
        "Prosthetic joint infection",  # a diagnosis
        "Scheduled for hip or knee replacement",  # the study's own operation
    ],
)
def test_needs_infections_and_planned_joints_are_not_a_replaced_joint(text: str) -> None:
    form = bullet_signature(text) or ""
    assert "replacement" not in form and "dialysis" not in form, form


def test_a_replaced_joint_by_its_status_code_or_its_words() -> None:
    text = "History of joint replacement"
    elbow = condition("Status post elbow arthroplasty", (ICD, "Z96.621", "x"))
    knee = procedure("Total knee arthroplasty, right", "2016-04-04")
    assert _result(text, elbow) == "met"
    assert _result(text, knee) == "met"
    assert _result(text, procedure("Colonoscopy", "2019-05-02")) == "not-met"
    hip_or_knee = "Prior hip or knee replacement"
    assert _result(hip_or_knee, knee) == "met"
    # An elbow is neither: with a procedure list on record, the exclusion is not met.
    colonoscopy = procedure("Colonoscopy", "2019-05-02")
    assert _result(hip_or_knee, elbow, colonoscopy) == "not-met"
