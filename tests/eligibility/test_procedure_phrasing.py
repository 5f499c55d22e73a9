"""Procedures the vocabulary knows, whose time or event is phrased otherwise: a passive verb
("major surgery was performed within 4 weeks"), the time written before the procedure ("≤ 4 weeks
from major surgery", "within 6 months of CABG", "less than 3 months since radiotherapy"), a
trailing judgement ("… and not fully recovered", "… with complications"), another case after
"or" in an exclusion ("… or planned during the study") and "surgery on or around the knee"
(`rules.procedure_phrasing`, `rules.procedures`).

Expected forms and results were written from the clinical text before running the code.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import patient, procedure, record, result_of
from tests.eligibility.signature import signature

PROCEDURES = {
    "major surgery": "major-surgery",
    "radiotherapy": "radiotherapy",
    "CABG": "coronary-artery-bypass-graft",
    "hip replacement": "hip-replacement",
    "cardiac surgery": "cardiac-surgery",
}
# (phrasing, the window it says in days)
PHRASINGS = [
    ("{p} is performed within 4 weeks", 28),
    ("{p} was performed within 4 weeks prior to enrollment", 28),
    ("{p} has been performed within the last 6 months", 183),
    ("Patients in whom {p} was done within 4 weeks", 28),
    ("≤ 4 weeks from {p}", 28),
    ("Within 6 months of {p}", 183),
    ("Less than 3 months since {p}", 91),
    ("< 28 days from prior {p}", 28),
]


@pytest.mark.parametrize("exclusion", [False, True])
@pytest.mark.parametrize(("phrasing", "days"), PHRASINGS)
@pytest.mark.parametrize("name", list(PROCEDURES))
def test_the_window_dates_the_procedure(name: str, phrasing: str, days: int, exclusion: bool):
    text = phrasing.format(p=name)
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is not None, text
    assert signature(criterion) == f"procedure:{PROCEDURES[name]}:w-{days},0,enrollment", text


@pytest.mark.parametrize("exclusion", [False, True])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Major surgery within 4 weeks and not fully recovered",
            "all-of(procedure:major-surgery:w-28,0,enrollment, text)",
        ),
        (
            "Major surgery within 4 weeks prior to enrollment and not recovered from side effects"
            " of surgery",
            "all-of(procedure:major-surgery:w-28,0,enrollment, text)",
        ),
        (
            "Radiotherapy within 4 weeks with complications",
            "all-of(procedure:radiotherapy:w-28,0,enrollment, text)",
        ),
        (
            "Prior CABG and not fully recovered",
            "all-of(procedure:coronary-artery-bypass-graft, text)",
        ),
        ("Prior cholecystectomy with complications", "all-of(procedure:cholecystectomy, text)"),
        (
            "Major surgery was performed within 4 weeks and not fully recovered",
            "all-of(procedure:major-surgery:w-28,0,enrollment, text)",
        ),
        ("Prior surgery on or around the knee", "all-of(procedure:surgery, text)"),
        (
            "Radiotherapy on or around the spine within 4 weeks",
            "all-of(procedure:radiotherapy:w-28,0,enrollment, text)",
        ),
        ("History of surgery near the shoulder", "all-of(procedure:surgery, text)"),
        # Unchanged: the site itself.
        ("Prior surgery on the knee", "procedure:knee-surgery"),
    ],
)
def test_a_judgement_or_a_nearby_site_stays_a_text_member(
    text: str, expected: str, exclusion: bool
):
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is not None, text
    assert signature(criterion) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Major surgery within the prior 6 months or planned within the next 28 days;",
            "any-of(procedure:major-surgery:w-183,0,enrollment, text)",
        ),
        (
            "Major surgery within 4 weeks or planned during the study",
            "any-of(procedure:major-surgery:w-28,0,enrollment, text)",
        ),
        (
            "Major surgery within 4 weeks prior to enrollment or not recovered from it",
            "any-of(procedure:major-surgery:w-28,0,enrollment, text)",
        ),
    ],
)
def test_another_case_after_or_is_a_text_alternative_in_an_exclusion(text: str, expected: str):
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None
    assert signature(criterion) == expected
    # In an inclusion the procedure is not necessary: the bullet stays text.
    assert compile_text(text, exclusion=False, partial=True) is None


@pytest.mark.parametrize("exclusion", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        # A procedure to come, never one done.
        "Surgery will be performed within 4 weeks",
        "Surgery to be performed within 4 weeks",
        "Surgery is planned within 4 weeks",
        "≤ 4 weeks from planned surgery",
        "Planned surgery within 4 weeks of enrollment",
        "Scheduled major surgery",
        "Surgery is not performed within 4 weeks",
        # The study's own operation.
        "Within 30 days of the procedure",
        "Within 6 months of their surgery",
        "Patients in whom surgery was done",
        # The window dates something else.
        "Antibiotics within 30 days of surgery",
        "Use of any antibiotic therapies within 30 days prior to surgery",
        "Surgery performed within 30 days of diagnosis",
        "Less than 3 months since diagnosis",
        "Within 6 months of randomization",
        "Within 4 weeks after surgery",
        # Not a procedure.
        "Patients in whom surgery is contraindicated",
    ],
)
def test_what_stays_text(text: str, exclusion: bool):
    assert compile_text(text, exclusion=exclusion, partial=True) is None, text


MAJOR = "Laparoscopic sigmoid colectomy"


def _result(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    "text",
    [
        "Major surgery was performed within 4 weeks prior to enrollment",
        "≤ 4 weeks from major surgery",
        "Less than 28 days since major surgery",
    ],
)
def test_verdicts_at_the_window_edges(text: str):
    # The records are read on 2026-12-01: 27 days before lies in the 28-day window, 29 outside.
    assert _result(text, procedure(MAJOR, "2026-11-04")) == "met"
    assert _result(text, procedure(MAJOR, "2026-11-02")) == "not-met"
    # A minor procedure in the window cannot be told major or not: never "not met".
    assert _result(text, procedure("Excision of skin lesion", "2026-11-20")) == "unknown"
    assert _result(text, procedure("Colonoscopy", "2026-11-20")) == "not-met"
    # No procedure on record at all: the record may not hold them.
    assert _result(text) == "unknown"


def test_a_trailing_judgement_excludes_nobody_by_itself():
    text = "Major surgery within 4 weeks and not fully recovered"
    assert _result(text, procedure(MAJOR, "2026-11-20")) == "unknown"
    assert _result(text, procedure(MAJOR, "2026-09-01")) == "not-met"
    assert _result(text, procedure("Colonoscopy", "2026-11-20")) == "not-met"
    # In an inclusion the surgery is still necessary.
    assert _result(text, procedure("Colonoscopy", "2026-11-20"), exclusion=False) == "not-met"
    assert _result(text, procedure(MAJOR, "2026-11-20"), exclusion=False) == "unknown"


def test_a_planned_case_beside_the_window():
    text = "Major surgery within 4 weeks or planned during the study"
    assert _result(text, procedure(MAJOR, "2026-11-20")) == "met"
    # No surgery on record: whether one is planned is not recorded.
    assert _result(text) == "unknown"
    assert _result(text, procedure(MAJOR, "2026-09-01")) == "unknown"
