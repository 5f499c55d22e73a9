"""Procedures a patient lives with (current dialysis, a tracheostomy, a cochlear implant, a
prosthetic heart valve, a replaced hip / knee / shoulder, an oophorectomy): their own `procedure`
concepts, met by a Procedure or an ICD-10-CM status / presence / acquired-absence code.

Expected forms and results were written from the clinical text before running the code.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    patient,
    procedure,
    record,
    result_of,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import signature

STATES = (
    "dialysis",
    "hemodialysis",
    "peritoneal-dialysis",
    "tracheostomy",
    "cochlear-implant",
    "heart-valve-replacement",
    "hip-replacement",
    "knee-replacement",
    "shoulder-replacement",
    "oophorectomy",
    "bilateral-oophorectomy",
    "ostomy",
    "colostomy",
    "ileostomy",
    "amputation",
    "lower-limb-amputation",
    "upper-limb-amputation",
    "gastrectomy",
    "nephrectomy",
    "thymectomy",
    "vitrectomy",
    "coronary-revascularization",
)
DIALYSIS_STATUS = condition("ESRD on dialysis", (ICD, "Z99.2", "Dependence on renal dialysis"))
OTHER_SURGERY = procedure("Appendectomy", "2012-02-02")


def _form(text: str, *, exclusion: bool = True) -> str | None:
    return signature(compile_text(text, exclusion=exclusion, partial=True))


def _result(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Development bullets.
        ("Dialysis", "procedure:dialysis"),
        ("Receiving acute or chronic dialysis", "procedure:dialysis"),
        ("The patient is on dialysis.", "procedure:dialysis"),
        ("Undergoing kidney dialysis", "procedure:dialysis"),
        ("Dialysis patient", "procedure:dialysis"),
        ("patient under chronic dialysis", "procedure:dialysis"),
        ("On hemodialysis.", "procedure:hemodialysis"),
        ("Tracheostomy", "procedure:tracheostomy"),
        ("Tracheostomy tube", "procedure:tracheostomy"),
        ("Participants with tracheostomy", "procedure:tracheostomy"),
        ("Tracheostomy status", "procedure:tracheostomy"),
        ("Cochlear implant", "procedure:cochlear-implant"),
        ("Presence of valvular prosthesis", "procedure:heart-valve-replacement"),
        (
            "Presence of knee prosthesis, hip replacement",
            "any-of(procedure:knee-replacement, procedure:hip-replacement)",
        ),
        ("Have a stoma or ostomy", "procedure:ostomy"),
        ("amputated lower extremities", "procedure:lower-limb-amputation"),
        ("patients with lower or upper extremity amputations at any level", "procedure:amputation"),
        (
            "pacemaker or implantable cardioverter defibrillator in situ",
            "any-of(procedure:pacemaker, procedure:implantable-cardioverter-defibrillator)",
        ),
        ("implanted with a cardiac pacemaker", "procedure:pacemaker"),
        ("implantable cardiac defibrillator", "procedure:implantable-cardioverter-defibrillator"),
        (
            "Prior Radiotherapy to the central nervous system",
            "all-of(procedure:radiotherapy, text)",
        ),
        ("prior radiotherapy to the same region", "all-of(procedure:radiotherapy, text)"),
        ("Subject who underwent thyroid surgery", "all-of(procedure:surgery, text)"),
        ("Previous back surgery", "all-of(procedure:surgery, text)"),
        (
            "Prior surgery on ipsilateral knee within the last 6 months",
            "all-of(procedure:surgery:w-183,0,enrollment, text)",
        ),
        (
            "Previous major surgery in the chest or upper abdomen;",
            "all-of(procedure:major-surgery, text)",
        ),
        ("Status post gastrectomy", "procedure:gastrectomy"),
        ("Patients with history of vitrectomy.", "procedure:vitrectomy"),
        (
            "History of thymectomy within the 12 months prior to screening.",
            "procedure:thymectomy:w-365,0,enrollment",
        ),
        (
            "Previous myocardial infarction or revascularization (PCI or CABG)",
            "any-of(condition:myocardial-infarction, procedure:coronary-revascularization)",
        ),
        ("Previous surgery at the colostomy site", "all-of(procedure:surgery, text)"),
        (
            "Thymectomy performed < 12 months prior to screening.",
            "procedure:thymectomy:w-365,0,enrollment",
        ),
        (
            "Patients who have undergone surgery involving the cecum or rectum.",
            "all-of(procedure:surgery, text)",
        ),
        # Forms of the same shape.
        (
            "Major surgery performed < 4 weeks prior to registration",
            "procedure:major-surgery:w-28,0,enrollment",
        ),
        ("Prior nephrectomy", "procedure:nephrectomy"),
        ("Patients who underwent a cholecystectomy", "procedure:cholecystectomy"),
        ("Patients with a colostomy", "procedure:colostomy"),
        ("History of upper limb amputation", "procedure:upper-limb-amputation"),
        ("Patients on peritoneal dialysis", "procedure:peritoneal-dialysis"),
        ("Dialysis-dependent patients", "procedure:dialysis"),
        ("Prosthetic heart valve", "procedure:heart-valve-replacement"),
        ("History of shoulder arthroplasty", "procedure:shoulder-replacement"),
        ("Prior bilateral salpingo-oophorectomy", "procedure:bilateral-oophorectomy"),
        ("History of oophorectomy", "procedure:oophorectomy"),
        (
            "Hip replacement within the last 6 months",
            "procedure:hip-replacement:w-183,0,enrollment",
        ),
    ],
)
def test_states_compile_to_their_concept(text: str, expected: str) -> None:
    assert _form(text) == expected


def test_an_inclusion_without_dialysis_is_its_negation() -> None:
    assert _form("Not requiring dialysis treatment", exclusion=False) == "NOT procedure:dialysis"


@pytest.mark.parametrize(
    "text",
    [
        # Past dialysis is not the state; future or needed dialysis is not decidable.
        "Patients who required dialysis.",
        "History of dialysis",
        "Patients expected to start dialysis within 6 months",
        "Non-dialysis patients",
        # An eye finding, not renal dialysis.
        "Complications during surgery, including zonular dialysis",
        # The study's own operation, or one to come.
        "Patients who should undergo tracheostomy",
        "Undergoing primary unilateral elective total knee arthroplasty with spinal anesthesia",
        "Surgical plan for total hip replacement",
        "Knee replacement",
        # A word narrows the name: the codes do not tell the narrower one apart (with the word
        # as a text member: test_a_narrowed_state_keeps_its_word_as_text).
        "Bilateral total shoulder arthroplasty",
        "revision arthroplasty",
        "Previous surgery at the colostomy site",
        "If a loop ileostomy is performed in addition to the right colectomy",
        "transmetatarsal amputation",
        "Patients requiring amputation of one or more toes",
        "Patients at risk of amputation",
        "Scheduled for laparoscopic sleeve gastrectomy under general anesthesia",
        "Partial gastrectomy",
        # Bare revascularization may be of a leg.
        "Previous revascularization",
        "Planned coronary revascularization",
    ],
)
def test_states_not_held_now_or_narrowed_do_not_compile(text: str) -> None:
    form = _form(text) or ""
    assert not any(f"procedure:{c}" in form for c in STATES), form


def test_a_narrowed_state_keeps_its_word_as_text() -> None:
    """A mechanical valve is a prosthetic valve: none on record rules it out, one on record
    (Z95.2 does not say mechanical or tissue) leaves the kind to a reader."""
    form = _form("mechanical prosthetic heart valve")
    assert form == "all-of(procedure:heart-valve-replacement, text)"


def test_every_state_concept_is_in_the_terminology() -> None:
    concepts = terminology.terminology().concepts
    for concept in STATES:
        assert concept in concepts, concept


def test_dialysis_is_current_dialysis() -> None:
    text = "Dialysis"
    assert _result(text, DIALYSIS_STATUS) == "met"
    assert _result(text, procedure("Hemodialysis session", "2026-11-27")) == "met"
    # Dialysis that ended (a resolved status, sessions years ago) may have stopped: not known.
    resolved = condition(
        "Dependence on renal dialysis",
        (ICD, "Z99.2", "Dependence on renal dialysis"),
        status="resolved",
        abated="2023-05-01",
    )
    assert _result(text, resolved) == "unknown"
    assert _result(text, procedure("Hemodialysis", "2019-03-03")) == "unknown"
    assert _result(text, OTHER_SURGERY) == "not-met"
    assert _result(text) == "unknown"
    # A fistula made for dialysis is not dialysis.
    fistula = procedure("Creation of arteriovenous fistula for hemodialysis", "2026-11-20")
    assert _result(text, fistula) == "not-met"


def test_hemodialysis_is_not_met_by_peritoneal_dialysis() -> None:
    text = "On hemodialysis."
    assert _result(text, procedure("Hemodialysis", "2026-11-28")) == "met"
    assert _result(text, procedure("Peritoneal dialysis exchange", "2026-11-28")) == "not-met"
    # Z99.2 does not say which dialysis.
    assert _result(text, DIALYSIS_STATUS) == "unknown"
    assert _result("Dialysis patient", procedure("CAPD exchange", "2026-11-28")) == "met"


def test_an_inclusion_not_requiring_dialysis_against_records() -> None:
    text = "Not requiring dialysis treatment"
    assert verdict_of_inclusion_bullet(text, record(patient(), DIALYSIS_STATUS)) == "ineligible"
    assert verdict_of_inclusion_bullet(text, record(patient(), OTHER_SURGERY)) == "eligible"
    assert verdict_of_inclusion_bullet(text, record(patient())) not in ("eligible", "ineligible")


def test_tracheostomy_by_status_or_a_recent_procedure() -> None:
    text = "Tracheostomy"
    status = condition("Tracheostomy status", (ICD, "Z93.0", "Tracheostomy status"))
    assert _result(text, status) == "met"
    assert _result(text, procedure("Percutaneous tracheostomy", "2026-11-15")) == "met"
    # Years ago it may have been closed.
    assert _result(text, procedure("Tracheostomy", "2015-06-01")) == "unknown"
    assert _result(text, procedure("Tracheostomy decannulation", "2026-11-15")) == "not-met"


def test_implants_and_replaced_joints_by_presence_codes_and_procedures() -> None:
    implant = "Cochlear implant"
    cochlear = (ICD, "Z96.21", "Cochlear implant status")
    assert _result(implant, condition("Cochlear implant status", cochlear)) == "met"
    assert _result(implant, procedure("Cochlear implantation, left ear", "2010-01-01")) == "met"
    assert _result(implant, OTHER_SURGERY) == "not-met"
    valve = "Presence of valvular prosthesis"
    prosthetic = (ICD, "Z95.2", "Presence of prosthetic heart valve")
    assert _result(valve, condition("Prosthetic heart valve", prosthetic)) == "met"
    assert _result(valve, procedure("Mitral valve replacement", "2018-03-03")) == "met"
    joints = "Presence of knee prosthesis, hip replacement"
    hip = (ICD, "Z96.641", "Presence of right artificial hip joint")
    assert _result(joints, condition("Right hip prosthesis", hip)) == "met"
    assert _result(joints, procedure("Total knee arthroplasty, left", "2020-02-02")) == "met"
    shoulder = (ICD, "Z96.611", "Presence of right artificial shoulder joint")
    assert _result(joints, condition("Shoulder prosthesis", shoulder)) == "unknown"
    assert _result(joints, OTHER_SURGERY) == "not-met"


def test_bilateral_oophorectomy_is_not_met_by_a_unilateral_one() -> None:
    text = "Prior bilateral salpingo-oophorectomy"
    bilateral = (ICD, "Z90.722", "Acquired absence of ovaries, bilateral")
    unilateral = (ICD, "Z90.721", "Acquired absence of ovaries, unilateral")
    assert _result(text, condition("Absent ovaries", bilateral)) == "met"
    assert _result(text, condition("Absent ovary", unilateral)) == "unknown"
    assert _result(text, procedure("TAH-BSO", "2011-01-01")) == "met"
    assert _result("History of oophorectomy", condition("Absent ovary", unilateral)) == "met"


def test_a_stoma_is_a_current_artificial_opening() -> None:
    text = "Have a stoma or ostomy"
    ileostomy = condition("Ileostomy status", (ICD, "Z93.2", "Ileostomy status"))
    assert _result(text, ileostomy) == "met"
    closed = condition(
        "Ileostomy status", (ICD, "Z93.2", "x"), status="resolved", abated="2024-1-1"
    )
    assert _result(text, closed) == "unknown"
    assert _result(text, procedure("Ileostomy reversal", "2026-11-20")) == "not-met"
    assert _result("Patients with a colostomy", ileostomy) == "unknown"


def test_amputation_by_acquired_absence_of_limb() -> None:
    lower = "amputated lower extremities"
    below_knee = (ICD, "Z89.511", "Acquired absence of right leg below knee")
    finger = (ICD, "Z89.021", "Acquired absence of right finger(s)")
    assert _result(lower, condition("Below-knee amputee", below_knee)) == "met"
    assert _result(lower, procedure("Below-knee amputation, left", "2017-07-07")) == "met"
    assert _result(lower, condition("Finger amputation", finger)) == "unknown"
    assert _result(lower, OTHER_SURGERY) == "not-met"
    either = "patients with lower or upper extremity amputations at any level"
    assert _result(either, condition("Finger amputation", finger)) == "met"


def test_removed_organs_by_acquired_absence_or_the_operation() -> None:
    stomach = (ICD, "Z90.3", "Acquired absence of stomach [part of]")
    assert _result("Status post gastrectomy", condition("Partial gastrectomy", stomach)) == "met"
    kidney = (ICD, "Z90.5", "Acquired absence of kidney")
    assert _result("Prior nephrectomy", condition("Solitary kidney", kidney)) == "met"
    assert _result("Prior nephrectomy", procedure("Radical nephrectomy, left", "2019-1-1")) == "met"
    assert _result("Prior nephrectomy", OTHER_SURGERY) == "not-met"
    text = "History of thymectomy within the 12 months prior to screening."
    assert _result(text, procedure("Thymectomy", "2026-03-01"), exclusion=False) == "met"
    assert _result(text, procedure("Thymectomy", "2020-03-01"), exclusion=False) == "not-met"
    assert _result(text, exclusion=False) == "unknown"


def test_coronary_revascularization_is_pci_or_cabg() -> None:
    text = "Previous myocardial infarction or revascularization (PCI or CABG)"
    cabg = (ICD, "Z95.1", "Presence of aortocoronary bypass graft")
    assert _result(text, condition("CABG x3", cabg)) == "met"
    assert _result(text, procedure("Coronary stent placement, LAD", "2021-1-1")) == "met"
    # A leg bypass is no coronary revascularization (and a recorded diagnosis list has no MI).
    hypertension = condition("Essential hypertension", (ICD, "I10", "Essential hypertension"))
    leg_bypass = procedure("Femoral-popliteal bypass", "2021-1-1")
    assert _result(text, hypertension, leg_bypass) == "not-met"
