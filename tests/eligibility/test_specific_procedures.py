"""Named operations (cholecystectomy, hysterectomy, mastectomy, splenectomy, appendectomy,
bariatric surgery, cataract surgery, CABG, PCI): their own `procedure` concepts, met by a
Procedure whose words name them or by a status / acquired-absence code (ICD-10-CM, checked
against the release), ruled out only by a procedure list without one (as `surgery`).

Expected forms and results were written from the clinical text before running the code.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, procedure, record, result_of
from tests.eligibility.signature import signature

NAMED = (
    "cholecystectomy",
    "appendectomy",
    "hysterectomy",
    "mastectomy",
    "splenectomy",
    "bariatric-surgery",
    "cataract-surgery",
    "coronary-artery-bypass-graft",
    "percutaneous-coronary-intervention",
)


def _result(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Development bullets.
        ("Previously had bariatric surgery", "procedure:bariatric-surgery"),
        ("History of bariatric surgery;", "procedure:bariatric-surgery"),
        (
            "Having had bariatric surgery within last 2 years.",
            "procedure:bariatric-surgery:w-731,0,enrollment",
        ),
        (
            "past history of myocardial infarction or percutaneous coronary intervention or"
            " coronary artery bypass graft",
            "any-of(condition:myocardial-infarction, procedure:percutaneous-coronary-intervention,"
            " procedure:coronary-artery-bypass-graft)",
        ),
        # Forms of the same shape.
        ("Prior cholecystectomy", "procedure:cholecystectomy"),
        ("History of hysterectomy", "procedure:hysterectomy"),
        ("Previous mastectomy", "procedure:mastectomy"),
        ("Prior splenectomy", "procedure:splenectomy"),
        ("Prior appendectomy", "procedure:appendectomy"),
        ("Prior cataract surgery within 6 months", "procedure:cataract-surgery:w-183,0,enrollment"),
        ("History of CABG", "procedure:coronary-artery-bypass-graft"),
    ],
)
def test_named_operations_compile_to_their_concept(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True, partial=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # The study's own operation, not one done.
        "Scheduled for laparoscopic cholecystectomy",
        "Patients undergoing coronary artery bypass in Dijon University hospital",
        "planning to undergo cataract surgery",
        # A word narrows the operation: a broader concept would exclude wrongly (alone; with the
        # narrowing word as a text member, test_a_narrowed_operation_keeps_its_word_as_text).
        "Patients with previous revision bariatric surgery",
        "primary PCI",
    ],
)
def test_operations_not_done_or_narrowed_do_not_compile_to_the_concept(text: str) -> None:
    form = signature(compile_text(text, exclusion=True, partial=True)) or ""
    assert not any(f"procedure:{c}" in form for c in NAMED), form


def test_a_narrowed_operation_keeps_its_word_as_text() -> None:
    """A radical hysterectomy is a hysterectomy: none on record rules it out, one on record
    leaves whether it was radical to a reader."""
    form = signature(compile_text("Previous radical hysterectomy", exclusion=True, partial=True))
    assert form == "all-of(procedure:hysterectomy, text)"


def test_every_named_concept_is_in_the_terminology() -> None:
    concepts = terminology.terminology().concepts
    for concept in NAMED:
        assert concept in concepts, concept


def test_cholecystectomy_against_records() -> None:
    text = "Prior cholecystectomy"
    assert _result(text, procedure("Laparoscopic cholecystectomy", "2019-03-02")) == "met"
    assert _result(text, condition("History of cholecystectomy")) == "met"
    assert _result(text, procedure("Colonoscopy", "2019-05-02")) == "not-met"
    assert _result(text) == "unknown"


def test_hysterectomy_by_words_or_acquired_absence() -> None:
    text = "History of hysterectomy"
    absence = (ICD, "Z90.710", "Acquired absence of both cervix and uterus")
    assert _result(text, condition("Acquired absence of uterus and cervix", absence)) == "met"
    assert _result(text, procedure("Total abdominal hysterectomy", "2010-01-01")) == "met"
    # Acquired absence of the cervix alone is not a hysterectomy.
    cervix = (ICD, "Z90.712", "Acquired absence of cervix with remaining uterus")
    assert _result(text, condition("Status post trachelectomy", cervix)) == "unknown"
    assert _result(text, procedure("Knee arthroscopy", "2019-05-02")) == "not-met"


def test_bariatric_surgery_in_a_window() -> None:
    text = "Having had bariatric surgery within last 2 years."
    recent = procedure("Laparoscopic sleeve gastrectomy", "2025-06-01")
    old = procedure("Roux-en-Y gastric bypass", "2015-06-01")
    assert _result(text, recent) == "met"
    assert _result(text, old) == "not-met"
    status = (ICD, "Z98.84", "Bariatric surgery status")
    entry = condition("Bariatric surgery status", status)
    assert _result("History of bariatric surgery", entry) == "met"


def test_coronary_revascularisation_by_status_codes_and_procedures() -> None:
    cabg = "History of CABG"
    assert _result(cabg, condition("CABG status", (ICD, "Z95.1", "x"))) == "met"
    assert _result(cabg, procedure("Coronary artery bypass graft x3", "2016-02-02")) == "met"
    assert _result(cabg, procedure("Appendectomy", "2016-02-02")) == "not-met"
    pci = "History of PCI"
    stent = (ICD, "Z95.5", "Presence of coronary angioplasty implant and graft")
    assert _result(pci, condition("Coronary stent in place", stent)) == "met"
    assert _result(pci, procedure("PCI with drug-eluting stent, LAD", "2020-04-04")) == "met"
    assert _result(pci) == "unknown"


def test_cataract_surgery_by_extraction_status() -> None:
    text = "Prior cataract surgery"
    status = (ICD, "Z98.41", "Cataract extraction status, right eye")
    assert _result(text, condition("Cataract extraction status, right eye", status)) == "met"
    assert _result(text, procedure("Phacoemulsification of cataract, left eye", "2021-1-1")) == (
        "met"
    )
    # An intraocular lens alone (Z96.1) may be a refractive lens: not read as cataract surgery.
    lens = (ICD, "Z96.1", "Presence of intraocular lens")
    assert _result(text, condition("Presence of intraocular lens", lens)) == "unknown"
