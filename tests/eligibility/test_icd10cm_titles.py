"""Diagnoses named by their ICD-10-CM title (`icd10cm:<code>`): the packaged table is what the
release gives, criteria naming a title compile to it, and records meet it by code or by name."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.eligibility.rules.icd_titles import find_icd_titles
from tests.eligibility.ehr_records import ICD, SNOMED, condition, patient, record, result_of
from tests.eligibility.signature import signature
from tools.build_icd10cm_titles import build, table_json


def test_the_packaged_table_is_what_the_release_gives() -> None:
    packaged = (
        files("fhirtrial.eligibility.terminology").joinpath("icd10cm_titles.json").read_text()
    )
    assert packaged == table_json(build())


def test_the_table_keeps_diagnosis_names_of_the_disease_chapters_only() -> None:
    table = json.loads(table_json(build()))
    titles = table["titles"]
    assert "public domain" in table["licence"]
    assert titles["G35"] == "Multiple sclerosis"
    assert titles["G47.33"] == "Obstructive sleep apnea (adult) (pediatric)"
    assert titles["F40.240"] == "Claustrophobia"
    assert not any(code.startswith(("C", "O", "S", "Z")) for code in titles)
    # Of the symptoms and external causes, only what a problem list codes as a diagnosis.
    assert not any(code.startswith(("R7", "R8", "R9", "T0", "T4", "T8")) for code in titles)
    assert not any(code[0] == "D" and code[1] in "01234" for code in titles)  # neoplasms
    assert "D70" not in titles and "E87.6" not in titles  # neutropenia, hypokalemia: measured
    names = [terminology.title_name(title) for title in titles.values()]
    assert not [n for n in names if "other" in n.split() or "unspecified" in n or "," in n]


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("History of myasthenia gravis", True, "condition:icd10cm:G70.0"),
        (
            "Patients with glaucoma or psoriasis",
            True,
            "any-of(condition:icd10cm:H40, condition:icd10cm:L40)",
        ),
        ("Known glaucoma", True, "condition:icd10cm:H40"),
        ("Diagnosis of fibromyalgia", True, "condition:icd10cm:M79.7"),
        ("History of optic neuritis", True, "condition:icd10cm:H46"),
        ("Irritable bowel syndrome", True, "condition:icd10cm:K58"),
        ("Ankylosing spondylitis (AS)", False, "condition:icd10cm:M45"),
        ("Claustrophobia", True, "condition:icd10cm:F40.240"),
        # A hand-made concept reading the same words wins.
        ("Heart failure", True, "condition:heart-failure"),
        ("Ulcerative colitis", True, "condition:ulcerative-colitis"),
        ("Uncontrolled hypertension", True, "condition:hypertension"),
        ("History of multiple sclerosis", True, "condition:multiple-sclerosis"),
        ("Diagnosis of celiac disease", True, "condition:celiac-disease"),
        ("History of obstructive sleep apnea (OSA)", True, "condition:obstructive-sleep-apnea"),
        ("Parkinson's disease", True, "condition:parkinson-disease"),
        ("Systemic lupus erythematosus (SLE)", False, "condition:systemic-lupus-erythematosus"),
        # A title holding a hand-made name whole says more: another disease or a narrower one.
        (
            "Glaucoma or ocular hypertension",
            True,
            "any-of(condition:icd10cm:H40, condition:icd10cm:H40.05)",
        ),
        ("History of secondary hypertension", True, "condition:icd10cm:I15"),
        # A judgement word before a title is its qualifier, as for a hand-made name (the
        # qualifier is asserted in test_an_exclusion_never_takes_a_qualified_title_bare).
        ("Uncontrolled glaucoma", True, "condition:icd10cm:H40"),
        ("Severe psoriasis", True, "condition:icd10cm:L40"),
        # Stay text: a word that changes the meaning, or a hand-made concept with a word more.
        ("Psoriasis requiring treatment", True, None),
        ("Psoriasis requiring systemic therapy", True, None),
        ("Current depression", True, "condition:depression"),  # hand-made: "current" = active
        ("Multiple sclerosis type 2", True, None),
        ("Acute myocardial infarction", True, None),
        # A surgery the diagnosis names, not the diagnosis: a surgery with its words as text.
        ("Prior glaucoma surgery", True, "all-of(procedure:surgery, text)"),
        ("Glaucoma/cataract", True, None),
        # The diagnosis's own stage is not a cancer stage.
        ("Venous insufficiency (stages 3 and 4)", True, None),
        ("Chronic kidney disease stage III and stage IV", True, None),
        # A time window is read as for any condition.
        (
            "History of migraine within the past 6 months",
            True,
            "condition:icd10cm:G43:w-183,0,enrollment",
        ),
    ],
)
def test_a_title_named_by_a_criterion_compiles(text, exclusion, expected) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


def test_an_exclusion_never_takes_a_qualified_title_bare() -> None:
    # "Uncontrolled glaucoma" is glaucoma with its judgement (`unknown` when recorded), never
    # any glaucoma: an exclusion would turn away a patient whose glaucoma is controlled.
    read = compile_text("Uncontrolled glaucoma", exclusion=True, partial=True)
    assert read is not None and read.qualifiers == ("uncontrolled",)
    # Never as a part that excludes on its own: only together with the judged restriction
    # (all-of(title, TEXT), `rules.diagnosis_residue`), which excludes nobody by itself.
    severe = compile_text(
        "Severe psoriasis requiring systemic treatment", exclusion=True, partial=True
    )
    assert severe is not None
    assert signature(severe) == "all-of(condition:icd10cm:L40, text)"


def test_the_finder_matches_whole_words_only() -> None:
    assert find_icd_titles("nonglaucoma patients") == []
    assert find_icd_titles("anti-psoriasis cream") == []
    assert [m.criterion.concept for m in find_icd_titles("known gout")] == ["icd10cm:M10"]


def test_title_concepts_resolve_without_being_listed() -> None:
    concept = terminology.concept("icd10cm:G35")
    assert concept.display == "Multiple sclerosis"
    assert "icd10cm:G35" not in terminology.terminology().concepts
    assert [c.code for c in terminology.codings("icd10cm:G35")] == ["G35"]
    with pytest.raises(KeyError):
        terminology.concept("icd10cm:C50")  # a neoplasm: not a title concept
    assert "icd10cm:G47.3" in terminology.concepts_for(ICD, "G4733")
    assert "icd10cm:G47.33" in terminology.concepts_for(ICD, "G47.33")
    assert "icd10cm:G35" not in terminology.concepts_for(ICD, "G36.0")


MS_ICD = condition("MS", (ICD, "G35.D", "Multiple sclerosis, unspecified"))
MS_SNOMED = condition("Multiple sclerosis", (SNOMED, "24700007", "Multiple sclerosis (disorder)"))
MS_RESOLVED = condition("MS", (ICD, "G35", "Multiple sclerosis"), status="resolved")
MS_REFUTED = condition("MS", (ICD, "G35", "Multiple sclerosis"), verification="refuted")
MS_ERROR = condition("MS", (ICD, "G35", "Multiple sclerosis"), verification="entered-in-error")
MS_PROVISIONAL = condition("MS", (ICD, "G35", "Multiple sclerosis"), verification="provisional")
MS_FAMILY = condition(
    "Family history of multiple sclerosis", (ICD, "Z82.0", "Family history of epilepsy")
)
NMO = condition("NMO", (ICD, "G36.0", "Neuromyelitis optica [Devic]"))
HTN = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((MS_ICD,), "met"),  # a code in the subtree
        ((MS_SNOMED,), "met"),  # SNOMED CT only: the display is the title
        ((MS_RESOLVED,), "met"),  # "history of": a resolved diagnosis counts
        ((MS_REFUTED, HTN), "not-met"),
        ((MS_ERROR, HTN), "not-met"),
        ((MS_PROVISIONAL,), "unknown"),
        ((MS_FAMILY, HTN), "not-met"),  # a relative's
        ((NMO,), "not-met"),  # another demyelinating disease
        ((HTN,), "not-met"),  # a problem list without it
        ((), "unknown"),  # no problem list: absence proves nothing
    ],
)
def test_history_of_a_title_against_records(resources, result) -> None:
    criterion = compile_criterion("History of multiple sclerosis", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


def test_a_window_asks_when_the_title_condition_was_present() -> None:
    criterion = compile_criterion("History of migraine within the past 6 months", exclusion=True)
    assert criterion is not None
    old = condition(
        "Migraine",
        (ICD, "G43.909", "Migraine"),
        status="resolved",
        onset="2019-02-01",
        abated="2019-03-01",
    )
    recent = condition("Migraine", (ICD, "G43.909", "Migraine"), onset="2026-10-01")
    assert result_of(criterion, record(patient(), old)) == "not-met"
    assert result_of(criterion, record(patient(), recent)) == "met"


# ---------------------------------------------------------------- a current diagnosis by its title


@pytest.mark.parametrize(
    "bullet",
    [
        "Current PTSD",
        "Current diagnosis of PTSD",
        "Currently diagnosed with post-traumatic stress disorder",
        "Active post-traumatic stress disorder",
    ],
)
def test_a_title_said_to_be_current_is_read_as_active(bullet: str) -> None:
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None and criterion.concept == "icd10cm:F43.1"
    assert criterion.qualifiers == ("active",)
    ptsd = (ICD, "F43.10", "Post-traumatic stress disorder, unspecified")
    now = record(patient(), condition("PTSD", ptsd))
    resolved = record(patient(), condition("PTSD", ptsd, status="resolved", abated="2019-05-01"))
    assert result_of(criterion, now) == "met"
    assert result_of(criterion, resolved) != "met"


@pytest.mark.parametrize(
    "bullet",
    [
        "Lifetime or current diagnosis of post-traumatic stress disorder",
        "Past or current PTSD",
        "current PTSD, currently treated",  # "currently treated" says more
    ],
)
def test_current_among_other_times_is_not_read_as_only_current(bullet: str) -> None:
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is None or "active" not in criterion.qualifiers
