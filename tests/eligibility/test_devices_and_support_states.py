"""Devices, life support and operations the vocabulary had no concept for (issue 13): current
mechanical ventilation and CPAP, a hearing aid, a neurostimulator, a ventricular assist device, an
ICD beside a pacemaker, amputees, abdominal surgery, an operation named only by its word
("prior septorhinoplasty"), IVF / ICSI / embryo transfer and cardiopulmonary bypass done before,
renal replacement therapy.

Compiled forms of development-style bullets, and what they answer against records written the
way Epic exports them: a Procedure with a SNOMED CT code and its words, a problem-list Condition
with an ICD-10-CM status code. Expected forms and results were written from the clinical text
before running the code.
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
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import signature

ICD_DEVICE = "implantable-cardioverter-defibrillator"
COLONOSCOPY = procedure("Colonoscopy", "2024-05-05")
KNEE_SCOPE = procedure("Arthroscopy of knee, right", "2021-03-03")


def _form(text: str, *, exclusion: bool = True) -> str | None:
    return signature(compile_text(text, exclusion=exclusion, partial=True))


def _result(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


def _in_progress(resource: dict[str, Any]) -> dict[str, Any]:
    return {**resource, "status": "in-progress"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Development bullets.
        ("Receiving mechanical ventilation", "procedure:mechanical-ventilation"),
        ("Mechanically ventilated patients", "procedure:mechanical-ventilation"),
        (
            "Receiving mechanical ventilation or continuous positive airway pressure (CPAP).",
            "any-of(procedure:mechanical-ventilation, procedure:cpap)",
        ),
        (
            "Treatment with continuous positive airway pressure (CPAP) in the past three months.",
            "procedure:cpap:w-91,0,enrollment",
        ),
        ("Current hearing aid user", "procedure:hearing-aid"),
        ("Patients with an implanted neurostimulator device", "procedure:neurostimulator"),
        ("Ventricular Assist Device Surgery", "procedure:ventricular-assist-device"),
        ("Amputees", "procedure:amputation"),
        # One modality: a patient on chronic haemodialysis is not on CRRT (all-of(dialysis, TEXT)).
        ("Continuous renal replacement therapy", "all-of(procedure:dialysis, text)"),
        ("Previous abdominal surgery history", "procedure:abdominal-surgery"),
        (
            "Abdominal surgery within one year prior to study entry",
            "procedure:abdominal-surgery:w-365,0,enrollment",
        ),
        ("Prior septorhinoplasty", "all-of(procedure:surgery, text)"),
        ("history of mitral valvuloplasty;", "all-of(procedure:surgery, text)"),
        ("Status post total cordectomy", "all-of(procedure:surgery, text)"),
        (
            "implantable devices, such as a pacemaker or nerve stimulator",
            "any-of(procedure:pacemaker, procedure:neurostimulator, text)",
        ),
        ("Ongoing CPAP treatment", "procedure:cpap"),
        (
            "Presence of implanted cardiac device",
            f"any-of(procedure:pacemaker, procedure:{ICD_DEVICE}, text)",
        ),
        # How long ventilation lasted is the reader's; that the patient is ventilated is not.
        (
            "Continuous mechanical ventilation for ≥ 48 hours (without interruption); AND",
            "all-of(procedure:mechanical-ventilation, text)",
        ),
        (
            "Invasive mechanical ventilation for > 48 hours in the same hospital admission",
            "all-of(procedure:invasive-mechanical-ventilation, text)",
        ),
        (
            "Receiving endotracheal intubation and mechanical ventilation for more than 12 hours",
            "all-of(procedure:invasive-mechanical-ventilation, text)",
        ),
        # A named operation narrowed by a word: that operation, the word left to a reader.
        ("History of bilateral mastectomy", "all-of(procedure:mastectomy, text)"),
        ("History of median sternotomy", "all-of(procedure:surgery, text)"),
        # Forms of the same shape.
        (
            "Parkinson disease; deep brain stimulator",
            "any-of(condition:parkinson-disease, procedure:neurostimulator)",
        ),
        ("Prior carpal tunnel surgery", "all-of(procedure:surgery, text)"),
        ("Current mechanical ventilation", "procedure:mechanical-ventilation"),
        ("Patients using a hearing aid", "procedure:hearing-aid"),
        ("invasive mechanical ventilation", "procedure:invasive-mechanical-ventilation"),
        ("Patients on CPAP", "procedure:cpap"),
        ("Pacemaker or ICD", f"any-of(procedure:pacemaker, procedure:{ICD_DEVICE})"),
        ("Pacemakers or AICD", f"any-of(procedure:pacemaker, procedure:{ICD_DEVICE})"),
        ("LVAD", "procedure:ventricular-assist-device"),
        # A slash between two devices is either one: side by side they would require both.
        ("Pacemakers/defibrillators", f"any-of(procedure:pacemaker, procedure:{ICD_DEVICE})"),
        ("pacemaker/ICD", f"any-of(procedure:pacemaker, procedure:{ICD_DEVICE})"),
        (
            "hearing aid/cochlear implant",
            "any-of(procedure:hearing-aid, procedure:cochlear-implant)",
        ),
        ("Previous abdominal surgery", "procedure:abdominal-surgery"),
        ("Prior intra-abdominal surgery", "procedure:abdominal-surgery"),
        (
            "History of major abdominal surgery",
            "all-of(procedure:major-surgery, procedure:abdominal-surgery)",
        ),
        ("Previous embryo transfer", "procedure:embryo-transfer"),
        ("Prior IVF/ICSI cycles", "procedure:in-vitro-fertilization"),
        ("Previous ICSI", "procedure:icsi"),
        ("Previous cardiopulmonary bypass", "procedure:cardiopulmonary-bypass"),
        ("previous cesarean delivery", "procedure:cesarean-section"),
        (
            "History of C-section within the last 12 months",
            "procedure:cesarean-section:w-365,0,enrollment",
        ),
        ("Patients on renal replacement therapy", "any-of(procedure:dialysis, text)"),
    ],
)
def test_devices_support_and_operations_compile(text: str, expected: str) -> None:
    assert _form(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Ventilation to come, after an operation, another's or a unit's ability.
        "Patients requiring postoperative mechanical ventilation",
        "Need for mechanical ventilation (either invasive or non-invasive)",
        "Life expectancy < 24 hours or expected to require mechanical ventilation for < 24 hours",
        "primary infectious focus represented by mechanically ventilated pneumonia",
        "History of mechanical ventilation",
        "Non-invasive mechanical ventilation",
        # Devices the patient may get, will not use or cannot use.
        "Medically unqualified to receive hearing aids",
        "Unable to wear full face CPAP",
        "Unwilling to try or use CPAP",
        # The classification, not the device; a defibrillator worn outside; a chemotherapy
        # regimen (vincristine, doxorubicin, dexamethasone), not a ventricular assist device.
        "Pacemaker; diagnosis by ICD-10 code I48",
        "pacemaker or wearable defibrillator",
        "Patients previously treated with VAD",
        # The study's own treatment, or one planned.
        "Frozen Embryo transfer",
        "ICSI cases using DGC for sperm selection",
        "Couples with primary / secondary infertility who are planned to undergo IVF / ICSI",
        "surgery under cardiopulmonary bypass",
        "Patients undergoing abdominal surgery",
        "Patients scheduled for tonsillectomy",
        "Primary elective cesarean section.",
        "Scheduled for cesarean delivery",
        # An injection, a blood draw: not what a record calls surgery.
        "Had injection medialization laryngoplasty in the past two years.",
        "Prior phlebotomy",
    ],
)
def test_not_the_patients_state_now_or_not_done_stays_text(text: str) -> None:
    form = _form(text) or ""
    for concept in (
        "mechanical-ventilation",
        "cpap",
        "hearing-aid",
        ICD_DEVICE,
        "embryo-transfer",
        "icsi",
        "in-vitro-fertilization",
        "cardiopulmonary-bypass",
        "cesarean-section",
        "ventricular-assist-device",
        "abdominal-surgery",
        "procedure:surgery",
    ):
        assert concept not in form, (text, form)


VENTILATION = (SNOMED, "40617009", "Artificial ventilation")


def test_current_mechanical_ventilation_is_ventilation_now() -> None:
    text = "Current mechanical ventilation"
    ventilated = _in_progress(procedure("Mechanical ventilation", "2026-11-28", VENTILATION))
    assert _result(text, ventilated) == "met"
    dependent = condition(
        "Ventilator dependent",
        (ICD, "Z99.11", "Dependence on respirator [ventilator] status"),
    )
    assert _result(text, dependent) == "met"
    # Ventilated for an operation years ago, or last week and stopped: not known to go on now,
    # never "met" (that would exclude a patient breathing on their own).
    old = procedure("Mechanical ventilation", "2019-04-04", VENTILATION)
    assert _result(text, old) == "unknown"
    last_week = procedure("Mechanical ventilation", "2026-11-24", VENTILATION)
    assert _result(text, last_week) == "unknown"
    # Ventilation is charted in flowsheets more than as a procedure: a procedure list without it
    # does not rule it out (an inclusion would otherwise fail a ventilated patient).
    assert _result(text, COLONOSCOPY) == "unknown"
    assert _result(text) == "unknown"
    # A pneumonia of ventilated patients is no ventilation.
    vap = condition("Ventilator associated pneumonia", (ICD, "J95.851", "VAP"))
    assert _result(text, vap, COLONOSCOPY) == "unknown"


def test_invasive_ventilation_is_not_decided_by_ventilation_of_no_stated_kind() -> None:
    text = "invasive mechanical ventilation"
    generic = _in_progress(procedure("Mechanical ventilation", "2026-11-28", VENTILATION))
    assert _result(text, generic) == "unknown"
    invasive = _in_progress(procedure("Invasive mechanical ventilation", "2026-11-28"))
    assert _result(text, invasive) == "met"
    assert _result(text, COLONOSCOPY) == "unknown"
    # As an inclusion, the generic entry leaves the patient a potential candidate, never ineligible.
    bullet = "Receiving invasive mechanical ventilation"
    verdict = verdict_of_inclusion_bullet(bullet, record(patient(), generic))
    assert verdict == "potential-candidate"


def test_pacemaker_or_icd_by_presence_codes_and_implantations() -> None:
    text = "Pacemaker or ICD"
    icd = condition(
        "AICD in place",
        (ICD, "Z95.810", "Presence of automatic (implantable) cardiac defibrillator"),
    )
    assert _result(text, icd) == "met"
    implantation = procedure(
        "Implantation of internal cardiac defibrillator",
        "2020-04-16",
        (SNOMED, "395218007", "Implantation of internal cardiac defibrillator"),
    )
    assert _result(text, implantation) == "met"
    pacer = procedure(
        "Insertion of permanent pacemaker",
        "2018-02-02",
        (SNOMED, "307280005", "Implantation of cardiac pacemaker"),
    )
    assert _result(text, pacer) == "met"
    assert _result(text, procedure("Pacemaker interrogation", "2026-10-10")) == "not-met"
    assert _result(text, COLONOSCOPY) == "not-met"


def test_worn_and_implanted_devices_by_status_codes() -> None:
    hearing = condition("Wears hearing aids", (ICD, "Z97.4", "Presence of external hearing-aid"))
    assert _result("Current hearing aid user", hearing) == "met"
    assert _result("Current hearing aid user", COLONOSCOPY) == "not-met"
    stimulator = condition(
        "Spinal cord stimulator in place", (ICD, "Z96.82", "Presence of neurostimulator")
    )
    assert _result("neurostimulator", stimulator) == "met"
    removed = procedure("Removal of spinal cord stimulator", "2025-01-01")
    assert _result("neurostimulator", removed) == "not-met"
    vad = condition("LVAD (HCC)", (ICD, "Z95.811", "Presence of heart assist device"))
    assert _result("LVAD", vad) == "met"
    amputee = condition(
        "S/P BKA (below knee amputation), right",
        (ICD, "Z89.511", "Acquired absence of right leg below knee"),
    )
    assert _result("Amputees", amputee) == "met"
    cpap = _in_progress(
        procedure(
            "CPAP",
            "2026-06-01",
            (SNOMED, "47545007", "Continuous positive airway pressure ventilation treatment"),
        )
    )
    assert _result("Patients on CPAP", cpap) == "met"


def test_abdominal_surgery_by_the_operations_that_open_the_abdomen() -> None:
    text = "Previous abdominal surgery"
    assert _result(text, procedure("Laparoscopic cholecystectomy", "2015-05-05")) == "met"
    assert _result(text, procedure("Appendectomy", "2001-07-07")) == "met"
    assert _result(text, procedure("Exploratory laparotomy", "2010-01-01")) == "met"
    # An operation whose words do not place it in the abdomen: not known, never "not met".
    assert _result(text, KNEE_SCOPE) == "unknown"
    assert _result(text, procedure("Surgical procedure", "2012-12-12")) == "unknown"
    assert _result(text, COLONOSCOPY) == "not-met"
    # As an inclusion, an operation of no stated site leaves the patient a potential candidate.
    bullet = "Previous abdominal surgery"
    verdict = verdict_of_inclusion_bullet(bullet, record(patient(), KNEE_SCOPE))
    assert verdict == "potential-candidate"


def test_an_unnamed_operation_is_surgery_with_its_words_left_to_a_reader() -> None:
    text = "Prior septorhinoplasty"
    assert _result(text, procedure("Septorhinoplasty", "2016-06-06")) == "unknown"
    assert _result(text, COLONOSCOPY) == "not-met"


def test_renal_replacement_therapy_is_met_by_dialysis_and_otherwise_left_to_a_reader() -> None:
    text = "Patients on renal replacement therapy"
    dialysis = condition("ESRD on dialysis", (ICD, "Z99.2", "Dependence on renal dialysis"))
    assert _result(text, dialysis) == "met"
    # A kidney transplant is renal replacement therapy too: dialysis alone cannot rule it out.
    assert _result(text, COLONOSCOPY) == "unknown"


def test_hemodialysis_against_a_dialysis_status_code_is_not_known() -> None:
    dialysis = condition("ESRD on dialysis", (ICD, "Z99.2", "Dependence on renal dialysis"))
    assert _result("On hemodialysis.", dialysis, COLONOSCOPY) == "unknown"
    # Peritoneal dialysis says which: no hemodialysis.
    exchange = procedure("Peritoneal dialysis exchange", "2026-11-28")
    assert _result("On hemodialysis.", exchange) == "not-met"


def test_ventilated_for_a_while_needs_ventilation_now_and_leaves_how_long_to_a_reader() -> None:
    text = "Continuous mechanical ventilation for ≥ 48 hours (without interruption)"
    ventilated = _in_progress(procedure("Mechanical ventilation", "2026-11-28", VENTILATION))
    assert _result(text, ventilated, exclusion=False) == "unknown"
    stopped = condition(
        "Dependence on respirator",
        (ICD, "Z99.11", "Dependence on respirator [ventilator] status"),
        status="resolved",
        abated="2026-02-02",
    )
    assert _result(text, stopped, exclusion=False) == "unknown"


def test_a_narrowed_named_operation_is_met_only_by_that_operation_and_then_left_to_a_reader() -> (
    None
):
    text = "History of bilateral mastectomy"
    both = condition(
        "Acquired absence of both breasts",
        (ICD, "Z90.13", "Acquired absence of bilateral breasts and nipples"),
    )
    assert _result(text, both) == "unknown"
    assert _result(text, COLONOSCOPY) == "not-met"


def test_a_cesarean_section_is_dated_by_the_procedure_not_by_a_later_pregnancy_entry() -> None:
    text = "History of C-section within the last 12 months"
    recent = procedure(
        "Low transverse cesarean section", "2026-03-03", (SNOMED, "11466000", "Cesarean section")
    )
    assert _result(text, recent) == "met"
    assert _result(text, procedure("Cesarean section", "2019-03-03")) == "not-met"
    # "Maternal care for scar from previous cesarean delivery" is dated by this pregnancy, not
    # by the operation: it neither meets the window nor counts as one done in it.
    scar = condition(
        "Maternal care for scar from previous cesarean delivery",
        (ICD, "O34.211", "Maternal care for low transverse scar from previous cesarean delivery"),
        onset="2026-10-01",
    )
    assert _result(text, scar, COLONOSCOPY) == "not-met"
    # A cesarean section is surgery.
    assert _result("Surgery within the last 12 months", recent) == "met"


def test_chronic_haemodialysis_does_not_meet_continuous_renal_replacement_therapy() -> None:
    """Read as any dialysis, "Continuous renal replacement therapy" excluded a patient on
    outpatient haemodialysis three times a week: now unknown (which modality), never met."""
    criterion = compile_text("Continuous renal replacement therapy", exclusion=True)
    assert criterion is not None
    on_hd = record(
        patient(),
        condition("ESRD on hemodialysis", (ICD, "Z99.2", "Dependence on renal dialysis")),
    )
    assert result_of(criterion, on_hd) == "unknown"


def test_a_status_code_recorded_last_week_is_not_an_operation_last_week() -> None:
    """Z90.11 entered on the problem list on 2026-11-25 for a 2015 mastectomy, no onset: not
    "mastectomy within the past 6 months" (it was met, by the recorded date)."""
    criterion = compile_text("Mastectomy within the past 6 months", exclusion=True)
    assert criterion is not None
    entry = condition(
        "Acquired absence of right breast",
        (ICD, "Z90.11", "Acquired absence of right breast and nipple"),
        onset=None,
    )
    entry["recordedDate"] = "2026-11-25"
    assert result_of(criterion, record(patient(), entry)) == "unknown"
    dated = condition(
        "Acquired absence of right breast",
        (ICD, "Z90.11", "Acquired absence of right breast and nipple"),
        onset="2015-06-01",
    )
    assert result_of(criterion, record(patient(), dated)) == "not-met"
