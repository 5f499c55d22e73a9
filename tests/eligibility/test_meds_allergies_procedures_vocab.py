"""Drugs, drug classes, allergies, intolerances and sited procedures as real criteria write them
(wordings of the development texts), compiled and evaluated against small EHR records.

Expected forms were written from the text: a drug a criterion names is the concept of its name
(terminology/drug_names.json, generated from the DrugBank open vocabulary); "or any of the
excipients" is a TEXT member of an exclusion's any-of; a surgery or radiotherapy at a body site
no code tells is all-of(procedure, TEXT). Expected results: a drug is found in a record by its
words; an intolerance is met by an allergy or an intolerance entry and never ruled out by their
absence; a sited procedure is not met without any such procedure, unknown with one elsewhere.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    medication,
    patient,
    procedure,
    record,
    result_of,
)
from tests.eligibility.signature import signature
from tests.eligibility.test_allergies_and_medications import allergy


def _result(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


# ---------------------------------------------------------------- compiling


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # Allergy to drugs named from the open drug vocabulary, lists, classes.
        ("Known allergy to aztreonam", True, "allergy:aztreonam"),
        ("patients allergic to granisetron.", True, "allergy:granisetron"),
        ("Amisulpride allergy.", True, "allergy:amisulpride"),
        (
            "Allergy to mifepristone or misoprostol",
            True,
            "any-of(allergy:mifepristone, allergy:misoprostol)",
        ),
        (
            "Allergy to Phenylephrine or NSAIDs.",
            True,
            "any-of(allergy:phenylephrine, allergy:nsaid)",
        ),
        # The name as the criterion writes it, international names too.
        ("No allergies to paracetamol", False, "NOT allergy:paracetamol"),
        # Excipients: a TEXT member; "another cephalosporin" is the class.
        (
            "Hypersensitivity to ceftriaxone or cefotaxime, to another cephalosporin or to any "
            "of the excipients of the specialities concerned.",
            True,
            "any-of(allergy:ceftriaxone, allergy:cefotaxime, allergy:cephalosporin, text)",
        ),
        (
            "Hypersensitivity to colchicine, fexofenadine, benzodiazepine or the excipients of "
            "these drugs",
            True,
            "any-of(allergy:colchicine, allergy:fexofenadine, allergy:benzodiazepine, text)",
        ),
        (
            "Hypersensitivity to semaglutide or to any of the excipients",
            True,
            "any-of(allergy:semaglutide, text)",
        ),
        (
            "Patients allergic to azithromycin, or to any of the components of commercial "
            "formulations thereof (Zithromax®).",
            True,
            "any-of(allergy:azithromycin, text)",
        ),
        ("Allergy to beta blockers", True, "allergy:beta-blocker"),
        # A contraindication beside the allergy: the allergy suffices, the rest is text.
        ("Contraindication or allergy to ibuprofen", True, "any-of(allergy:ibuprofen, text)"),
        (
            "Known hypersensitivity or other contraindications to vancomycin",
            True,
            "any-of(allergy:vancomycin, text)",
        ),
        (
            "No allergy or contraindication to ibuprofen",
            False,
            "NOT any-of(allergy:ibuprofen, text)",
        ),
        # Intolerance reads like allergy (its qualifier changes the evaluation, not the form).
        ("Patient with morphine intolerance,", True, "allergy:morphine"),
        (
            "Intolerance and/or allergy to Pregabalin or gabapentin",
            True,
            "any-of(allergy:pregabalin, allergy:gabapentin)",
        ),
        # Current use of a single drug or a class.
        ("currently taking spironolactone", True, "medication:spironolactone"),
        ("Current treatment with methotrexate", True, "medication:methotrexate"),
        (
            "Taking ramelteon or fluvoxamine",
            True,
            "any-of(medication:ramelteon, medication:fluvoxamine)",
        ),
        (
            "Use of antibiotics within 4 weeks prior to the time of screening",
            True,
            "medication:antibiotic:w-28,0,enrollment",
        ),
        ("chronic use of systemic corticosteroids", True, "medication:systemic-corticosteroid"),
        ("Patients on benzodiazepine.", True, "medication:benzodiazepine"),
        ("Chronic opioid use", True, "medication:opioid"),
        ("on anticoagulation", True, "medication:anticoagulant"),
        # Ever used, up to now.
        ("Current or prior treatment with methotrexate", True, "prior-therapy:methotrexate"),
        (
            "previously treated with ibrutinib or acalabrutinib",
            True,
            "any-of(prior-therapy:ibrutinib, prior-therapy:acalabrutinib)",
        ),
        # Procedures at a site (the heart is a concept of its own), windows, devices.
        ("Previous cardiac surgery", True, "procedure:cardiac-surgery"),
        ("prior radiotherapy to the chest", True, "all-of(procedure:radiotherapy, text)"),
        (
            "Abdominal surgery within one year prior to study entry",
            True,
            "procedure:abdominal-surgery:w-365,0,enrollment",
        ),
        ("No prior pelvic radiotherapy", False, "NOT all-of(procedure:radiotherapy, text)"),
        ("major surgery within 4 weeks", True, "procedure:major-surgery:w-28,0,enrollment"),
        (
            "pacemaker or implanted defibrillator",
            True,
            "any-of(procedure:pacemaker, procedure:implantable-cardioverter-defibrillator)",
        ),
        # A class named for what it causes is a diagnosis, not a use (opioid dependence, an
        # everyday name of icd10cm_common_names.json; it stayed text before the name was known).
        ("Opioid addiction", True, "condition:icd10cm:F11.2"),
    ],
)
def test_bullets_compile_to_the_expected_form(text: str, exclusion: bool, expected: str) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # The study drug, its components: nothing in a record names them.
        "Allergic to the study drug or any of its components",
        "Known hypersensitivity to any of the investigational and/or non-investigational "
        "products or their excipients.",
        # A contraindication alone is no allergy.
        "Contraindication to ibuprofen",
        # A substance no table knows keeps the list text.
        "Known allergy to either vancomycin or ascorbic acid.",
        # Needed, planned or to come: not a procedure done.
        "Patients requiring surgery",
        "Scheduled elective surgery",
        "Candidate for cardiac surgery",
        # A sited procedure no word places in the past may be the study's own operation.
        "Cardiac surgery patients",
        # Past use is not current use.
        "History of chronic steroid use",
        "Use of topical steroids",
    ],
)
def test_bullets_that_stay_text(text: str) -> None:
    assert compile_text(text, exclusion=True) is None


def test_a_drug_is_found_in_a_record_text_by_any_of_its_names() -> None:
    assert {"acetaminophen", "paracetamol"} <= terminology.drugs_in_text(
        "Acetaminophen 325 MG Oral Tablet"
    )
    assert "spironolactone" in terminology.drugs_in_text("spironolactone 25 MG Oral Tablet")
    assert terminology.drugs_in_text("Sodium chloride 0.9% injection") == frozenset()


# ---------------------------------------------------------------- evaluating


def test_allergy_to_a_named_drug_against_records() -> None:
    text = "Hypersensitivity to ceftriaxone or to any of the excipients"
    assert _result(text, allergy("Ceftriaxone")) == "met"
    # Not allergic to the drug: the excipients cannot be ruled out.
    assert _result(text, allergy("Latex", category="environment")) == "unknown"
    assert _result(text) == "unknown"


def test_allergy_to_a_drug_without_excipients_against_records() -> None:
    text = "Known allergy to aztreonam"
    assert _result(text, allergy("Aztreonam")) == "met"
    assert _result(text, allergy("Penicillin G")) == "not-met"
    assert _result(text) == "unknown"


def test_intolerance_is_met_by_an_intolerance_and_never_ruled_out_by_absence() -> None:
    text = "Patient with morphine intolerance,"
    assert _result(text, allergy("Morphine", type="intolerance")) == "met"
    assert _result(text, allergy("Morphine")) == "met"
    assert _result(text, allergy("Penicillin G")) == "unknown"
    assert _result(text) == "unknown"
    # An allergy criterion is not met by an intolerance entry alone.
    assert _result("Known allergy to morphine", allergy("Morphine", type="intolerance")) == (
        "unknown"
    )


def test_current_use_of_a_named_drug_against_records() -> None:
    text = "currently taking spironolactone"
    taking = medication("Spironolactone 25 MG Oral Tablet", "2026-06-01", status="active")
    stopped = medication("Spironolactone 25 MG Oral Tablet", "2024-01-01", "2024-06-01")
    other = medication("Lisinopril 10 MG Oral Tablet", "2026-06-01", status="active")
    assert _result(text, taking) == "met"
    assert _result(text, stopped) == "not-met"
    assert _result(text, other) == "not-met"
    assert _result(text) == "unknown"


def test_current_use_of_a_class_against_records() -> None:
    text = "Currently taking beta blockers"
    assert (
        _result(text, medication("Metoprolol succinate 50 MG", "2026-01-05", status="active"))
        == "met"
    )
    assert (
        _result(text, medication("Amlodipine 5 MG Oral Tablet", "2026-01-05", status="active"))
        == "not-met"
    )


def test_prior_therapy_with_a_named_drug_against_records() -> None:
    text = "Current or prior treatment with methotrexate"
    used = medication("Methotrexate 2.5 MG Oral Tablet", "2019-03-01", "2020-03-01")
    assert _result(text, used) == "met"
    assert _result(text, medication("Folic acid 1 MG", "2019-03-01", "2020-03-01")) == "not-met"
    assert _result(text) == "unknown"


def test_sited_surgery_against_records() -> None:
    # The pelvis is no concept of its own (the heart is: tests/eligibility/test_surgery_sites.py).
    text = "Previous pelvic surgery"
    # Some surgery: whether it was at the site is not computed.
    assert _result(text, procedure("Abdominal hysterectomy", "2019-05-02")) == "unknown"
    # Procedures recorded, none a surgery: no cardiac surgery either.
    assert _result(text, procedure("Colonoscopy", "2019-05-02")) == "not-met"
    assert _result(text) == "unknown"


def test_sited_radiotherapy_against_records() -> None:
    text = "Prior pelvic radiotherapy"
    assert _result(text, procedure("Colonoscopy", "2019-05-02")) == "not-met"
    radiotherapy = procedure("External beam radiation therapy", "2021-02-01")
    assert _result(text, radiotherapy) == "unknown"


def test_pacemaker_against_records() -> None:
    text = "Patients with pacemaker"
    assert _result(text, condition("Presence of cardiac pacemaker", (ICD, "Z95.0", "x"))) == "met"
    assert (
        _result(text, procedure("Insertion of permanent cardiac pacemaker", "2018-01-01")) == "met"
    )
    assert _result(text, procedure("Colonoscopy", "2019-05-02")) == "not-met"
    assert _result(text) == "unknown"
