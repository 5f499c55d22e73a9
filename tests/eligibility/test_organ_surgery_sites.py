"""Surgery on the gastrointestinal tract or inside the eye as a whole: `gastrointestinal-surgery`
and `intraocular-surgery`, like `abdominal-surgery` — met by an operation whose words (or status
code, ICD-10-CM checked against the release) say so, `unknown` against any other operation (its
site may not be stated), `not-met` only for a procedure list holding no surgery, and `unknown`
for an undated status code against a window.

Expected forms and results were written from the clinical text before running the code.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, procedure, record, result_of
from tests.eligibility.signature import signature


def _result(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Development bullet.
        (
            "previous intra-ocular surgery during the last three months.",
            "procedure:intraocular-surgery:w-91,0,enrollment",
        ),
        # Forms of the same shape.
        ("History of gastrointestinal surgery", "procedure:gastrointestinal-surgery"),
        ("Prior GI surgery", "procedure:gastrointestinal-surgery"),
        ("Previous surgery of the gastrointestinal tract", "procedure:gastrointestinal-surgery"),
        ("History of digestive tract surgery", "procedure:gastrointestinal-surgery"),
        (
            "Gastrointestinal surgery within 4 weeks prior to enrollment",
            "procedure:gastrointestinal-surgery:w-28,0,enrollment",
        ),
        ("Prior intraocular surgery", "procedure:intraocular-surgery"),
        # A part of the tract is narrower than the tract: the site stays text.
        ("Previous upper gastrointestinal tract surgery", "all-of(procedure:surgery, text)"),
        ("Previous esophageal surgery", "all-of(procedure:surgery, text)"),
        # The abdomen keeps its own concept.
        ("Previous abdominal surgery", "procedure:abdominal-surgery"),
    ],
)
def test_whole_organ_sites_compile_to_their_concept(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    ["Patients undergoing gastrointestinal surgery", "planned intra-ocular surgery."],
)
def test_an_operation_to_come_is_not_one_done(text: str) -> None:
    criterion = compile_text(text, exclusion=True)
    assert "gastrointestinal-surgery" not in str(criterion)
    assert "intraocular-surgery" not in str(criterion)


def test_gastrointestinal_surgery_against_epic_records() -> None:
    text = "History of gastrointestinal surgery"
    # Status codes an Epic problem list carries instead of the operation.
    for code, title in (
        ("Z98.84", "Bariatric surgery status"),
        ("Z90.3", "Acquired absence of stomach [part of]"),
        ("Z98.0", "Intestinal bypass and anastomosis status"),
        ("Z93.3", "Colostomy status"),
    ):
        assert _result(text, condition(title, (ICD, code, title))) == "met", code
    assert _result(text, procedure("Laparoscopic right hemicolectomy", "2019-03-02")) == "met"
    assert _result(text, procedure("Ivor Lewis esophagectomy", "2018-03-02")) == "met"
    # Another operation: whether it was on the gut is not recorded.
    assert _result(text, procedure("Total knee arthroplasty", "2019-03-02")) == "unknown"
    # A colonoscopy with a polypectomy is an endoscopy, not gastrointestinal surgery.
    polyp = procedure("Colonoscopy with polypectomy", "2023-03-02")
    assert _result(text, polyp) != "met"
    # A procedure list without surgery rules it out; no procedures at all does not.
    assert _result(text, procedure("Transthoracic echocardiogram", "2024-01-01")) == "not-met"
    assert _result(text) == "unknown"
    assert _result(text, condition("Essential hypertension")) == "unknown"


def test_a_windowed_exclusion_is_unknown_from_an_undated_status_code() -> None:
    text = "Gastrointestinal surgery within 4 weeks prior to enrollment"
    status = condition("Bariatric surgery status", (ICD, "Z98.84", "x"), onset=None)
    assert _result(text, status) == "unknown"
    old = procedure("Laparoscopic sleeve gastrectomy", "2015-06-01")
    assert _result(text, old) == "not-met"
    recent = procedure("Small bowel resection", "2026-11-20")
    assert _result(text, recent) == "met"


def test_intraocular_surgery_against_epic_records() -> None:
    text = "Prior intraocular surgery"
    lens = (ICD, "Z96.1", "Presence of intraocular lens")
    assert _result(text, condition("Pseudophakia of right eye", lens)) == "met"
    extraction = (ICD, "Z98.42", "Cataract extraction status, left eye")
    assert _result(text, condition("Cataract extraction status, left eye", extraction)) == "met"
    assert _result(text, procedure("Pars plana vitrectomy, right eye", "2020-05-05")) == "met"
    # An intravitreal injection is not surgery; a blepharoplasty is surgery outside the eye.
    injection = procedure("Intravitreal injection of aflibercept", "2026-10-01")
    assert _result(text, injection) == "not-met"
    assert _result(text, procedure("Upper eyelid blepharoplasty", "2020-05-05")) == "unknown"
    assert _result(text) == "unknown"


def test_intraocular_surgery_in_a_window() -> None:
    text = "previous intra-ocular surgery during the last three months."
    recent = procedure("Phacoemulsification with IOL, left eye", "2026-10-01")
    assert _result(text, recent) == "met"
    assert _result(text, procedure("Phacoemulsification, right eye", "2020-10-01")) == "not-met"
    # Z96.1 has no date of its own: the lens may have gone in last month.
    lens = condition("Presence of intraocular lens", (ICD, "Z96.1", "x"), onset=None)
    assert _result(text, lens) == "unknown"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Development bullets.
        ("Patient have previously undergone gastrostomy", "procedure:gastrostomy"),
        (
            "History of bowel resection and / or short bowel syndrome",
            "any-of(procedure:bowel-resection, condition:icd10cm:K90.82)",
        ),
        # Forms of the same shape.
        ("Prior colectomy", "procedure:colectomy"),
        ("Prior esophagectomy", "procedure:esophagectomy"),
        ("History of PEG tube", "procedure:gastrostomy"),
        # A word that narrows the operation stays text.
        ("Previous right hemicolectomy", "all-of(procedure:colectomy, text)"),
    ],
)
def test_gastrointestinal_operations_compile_to_their_concept(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text", ["Prior small bowel resection", "Patients scheduled for gastrostomy"]
)
def test_a_narrower_or_planned_operation_is_not_the_concept(text: str) -> None:
    assert "bowel-resection" not in str(compile_text(text, exclusion=True))
    assert "gastrostomy" not in str(compile_text(text, exclusion=True))


def test_bowel_resection_against_epic_records() -> None:
    text = "History of bowel resection"
    assert _result(text, procedure("Laparoscopic sigmoid colectomy", "2017-02-02")) == "met"
    assert _result(text, procedure("Small bowel resection with anastomosis", "2017-2-2")) == "met"
    # An exploratory laparotomy may have been one: not recorded.
    assert _result(text, procedure("Exploratory laparotomy", "2017-02-02")) == "unknown"
    assert _result(text, procedure("Right total knee arthroplasty", "2017-02-02")) == "not-met"
    # A small bowel resection is no colectomy.
    colectomy = "Prior colectomy"
    assert _result(colectomy, procedure("Small bowel resection", "2017-02-02")) != "met"
    assert _result(colectomy, procedure("Right hemicolectomy", "2017-02-02")) == "met"


def test_gastrostomy_by_status_code_or_procedure() -> None:
    text = "Patient have previously undergone gastrostomy"
    status = (ICD, "Z93.1", "Gastrostomy status")
    assert _result(text, condition("Gastrostomy status", status)) == "met"
    peg = procedure("Percutaneous endoscopic gastrostomy (PEG) placement", "2022-08-08")
    assert _result(text, peg) == "met"
    assert _result(text, procedure("Colonoscopy", "2022-08-08")) == "not-met"
    assert _result(text, condition("Type 2 diabetes mellitus")) == "unknown"


def test_gastric_surgery_by_words_or_status_codes() -> None:
    text = "History of gastric surgery"
    assert signature(compile_text(text, exclusion=True)) == "procedure:gastric-surgery"
    assert signature(compile_text("Previous surgery on the stomach", exclusion=True)) == (
        "procedure:gastric-surgery"
    )
    bariatric = (ICD, "Z98.84", "Bariatric surgery status")
    assert _result(text, condition("Bariatric surgery status", bariatric)) == "met"
    stomach = (ICD, "Z90.3", "Acquired absence of stomach [part of]")
    assert _result(text, condition("S/P partial gastrectomy", stomach)) == "met"
    assert _result(text, procedure("Laparoscopic adjustable gastric banding", "2012-1-1")) == "met"
    # A colectomy is gastrointestinal surgery, not gastric surgery.
    assert _result(text, procedure("Sigmoid colectomy", "2012-01-01")) == "unknown"
    assert _result(text, procedure("Upper GI endoscopy with biopsy", "2012-01-01")) == "not-met"


def test_eye_surgery_in_a_window() -> None:
    # Development bullet.
    text = "Ocular surgery in the 3 months preceding the study"
    assert signature(compile_text(text, exclusion=True)) == (
        "procedure:eye-surgery:w-91,0,enrollment"
    )
    assert _result(text, procedure("Penetrating keratoplasty, right eye", "2026-10-15")) == "met"
    assert _result(text, procedure("Phacoemulsification, left eye", "2026-11-02")) == "met"
    assert _result(text, procedure("LASIK, both eyes", "2014-11-02")) == "not-met"
    # An eyelid operation may or may not be what the study means.
    assert _result(text, procedure("Upper eyelid blepharoplasty", "2026-11-02")) == "unknown"
    # The study eye is narrower than any eye: the words stay text.
    study_eye = compile_text("prior surgery in the study eye", exclusion=True)
    assert signature(study_eye) == "all-of(procedure:surgery, text)"
