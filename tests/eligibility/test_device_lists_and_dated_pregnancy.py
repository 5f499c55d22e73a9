"""Implanted devices in exclusion lists the rules read only in part (MRI / TMS contraindications,
metal implants, "such as" examples), and a pregnancy with a window ("women that have been
pregnant within 2 years") (issue 13).

Compiled forms of development-style bullets, and what they answer against records written the
way Epic exports them: devices most often only as an ICD-10-CM presence code on the problem list
(Z95.0 pacemaker, Z96.82 neurostimulator), a delivery as Z37.0. Expected forms and results were
written from the clinical text before running the code.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    PREGNANT,
    SNOMED,
    condition,
    criteria_text,
    patient,
    procedure,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature

ICD_DEVICE = "procedure:implantable-cardioverter-defibrillator"
PACEMAKER = condition(
    "Cardiac pacemaker in situ", (ICD, "Z95.0", "Presence of cardiac pacemaker"), onset=None
)
NEUROSTIMULATOR = condition(
    "Spinal cord stimulator in place", (ICD, "Z96.82", "Presence of neurostimulator"), onset=None
)
CLAUSTROPHOBIA = condition("Claustrophobia", (ICD, "F40.240", "Claustrophobia"))


def _form(text: str, *, exclusion: bool = True) -> str | None:
    return signature(compile_text(text, exclusion=exclusion, partial=True))


def _result(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Prior metallic device implants such as cardiac pacemakers/defibrillators or "
            "perfusion pumps that cannot be removed.",
            f"any-of(procedure:pacemaker, {ICD_DEVICE}, text)",
        ),
        (
            "Contraindications to MRI (claustrophobia, intraocular metal foreign bodies, "
            "pacemaker, neurostimulator, cochlear implants, old heart valves)",
            "any-of(condition:icd10cm:F40.240, procedure:pacemaker, procedure:neurostimulator,"
            " procedure:cochlear-implant, text)",
        ),
        ("Medical reasons precluding MRI (eg, pacemaker)", "any-of(procedure:pacemaker, text)"),
        ("Contraindications to MRI (e.g., pacemaker)", "any-of(procedure:pacemaker, text)"),
        (
            "Carrier of electrical equipment (pacemaker, ICD etc)",
            f"any-of(procedure:pacemaker, {ICD_DEVICE}, text)",
        ),
        (
            "Neurostimulator, bladder stimulator, non-removable insulin pump",
            "any-of(procedure:neurostimulator, text)",
        ),
        (
            "Contraindications to TMS: history of seizure/epilepsy, pacemaker, other "
            "neurological disorders, brain surgery, metal implant/fragment in the head, pregnancy",
            "any-of(condition:seizure, condition:epilepsy, procedure:pacemaker,"
            " pregnancy:pregnancy, text)",
        ),
        # An implanted electrical device is any of the active implants a record names.
        (
            "Implanted electronic devices",
            f"any-of(procedure:pacemaker, {ICD_DEVICE}, procedure:neurostimulator,"
            " procedure:cochlear-implant, text)",
        ),
        # The device's own wires do not narrow it.
        (
            "Implantable defibrillator or pacemaker (wires)",
            f"any-of({ICD_DEVICE}, procedure:pacemaker)",
        ),
    ],
)
def test_device_lists_compile_to_the_devices_named_and_text(text: str, expected: str) -> None:
    assert _form(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A device as a source of data, not a state that excludes.
        "no documented AF on ECG, ambulatory monitor, pacemaker or ICD at any time",
        "presence of a cardiac rhythm device (pacemaker or ICD) capable of AF monitoring",
        # Narrowed, allowed or conditional devices.
        "Pacemakers, ICD or other implants unless MR-conditional",
        "Prosthetic heart valves (if dehiscence is suspected)",
        "patients with external cardiac pacemakers. close",
        "Other pacemakers, e.g., for the carotid sinus",
        # A window read onto one item would widen the others.
        "Pacemaker, neurostimulator or ICD implanted within the last 3 months",
        # A qualifier after the list may reach every item.
        "Pacemaker, neurostimulator or insulin pump requiring ongoing adjustment",
    ],
)
def test_device_lists_that_narrow_date_or_allow_stay_text(text: str) -> None:
    assert _form(text) is None


def test_a_device_narrowed_by_a_clause_is_the_device_and_text() -> None:
    # `rules.narrowing_clauses`: a pacemaker leaves it unknown (it may be MR-conditional).
    assert _form("Pacemakers that are not MR-conditional") == "all-of(procedure:pacemaker, text)"
    assert _result("Pacemakers that are not MR-conditional", PACEMAKER) == "unknown"


def test_a_pacemaker_presence_code_excludes_under_an_mri_contraindication_list() -> None:
    text = "Medical reasons precluding MRI (eg, pacemaker)"
    assert _result(text, PACEMAKER) == "met"
    assert _result(text) == "unknown"  # another reason may preclude MRI
    bullet = (
        "Contraindications to MRI (claustrophobia, intraocular metal foreign bodies, "
        "pacemaker, neurostimulator, cochlear implants, old heart valves)"
    )
    assert _result(bullet, NEUROSTIMULATOR) == "met"
    assert _result(bullet, CLAUSTROPHOBIA) == "met"
    study = criteria_text(["Age 18 years or older"], [bullet])
    assert verdict_of_study(study, record(patient(), NEUROSTIMULATOR)) == "ineligible"
    assert verdict_of_study(study, record(patient())) != "ineligible"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("women that have been pregnant within 2 years", "pregnancy:pregnancy:w-731,0,enrollment"),
        ("Has been pregnant in the past 6 months", "pregnancy:pregnancy:w-183,0,enrollment"),
        (
            "Women who are pregnant (positive result for serum pregnancy test at screening "
            "visit), women who are currently nursing or lactating, women that have been pregnant "
            "within 2 years",
            "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding,"
            " pregnancy:pregnancy:w-731,0,enrollment)",
        ),
        # Any pregnancy ever, not the current state: the reader's.
        ("Have been pregnant", None),
        ("Women who have been pregnant", None),
    ],
)
def test_a_pregnancy_in_a_window(text: str, expected: str | None) -> None:
    assert _form(text) == expected


def test_a_pregnancy_in_a_window_is_met_by_a_delivery_in_it_and_never_ruled_out() -> None:
    text = "Women that have been pregnant within 2 years"
    delivered = condition("Single live birth", (ICD, "Z37.0", "Single live birth"))
    assert _result(text, {**delivered, "onsetDateTime": "2026-11-20"}) == "met"
    assert _result(text, {**delivered, "onsetDateTime": "2025-08-01"}) == "met"
    # Delivered before the window: whether she was pregnant since is not recorded.
    assert _result(text, {**delivered, "onsetDateTime": "2023-08-01"}) == "unknown"
    assert _result(text, PREGNANT) == "met"
    assert _result(text) == "unknown"
    assert result_of(compile_text(text), record(patient(gender="male"))) == "not-applicable"
    # In an inclusion, a delivery ten days ago is a pregnancy in the window, never "not met".
    inclusion = compile_text("Pregnancy within the last 6 months")
    assert inclusion is not None
    recent = {**delivered, "onsetDateTime": "2026-11-21"}
    assert result_of(inclusion, record(patient(), recent)) == "met"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Extubation must be performed after 48 hours of invasive ventilation",
            "all-of(procedure:invasive-mechanical-ventilation, text)",
        ),
        (
            "Patients extubated after at least 24 hours of mechanical ventilation",
            "all-of(procedure:mechanical-ventilation, text)",
        ),
        # An extubation without how long the patient was ventilated says nothing of it.
        ("Patients extubated after surgery", None),
    ],
)
def test_ventilation_with_how_long_it_lasted_before(text: str, expected: str | None) -> None:
    assert _form(text, exclusion=False) == expected
    # Ventilation now is met only by a procedure in progress: without one, unknown, never
    # not-met, so the inclusion hides no one.
    if expected is not None:
        assert _result(text, exclusion=False) == "unknown"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Have given birth within the past 3 months", "procedure:childbirth:w-91,0,enrollment"),
        ("Women who gave birth in the past 12 months", "procedure:childbirth:w-365,0,enrollment"),
        ("Childbirth within the past year", "procedure:childbirth:w-365,0,enrollment"),
        (
            "Pregnant or within 6 weeks of delivery",
            "any-of(pregnancy:pregnancy, procedure:childbirth:w-42,0,enrollment)",
        ),
        (
            "Pregnancy or childbirth within the past year",
            "any-of(pregnancy:pregnancy:w-365,0,enrollment,"
            " procedure:childbirth:w-365,0,enrollment)",
        ),
        # The birth to come and a birth at any time (parity) stay text.
        ("Delivery within 7 days", None),
        ("Expected delivery within 7 days", None),
        ("Has given birth", None),
        # A drug's or a dose's delivery is no birth.
        ("Radiotherapy delivered within 4 weeks", None),
        ("Drug delivery in the last 6 months", None),
    ],
)
def test_a_recent_childbirth(text: str, expected: str | None) -> None:
    assert _form(text) == expected


def test_a_recent_childbirth_against_delivery_codes_and_procedures() -> None:
    text = "Have given birth within the past 3 months"
    birth = condition("Single live birth", (ICD, "Z37.0", "Single live birth"))
    assert _result(text, {**birth, "onsetDateTime": "2026-10-01"}) == "met"
    assert _result(text, {**birth, "onsetDateTime": "2026-01-01"}) == "not-met"
    cesarean = procedure("CESAREAN SECTION", "2026-11-02", (SNOMED, "11466000", "Cesarean section"))
    assert _result(text, cesarean) == "met"
    assert _result(text, procedure("VAGINAL DELIVERY", "2026-11-02")) == "met"
    assert _result(text, procedure("Insulin pump delivery training", "2026-11-02")) == "not-met"
    assert _result(text) == "unknown"  # no procedures at all: nothing to rule it out


def test_an_inclusion_asking_for_none_of_a_device_list() -> None:
    text = "No contraindications to MRI (pacemaker, neurostimulator, aneurysm clips)"
    assert _form(text, exclusion=False) == (
        "all-of(NOT procedure:pacemaker, NOT procedure:neurostimulator, text)"
    )
    assert _result(text, PACEMAKER, exclusion=False) == "not-met"
    assert _result(text, exclusion=False) == "unknown"  # an aneurysm clip is not on record
    # A qualifier after the list may reach every item: left to a reader.
    long = (
        "No contraindications to MRI scanning (pacemaker, implanted metallic objects, severe "
        "obesity or other condition that leads to difficulty lying in the magnet)"
    )
    assert _form(long, exclusion=False) is None
