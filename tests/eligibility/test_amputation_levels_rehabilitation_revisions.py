"""Procedures and post-procedure states the compiler did not read (issue 13, session 14): the level
of an amputation (ICD-10-CM Z89.21- / Z89.22- / Z89.51- / Z89.61-), a pulmonary rehabilitation
programme or physiotherapy done in a window, the operation a revision presupposes, and a device
used now beside a plan to get one.

Expected forms and verdicts were written from the clinical text before running the code; the
records are written the way EHRs export them: a Procedure with its words (and a SNOMED CT code
where the terminology has one), a problem-list Condition with an ICD-10-CM status code.
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

BELOW_KNEE = "procedure:below-knee-amputation"
ABOVE_KNEE = "procedure:above-knee-amputation"


def _form(text: str, *, exclusion: bool = True) -> str | None:
    return signature(compile_text(text, exclusion=exclusion, partial=True))


def _result(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # Amputation levels: development bullets, then other ways of writing them.
        (
            "Unilateral transtibial or transfemoral amputee",
            False,
            f"all-of(any-of({BELOW_KNEE}, {ABOVE_KNEE}), text)",
        ),
        (
            "Unilateral below- or above-elbow amputee",
            False,
            "all-of(any-of(procedure:below-elbow-amputation, procedure:above-elbow-amputation),"
            " text)",
        ),
        ("History of below-knee amputation", True, BELOW_KNEE),
        ("Prior above knee amputation", True, ABOVE_KNEE),
        ("Transfemoral amputees", False, ABOVE_KNEE),
        ("Above- or below-knee amputee", False, f"any-of({ABOVE_KNEE}, {BELOW_KNEE})"),
        ("History of above ankle amputation", True, "procedure:above-ankle-amputation"),
        # Rehabilitation and physiotherapy done in a window.
        (
            "Pulmonary rehabilitation program during the last 2 months",
            True,
            "procedure:pulmonary-rehabilitation:w-61,0,enrollment",
        ),
        (
            "Attended a pulmonary rehabilitation programme in the last 6 months.",
            True,
            "procedure:pulmonary-rehabilitation:w-183,0,enrollment",
        ),
        (
            "physical therapy targeted for LE in the past 6 months",
            True,
            "all-of(procedure:physical-therapy:w-183,0,enrollment, text)",
        ),
        (
            "History of physical therapy program for the same shoulder in the last 6 months",
            True,
            "all-of(procedure:physical-therapy:w-183,0,enrollment, text)",
        ),
        ("Previous physiotherapy", True, "procedure:physical-therapy"),
        # A revision presupposes the operation it revises.
        (
            "Surgical plan for revision of hip replacement",
            True,
            "all-of(procedure:hip-replacement, text)",
        ),
        ("revision arthroplasty", True, "all-of(procedure:joint-replacement, text)"),
        ("Revision of Cesarean section scar", True, "all-of(procedure:cesarean-section, text)"),
        (
            "Patients undergoing revision total knee arthroplasty",
            False,
            "all-of(procedure:knee-replacement, text)",
        ),
        # A device used now beside a plan to get one: the plan is a text member.
        (
            "Patient uses a hearing aid or plans to acquire a hearing aid",
            True,
            "any-of(procedure:hearing-aid, text)",
        ),
        (
            "Current CPAP users or planning to start CPAP during the study",
            True,
            "any-of(procedure:cpap, text)",
        ),
    ],
)
def test_levels_rehabilitation_revisions_and_plans_compile(
    text: str, exclusion: bool, expected: str
) -> None:
    assert _form(text, exclusion=exclusion) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A level the codes do not tell, or no word that one was done.
        "History of below ankle amputation",
        "Below-knee amputation",
        "transmetatarsal amputation",
        # Rehabilitation now, needed, to come or another's; a bare rehabilitation programme.
        "Not currently receiving physical therapy.",
        "gait disturbances requiring physical therapy",
        "Who are currently doing some physiotherapy treatment",
        "inability to perform the pulmonary rehabilitation program.",
        "Rehabilitation/reactivation program within 2 months before or during the study",
        "Physical therapy degree",
        # A revision of what no concept names; a plan alone.
        "Patients undergoing revision rotator cuff tears will be excluded.",
        "revision surgeries",
        "Patient plans to acquire a hearing aid",
    ],
)
def test_not_a_level_not_done_or_no_concept_stays_text(text: str) -> None:
    assert _form(text) in (None, "text")


def test_comparator_words_still_compare() -> None:
    """ "Below" and "above" before a number are still comparators (only a limb level is not)."""
    assert _form("Hemoglobin below 9 g/dL") == _form("Hemoglobin < 9 g/dL")


# ------------------------------------------------------------------------- verdicts

BKA_PROCEDURE = procedure("Below knee amputation, left", "2019-06-01")
BKA_STATUS = condition(
    "Status post below knee amputation of left lower extremity",
    (ICD, "Z89.512", "Acquired absence of left leg below knee"),
    onset="2019-06-01",
)
COLONOSCOPY = procedure("Colonoscopy", "2024-05-05")
TOE_STATUS = condition(
    "Acquired absence of left great toe",
    (ICD, "Z89.412", "Acquired absence of left great toe"),
    onset="2020-02-02",
)


def test_a_below_knee_amputation_is_found_as_a_procedure_and_as_a_status_code() -> None:
    text = "History of below-knee amputation"
    assert _result(text, BKA_PROCEDURE) == "met"
    assert _result(text, BKA_STATUS) == "met"
    # Above the ankle: the below-knee one is; a toe is not.
    assert _result("History of above ankle amputation", BKA_STATUS) == "met"
    # A toe, with procedures on record: no amputation above the ankle; with none recorded, the
    # record cannot rule one out (the evaluator's absence policy).
    assert _result("History of above ankle amputation", TOE_STATUS, COLONOSCOPY) == "not-met"
    assert _result("History of above ankle amputation", TOE_STATUS) == "unknown"
    # A toe amputation is no transfemoral one.
    assert _result("Transfemoral amputees", TOE_STATUS, COLONOSCOPY, exclusion=False) == "not-met"


def test_an_amputee_inclusion_by_status_code() -> None:
    bullet = "Unilateral transtibial or transfemoral amputee"
    # The level is on record; "unilateral" is the reader's.
    assert verdict_of_inclusion_bullet(bullet, record(patient(), BKA_STATUS)) != "ineligible"
    # Only a toe, procedures on record: neither level.
    toe_only = record(patient(), TOE_STATUS, COLONOSCOPY)
    assert verdict_of_inclusion_bullet(bullet, toe_only) == "ineligible"


PULMONARY_REHAB = procedure(
    "Pulmonary rehabilitation",
    "2026-10-15",
    (SNOMED, "15081005", "Pulmonary rehabilitation"),
)
OLD_REHAB = procedure("Outpatient pulmonary rehabilitation programme", "2024-03-01")
PHYSIO = procedure(
    "Physical therapy, shoulder", "2026-08-01", (SNOMED, "91251008", "Physical therapy procedure")
)


def test_rehabilitation_in_its_window() -> None:
    text = "Pulmonary rehabilitation program during the last 2 months"
    assert _result(text, PULMONARY_REHAB) == "met"
    assert _result(text, OLD_REHAB) == "not-met"
    shoulder = "History of physical therapy program for the same shoulder in the last 6 months"
    # Physiotherapy in the window: for which shoulder is the reader's.
    assert _result(shoulder, PHYSIO) == "unknown"
    assert _result(shoulder, PULMONARY_REHAB) == "not-met"


HIP_STATUS = condition(
    "Presence of right artificial hip joint",
    (ICD, "Z96.641", "Presence of right artificial hip joint"),
    onset="2015-04-04",
)
HIP_PROCEDURE = procedure("Total hip replacement, right", "2015-04-04")


def test_a_revision_needs_the_operation_it_revises() -> None:
    text = "Surgical plan for revision of hip replacement"
    # A replaced hip, as a status code or a Procedure: whether a revision is planned is unknown.
    assert _result(text, HIP_STATUS) == "unknown"
    assert _result(text, HIP_PROCEDURE) == "unknown"
    # Only a knee operation on record: no hip to revise.
    assert _result(text, procedure("Arthroscopy of knee, right", "2021-03-03")) == "not-met"


HEARING_AID = condition("Wears hearing aids", (ICD, "Z97.4", "Presence of external hearing-aid"))


def test_a_hearing_aid_meets_the_exclusion_and_none_leaves_the_plan_open() -> None:
    text = "Patient uses a hearing aid or plans to acquire a hearing aid"
    assert _result(text, HEARING_AID) == "met"
    assert _result(text, COLONOSCOPY) == "unknown"


# ------------------------------------------------ dependence on a wheelchair, bed, oxygen


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wheelchair users;", "procedure:wheelchair"),
        (
            "Is wheelchair bound or bedridden",
            "any-of(procedure:wheelchair, procedure:bed-confinement)",
        ),
        ("Bedridden patients", "procedure:bed-confinement"),
        ("Patients on home oxygen therapy", "procedure:supplemental-oxygen"),
        (
            "history of myocardial infarction, supplemental oxygen requirement, or diabetes",
            "any-of(condition:myocardial-infarction, procedure:supplemental-oxygen,"
            " condition:diabetes-mellitus)",
        ),
        ("Oxygen-dependent COPD", "all-of(procedure:supplemental-oxygen, condition:copd)"),
    ],
)
def test_dependence_states_compile(text: str, expected: str) -> None:
    assert _form(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Needed, refused, past or acute, not the patient's dependence now.
        "Patients who need a wheelchair",
        "Known history of physical impairment such as immobility, use of walking aids, or"
        " required wheelchair use.",
        "Wheelchair accessible home",
        "Oxygen saturation <90% by pulse oximetry refractory to supplemental oxygen, or in a"
        " patient unable or unwilling to use supplemental oxygen;",
    ],
)
def test_dependence_not_now_stays_text(text: str) -> None:
    assert _form(text) in (None, "text")


def test_without_a_wheelchair_is_not_a_wheelchair_user() -> None:
    assert _form("Able to walk without a wheelchair", exclusion=False) in (None, "text")


WHEELCHAIR = condition("Wheelchair bound", (ICD, "Z99.3", "Dependence on wheelchair"))
HOME_OXYGEN = {
    **procedure("Home oxygen therapy, 2 L/min via nasal cannula", "2025-02-01"),
    "status": "in-progress",
}
OXYGEN_STATUS = condition(
    "Dependence on supplemental oxygen", (ICD, "Z99.81", "Dependence on supplemental oxygen")
)


def test_dependence_by_status_code_and_by_procedure() -> None:
    assert _result("Wheelchair users;", WHEELCHAIR) == "met"
    assert _result("Is wheelchair bound or bedridden", WHEELCHAIR) == "met"
    assert _result("Patients on home oxygen therapy", OXYGEN_STATUS) == "met"
    assert _result("Patients on home oxygen therapy", HOME_OXYGEN) == "met"
    # Resolved: no longer dependent, but it may have come back — never "not met" for that.
    resolved = condition(
        "Dependence on supplemental oxygen",
        (ICD, "Z99.81", "Dependence on supplemental oxygen"),
        status="resolved",
        abated="2025-06-01",
    )
    assert _result("Patients on home oxygen therapy", resolved) == "unknown"


def test_no_wheelchair_on_record_rules_nothing_out() -> None:
    """Wheelchairs and home oxygen are equipment, charted elsewhere than as procedures: a
    procedure list without one is no evidence the patient walks or breathes unaided."""
    assert _result("Wheelchair users;", COLONOSCOPY) == "unknown"
    bullet = "Patients on home oxygen therapy"
    assert verdict_of_inclusion_bullet(bullet, record(patient(), COLONOSCOPY)) != "ineligible"


def test_an_amputation_of_no_stated_level_leaves_the_level_open() -> None:
    """ "Amputation of lower limb" may have been below the knee: `unknown`; a toe, a foot or the
    knee's other side says it was not."""
    text = "History of below-knee amputation"
    unspecified = procedure("Amputation of lower limb", "2018-01-01")
    assert _result(text, unspecified) == "unknown"
    unspecified_code = condition(
        "Acquired absence of limb", (ICD, "Z89.9", "Acquired absence of limb, unspecified")
    )
    assert _result(text, unspecified_code, COLONOSCOPY) == "unknown"
    assert _result(text, procedure("Amputation of right great toe", "2018-01-01")) == "not-met"
    above = condition(
        "Acquired absence of right leg above knee",
        (ICD, "Z89.611", "Acquired absence of right leg above knee"),
    )
    assert _result(text, above, COLONOSCOPY) == "not-met"
    # Above the ankle: an above-knee one is.
    assert _result("History of above ankle amputation", above) == "met"


# ------------------------------------------------------ a device named with its maker


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Cochlear Nucleus cochlear implant users or Advanced Bionics cochlear implant users",
            "all-of(procedure:cochlear-implant, text)",
        ),
        ("Cochlear Nucleus cochlear implant users", "all-of(procedure:cochlear-implant, text)"),
        ("Bimodal hearing aid users", "all-of(procedure:hearing-aid, text)"),
        # Negated, a candidate, or past: not the narrowed device in use.
        ("Patients without cochlear implant", "NOT procedure:cochlear-implant"),
        ("Potential cochlear implant candidates", None),
        ("Former hearing aid users", None),
    ],
)
def test_a_device_named_with_its_maker_keeps_the_name_as_text(
    text: str, expected: str | None
) -> None:
    assert _form(text, exclusion=False) == expected


COCHLEAR_STATUS = condition("Cochlear implant status", (ICD, "Z96.21", "Cochlear implant status"))
COCHLEAR_PROCEDURE = procedure("Cochlear implantation, right ear", "2019-09-09")


def test_a_brand_of_cochlear_implant_needs_an_implant_and_leaves_the_brand_open() -> None:
    bullet = "Cochlear Nucleus cochlear implant users"
    assert verdict_of_inclusion_bullet(bullet, record(patient(), COCHLEAR_STATUS)) != "ineligible"
    assert _result(bullet, COCHLEAR_PROCEDURE, exclusion=False) == "unknown"
    assert _result(bullet, COLONOSCOPY, exclusion=False) == "not-met"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The common contraindication to MRI, peacemaker, metallic foreign bodies, and"
            " claustrophobia",
            "any-of(procedure:pacemaker, condition:icd10cm:F40.240, text)",
        ),
        ("History of peacemaker implantation", "procedure:pacemaker"),
    ],
)
def test_peacemaker_is_a_pacemaker(text: str, expected: str) -> None:
    """A misspelling two development studies share (NCT03860909, NCT03933072)."""
    assert _form(text) == expected


def test_a_peacemaker_in_an_mri_list_is_met_by_a_pacemaker_status_code() -> None:
    pacemaker = condition(
        "Presence of cardiac pacemaker", (ICD, "Z95.0", "Presence of cardiac pacemaker")
    )
    text = "The common contraindication to MRI, peacemaker, metallic foreign bodies, and"
    text += " claustrophobia"
    assert _result(text, pacemaker) == "met"
    assert _result(text, COLONOSCOPY) == "unknown"
