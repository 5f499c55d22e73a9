"""A word that narrows a drug, a procedure, a lab value or a state never vanishes (issue 13,
session 14, second probe).

The first probe (test_narrowing_never_vanishes.py) wrapped diagnoses in narrowing frames. This
one wraps what the compiler reads as a bare medication, procedure, lab value with a threshold,
performance status, pregnancy or age in the frames real criteria use that change its meaning:
for a drug, allergy or intolerance to it, a contraindication, naive to it, failed on it, planned,
during the study, for one indication, at a stable dose, stopped, "except topical", a harm it
induced; for a procedure, planned, a candidate for it, the other side, its complications, its
anaesthesia; for a lab value, measured after something, twice, without transfusion, corrected,
unless due to something, at diagnosis, in the past; for a state, the partner's, the mother's, at
diagnosis, at first symptom. Each is compiled as an exclusion and an inclusion, alone and as the
only bullet of an outline, and must not read as the bare form (qualifiers, window, count,
other_than and value_concept included), nor as an any-of holding it. An inclusion for a subgroup
("ALT < 135 U/L in patients with diabetes") is any-of(NOT subgroup, value): the conditional
reading, right for an inclusion.

Expectation, written from the clinical text before running the code: every frame below names
other patients than the bare form (another moment, another person, another relation to the
drug), so its reading is never the bare one. Frames fixed in this session (they read as the bare
value or state before): "X at diagnosis" and "X in the past" after a lab value, a performance
status or pregnancy (`rules.state_moments`).
"""

from __future__ import annotations

from functools import cache

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import LOINC, ecog, observation, patient, record, result_of
from tests.eligibility.full_form import full_form
from tests.eligibility.signature import signature

# Bare readings of development leaves ("Use of antiepileptics", "Beta-blockers", "History of
# bariatric surgery", "Hemoglobin < 10 g/dL", "ECOG PS 0-1", "- Pregnancy", "Age 18-65").
MEDICATIONS = (
    *("insulin", "beta-blockers", "statins", "anticoagulants", "antidepressants"),
    *("antiepileptics", "antipsychotics", "benzodiazepines", "opioids", "warfarin", "heparin"),
    *("immunosuppressive drugs", "systemic corticosteroids", "antibiotics", "NSAIDs"),
    *("antiretroviral therapy", "vitamin K antagonists", "hormonal contraception"),
    *("metformin", "amiodarone", "aspirin", "methotrexate"),
)
PROCEDURES = (
    *("dialysis", "hemodialysis", "bariatric surgery", "cardiac surgery", "cesarean section"),
    *("gastrectomy", "knee surgery", "spinal surgery", "tracheostomy", "pacemaker"),
    *("cochlear implant", "amputation", "cataract surgery", "knee replacement", "surgery"),
)
LABS = (
    *("ALT < 135 U/L", "creatinine ≤ 1.5 mg/dL", "HbA1c < 6%", "hemoglobin < 10 g/dL"),
    *("platelets < 100,000/mm3", "bilirubin ≤ 3 x ULN", "eGFR < 45", "QTcF > 470 ms"),
    *("BMI under 18.5", "LVEF < 30%", "ALT > 3 x ULN", "absolute neutrophil count > 1500/mm3"),
)
MEASURED_STATES = ("ECOG 0-1", "ECOG performance status ≥ 2", "Karnofsky ≥ 70%", "pregnancy")
STATES = (*MEASURED_STATES, "pregnant", "age ≥ 18 years", "age < 65 years", "age 18-65 years")
# A bare drug or procedure the compiler reads only with its lead ("Metformin" alone stays text).
_LEADS = {"medication": "Use of {X}", "procedure": "History of {X}"}

MEDICATION_FRAMES = (
    *("allergy to {X}", "allergy or intolerance to {X}", "intolerance to {X}"),
    *("hypersensitivity to {X}", "known hypersensitivity to {X}", "contraindication to {X}"),
    *("contraindications to {X}", "{X}-naive", "{X} naive", "naive to {X}", "failed {X}"),
    *("failure of {X}", "refractory to {X}", "resistant to {X}", "planned {X}", "{X} planned"),
    *("{X} during the study", "planned use of {X} during the study", "{X} for hypertension"),
    *("{X} for depression", "{X} at a stable dose", "stable dose of {X}", "{X} discontinued"),
    *("unable to take {X}", "willing to stop {X}", "{X} in the last 30 days"),
    *("{X} within 3 months", "{X} (except topical)", "{X}, except topical"),
    *("{X}-induced hepatitis", "{X}-induced liver injury", "use of {X} in the last 30 days"),
    *("{X} stopped more than 3 months ago", "{X} withdrawn", "inability to tolerate {X}"),
    *("adverse reaction to {X}", "side effects of {X}", "topical {X}", "inhaled {X}"),
    *("{X} eye drops", "history of {X} allergy", "{X} allergy"),
)
PROCEDURE_FRAMES = (
    *("planned {X}", "scheduled {X}", "{X} planned", "{X} scheduled", "candidate for {X}"),
    *("eligible for {X}", "scheduled for {X}", "awaiting {X}", "{X} of the other side"),
    *("{X} on the contralateral side", "contralateral {X}", "complications of {X}"),
    *("complication of {X}", "{X} within 6 weeks", "{X} in the last 3 months"),
    *("{X} under general anaesthesia", "{X} under general anesthesia"),
    *("{X} under local anesthesia", "need for {X}", "refusal of {X}"),
    *("contraindication to {X}", "failed {X}", "{X} complications", "{X} during the study"),
    *("{X} in the mother", "emergency {X}", "{X} planned during the study"),
)
LAB_FIXED_FRAMES = ("{X} at diagnosis", "{X} in the past")
LAB_SAFE_FRAMES = (
    *("{X} measured after treatment", "{X} measured after transfusion"),
    *("{X} on two occasions", "{X} on 2 consecutive measurements", "{X} without transfusion"),
    *("{X} without transfusion support", "{X} in patients with diabetes"),
    *("{X} in patients with liver metastases", "{X} corrected for age"),
    *("{X} corrected for calcium", "{X} unless due to Gilbert's syndrome"),
    *("{X} unless due to liver metastases", "{X} unless due to disease"),
    *("{X} if due to liver metastases", "{X} in the mother", "{X} of the mother"),
    *("{X} within 7 days", "{X} after transfusion", "{X} without growth factor support"),
    *("{X} in the absence of transfusion",),
)
STATE_FIXED_FRAMES = ("{X} at diagnosis",)
STATE_SAFE_FRAMES = (
    *("{X} of the partner", "{X} of the mother", "{X} at first symptom", "{X} at first symptoms"),
    *("{X} at symptom onset", "{X} at onset", "{X} at the time of diagnosis", "partner {X}"),
    *("maternal {X}", "mother's {X}", "partner's {X}", "{X} in the partner", "{X} in the mother"),
    *("{X} at birth", "{X} at first diagnosis"),
)

CASES = (
    *(("medication", MEDICATIONS, frame) for frame in MEDICATION_FRAMES),
    *(("procedure", PROCEDURES, frame) for frame in PROCEDURE_FRAMES),
    *(("lab", LABS, frame) for frame in LAB_FIXED_FRAMES + LAB_SAFE_FRAMES),
    *(("state", STATES, frame) for frame in STATE_FIXED_FRAMES + STATE_SAFE_FRAMES),
    ("state", MEASURED_STATES, "{X} in the past"),  # fixed; an age "in the past" means nothing
)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


@cache
def _forms(text: str, exclusion: bool) -> tuple[str, str]:
    """The reading of a bullet alone and as the only bullet of an outline."""
    alone = full_form(compile_text(text, exclusion=exclusion, partial=True))
    section = "Exclusion" if exclusion else "Inclusion"
    nodes = compile_outline(parse_outline(f"{section} Criteria:\n\n* {text}"))
    return alone, full_form(nodes[0].criterion if nodes else None)


@cache
def _bare(kind: str, item: str, exclusion: bool) -> tuple[str, str]:
    forms = _forms(_capitalized(item), exclusion)
    if forms == ("text", "text") and kind in _LEADS:
        forms = _forms(_LEADS[kind].format(X=item), exclusion)
    return forms


def _bare_or_wider(narrowed: str, bare: str, *, exclusion: bool) -> bool:
    if narrowed == bare:
        return True
    if not narrowed.startswith("any-of["):
        return False
    members = _members(narrowed[narrowed.index("(") + 1 : -1])
    if not exclusion and members[0].startswith("NOT "):
        return False  # "X in patients with Y" in an inclusion: any-of(NOT Y, X), conditional
    return bare in members


def _members(body: str) -> list[str]:
    members, depth, start = [], 0, 0
    for index, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0 and body[index + 1 : index + 2] == " ":
            members.append(body[start:index].strip())
            start = index + 1
    members.append(body[start:].strip())
    return members


@pytest.mark.parametrize(
    ("kind", "items"),
    [("medication", MEDICATIONS), ("procedure", PROCEDURES), ("lab", LABS), ("state", STATES)],
)
def test_the_bare_form_is_read(kind: str, items: tuple[str, ...]) -> None:
    """The probe means something only if the bare form is read."""
    unread = [
        item
        for item in items
        for exclusion in (True, False)
        if "text" in _bare(kind, item, exclusion)
    ]
    assert unread == []


@pytest.mark.parametrize(("kind", "items", "frame"), CASES)
def test_a_narrowing_frame_never_reads_as_the_barefull_form(
    kind: str, items: tuple[str, ...], frame: str
) -> None:
    vanished = []
    for item in items:
        text = _capitalized(frame.format(X=item))
        for exclusion in (True, False):
            bare = _bare(kind, item, exclusion)
            for path, form, bare_form in zip(
                ("alone", "outline"), _forms(text, exclusion), bare, strict=True
            ):
                if _bare_or_wider(form, bare_form, exclusion=exclusion):
                    section = "exclusion" if exclusion else "inclusion"
                    vanished.append(f"{text} ({section}, {path}): {form}")
    assert vanished == []


# Another person's value, or the value at another moment: the patient's own value now is no
# necessary part of the inclusion, so it must not be kept as all-of(value, TEXT).
ELSEWHERE_CASES = (
    *(("lab", LABS, frame) for frame in ("{X} in the mother", "{X} of the mother")),
    *(("lab", LABS, frame) for frame in ("{X} at diagnosis", "{X} in the past")),
    *(("state", MEASURED_STATES, frame) for frame in ("{X} of the partner", "{X} in the partner")),
    *(("state", MEASURED_STATES, frame) for frame in ("{X} of the mother", "{X} in the mother")),
    *(("state", MEASURED_STATES, frame) for frame in ("{X} at onset", "{X} at first symptom")),
    *(("state", MEASURED_STATES, frame) for frame in ("{X} at diagnosis", "partner's {X}")),
)


@pytest.mark.parametrize(("kind", "items", "frame"), ELSEWHERE_CASES)
def test_someone_elses_value_is_no_part_of_the_patients(
    kind: str, items: tuple[str, ...], frame: str
) -> None:
    """Fixed in this session: "ECOG 0-1 of the partner", "Hemoglobin > 9 g/dL of the mother",
    "ECOG 0-1 at onset" kept the patient's own value now as a necessary part
    (`rules.measure_parts`): a patient whose partner is ECOG 0 and he is ECOG 3 failed it."""
    kept = []
    for item in items:
        text = _capitalized(frame.format(X=item))
        bare = _bare(kind, item, False)
        for path, form, bare_form in zip(
            ("alone", "outline"), _forms(text, False), bare, strict=True
        ):
            if form.startswith("all-of[") and bare_form in _members(form[form.index("(") + 1 : -1]):
                kept.append(f"{text} ({path}): {form}")
    assert kept == []


def test_the_check_sees_a_vanished_word() -> None:
    """The comparison flags the bare form and an any-of holding it, not a narrower reading, and
    lets an inclusion's conditional any-of(NOT subgroup, value) pass."""
    bare = "lab:hemoglobin::<10.0..Noneg/dL::{}:<>"
    assert _bare_or_wider(bare, bare, exclusion=True)
    assert _bare_or_wider(f"any-of[]({bare}, text)", bare, exclusion=False)
    assert not _bare_or_wider(f"all-of[]({bare}, text)", bare, exclusion=True)
    assert not _bare_or_wider(f"any-of[](NOT condition:x, {bare})", bare, exclusion=False)
    assert _bare_or_wider(f"any-of[](NOT condition:x, {bare})", bare, exclusion=True)
    assert not _bare_or_wider("text", bare, exclusion=True)


HEMOGLOBIN = (LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood")


@pytest.mark.parametrize(
    "text",
    [
        "Hemoglobin < 10 g/dL at diagnosis",
        "Hemoglobin < 10 g/dL in the past",
        "Hemoglobin < 10 g/dL at diagnosis of cancer",
    ],
)
def test_a_low_value_now_is_not_a_low_value_then(text: str) -> None:
    """His hemoglobin is 9 g/dL now; nothing says what it was at diagnosis or before: the
    exclusion is not met outright."""
    low_now = observation(
        HEMOGLOBIN, "2026-11-20", valueQuantity={"value": 9, "unit": "g/dL", "code": "g/dL"}
    )
    criterion = compile_text(text, exclusion=True, partial=True)
    assert (
        criterion is None
        or result_of(criterion, record(patient(), low_now), excluding=True) != "met"
    )


def test_a_performance_status_now_is_not_the_one_at_diagnosis() -> None:
    criterion = compile_text("ECOG performance status ≥ 2 at diagnosis", exclusion=True)
    assert (
        criterion is None
        or result_of(criterion, record(patient(), ecog("2026-11-20", 2)), excluding=True) != "met"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The bare value keeps its reading; a window stays a window.
        ("Hemoglobin < 10 g/dL", "lab:hemoglobin:<10g/dL"),
        ("Hemoglobin < 10 g/dL in the past 6 months", "lab:hemoglobin:<10g/dL:w-183,0,enrollment"),
        ("Hemoglobin < 10 g/dL at diagnosis", None),
        ("ECOG 0-1 at diagnosis", None),
        ("Pregnancy in the past", None),
    ],
)
def test_the_moment_after_a_state(text: str, expected: str | None) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize("text", ["ECOG 0-1 of the partner", "ECOG 0-1 at onset"])
def test_a_patient_with_a_poor_performance_status_now_is_not_failed(text: str) -> None:
    """He is ECOG 3 now; the bullet asks about his partner's, or his at onset: not failed."""
    criterion = compile_text(text, exclusion=False, partial=True)
    poor_now = record(patient(), ecog("2026-11-20", 3))
    assert criterion is None or result_of(criterion, poor_now) != "not-met"
