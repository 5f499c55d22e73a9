"""Lists where some items are known concepts and one names a diagnosis the rules do not read.

What a user notices: "History of stroke, seizure disorder, or frobnication syndrome" in an
exclusion list excludes a patient with epilepsy on record (text-only before, so every patient
was "unknown"), while a patient with none of the known items stays "unknown" — the third item
is text, so the bullet is never cleared. An inclusion "Diagnosis of asthma, COPD, or
frobnication syndrome" is met by asthma and never failed for want of the third item; an
inclusion "Type 2 diabetes and frobnication syndrome" fails a patient whose problem list has
no diabetes and is never met. What must never happen: the unread item is a clause that changes
the scope of the others ("unless controlled", a window, "requiring treatment", a place), a
number is left unaccounted for, the known items are classes the unread item could narrow, or
an inclusion whose items combine in a way the text does not say.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tools.partial_compile_report import describe

# ---------------------------------------------------------------- compiled forms

DEVELOPMENT_BULLETS = [
    # (study, bullet, exclusion, form) — bullets of the development texts, text-only before
    (
        "NCT03796936",
        "History of a psychotic disorder, bipolar disorder, or active suicidal or homicidal "
        "ideation",
        True,
        "any-of(condition:psychotic-disorder[history], condition:bipolar-disorder[history], TEXT)",
    ),
    (
        "NCT03869463",
        "Evidence of schizophrenia, schizoaffective disorder, psychosis, bipolar I and II "
        "disorder.",
        True,
        "any-of(condition:schizophrenia, condition:schizoaffective-disorder, "
        "condition:psychotic-disorder, TEXT)",
    ),
    (
        "NCT03925298",
        "pregnancy; serious heart, lung, kidney or other organ dysfunction.",
        True,
        "any-of(pregnancy:pregnancy, TEXT)",
    ),
    (
        "NCT03867019",
        "History of Stroke (CVA), Multiple Sclerosis (MS) or Central Positional Vertigo.",
        True,
        "any-of(condition:stroke[history], condition:multiple-sclerosis[history], TEXT)",
    ),
    (
        "NCT03928171",
        "Hyperthyroidism or thyroid adenomas",
        True,
        "any-of(condition:hyperthyroidism, TEXT)",
    ),
    ("NCT03937947", "Pregnancy or recently post-partum", True, "any-of(pregnancy:pregnancy, TEXT)"),
    # inclusion bullets: "or" offers alternatives, each sufficient
    (
        "NCT03798600",
        "Severe sepsis or septic shock",
        False,
        "any-of(condition:sepsis[severe], TEXT)",
    ),
    (
        "NCT03938441",
        "Diagnosed with Type 2 Diabetes or pre-diabetic",
        False,
        "any-of(condition:diabetes-type-2, TEXT)",
    ),
]


@pytest.mark.parametrize(
    ("study", "text", "exclusion", "form"),
    DEVELOPMENT_BULLETS,
    ids=[b[0] for b in DEVELOPMENT_BULLETS],
)
def test_development_bullets_keep_their_known_items(
    study: str, text: str, exclusion: bool, form: str
):
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is not None, study
    assert describe(criterion) == form


SHAPES = [
    # (bullet, exclusion, form)
    (
        "History of stroke, seizure disorder, or frobnication syndrome",
        True,
        "any-of(condition:stroke[history], condition:epilepsy[history], TEXT)",
    ),
    (
        "HIV, hepatitis B, or frobnication syndrome",
        True,
        "any-of(condition:hiv, condition:hbv, TEXT)",
    ),
    (
        "Diagnosis of asthma, COPD, or frobnication syndrome",
        False,
        "any-of(condition:asthma, condition:copd, TEXT)",
    ),
    # an inline list (";", numbered items): each item a criterion of its own
    (
        "pregnancy; frobnication syndrome; inability to swallow",
        True,
        "any-of(pregnancy:pregnancy, TEXT)",
    ),
    (
        "Inclusion criteria include: (1) type 2 diabetes; (2) frobnication syndrome",
        False,
        "all-of(condition:diabetes-type-2, TEXT)",
    ),
    (
        # ";" splits an inclusion into requirements; "or" stays inside its own
        "Asthma or COPD; frobnication syndrome",
        False,
        "all-of(any-of(condition:asthma, condition:copd), TEXT)",
    ),
    # "and" in an inclusion joins requirements: each known one is necessary
    ("Type 2 diabetes and frobnication syndrome", False, "all-of(condition:diabetes-type-2, TEXT)"),
    (
        "Type 2 diabetes, hypertension and frobnication syndrome",
        False,
        "all-of(condition:diabetes-type-2, condition:hypertension, TEXT)",
    ),
]


@pytest.mark.parametrize(("text", "exclusion", "form"), SHAPES)
def test_a_list_with_an_unread_diagnosis_keeps_its_known_items(
    text: str, exclusion: bool, form: str
):
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is not None, text
    assert describe(criterion) == form


def test_the_text_member_stands_for_the_whole_bullet():
    criterion = compile_text(
        "History of stroke, seizure disorder, or frobnication syndrome",
        exclusion=True,
        partial=True,
    )
    assert criterion is not None
    assert criterion.children[-1].source_text == (
        "History of stroke, seizure disorder, or frobnication syndrome"
    )


# ---------------------------------------------------------------- refusals

REFUSED = [
    # (why, text, exclusion)
    (
        "an allowance changes the scope of the items",
        "History of stroke, seizure disorder, or frobnication syndrome, unless controlled",
        True,
    ),
    ("an exception", "Stroke, epilepsy, or frobnication syndrome, except mild forms", True),
    (
        "a window may date every item",
        "Stroke, epilepsy or frobnication syndrome within 6 months",
        True,
    ),
    (
        "a restriction may reach every item",
        "Stroke, epilepsy or frobnication syndrome requiring treatment",
        True,
    ),
    ("a number no part accounts for", "Stroke, epilepsy or frobnication score > 3", True),
    ("a subtype no part accounts for", "Stroke, epilepsy or frobnication syndrome type 2", True),
    (
        "a place may say where the items before it are",
        "Peripheral neuropathy or history of nerve injury in the paretic upper limb",
        True,
    ),
    (
        "a qualifier opening the list may reach the others",
        "Uncontrolled diabetes, hypertension or frobnication syndrome",
        True,
    ),
    ("a class the unread item could narrow", "Infection or frobnication syndrome", True),
    (
        "the first item's lead may govern the others",
        "Frobnication syndrome, stroke or epilepsy",
        True,
    ),
    ("an abbreviation is a diagnosis the form would lack", "Stroke, epilepsy or FS", True),
    ("a head noun shared backwards", "Asthma, or acute failure", True),
    ("'and' joins one exclusion", "Stroke and frobnication syndrome", True),
    ("a drug the form would lack", "Diabetes, or use of inhaled steroids", True),
    ("a device the form would lack", "Parkinson disease; implanted baclofen pump", True),
    (
        "a measure beside an unread diagnosis: not one list of diagnoses",
        "Hemoglobin < 9 g/dL or gastric ulceration",
        True,
    ),
    (
        "commas only: all or any is not said",
        "Type 2 diabetes, hypertension, frobnication syndrome",
        False,
    ),
    ("both 'and' and 'or'", "Type 2 diabetes and hypertension or frobnication syndrome", False),
    ("two populations", "Patients with asthma and patients with frobnication syndrome", False),
    (
        "a later sentence may add to every alternative",
        "Diagnosis of asthma, COPD, or frobnication syndrome. Confirmed by spirometry.",
        False,
    ),
    ("an allowance in an inclusion", "Asthma or frobnication syndrome, unless controlled", False),
    ("an inline item with a number", "Type 2 diabetes; frobnication score > 3", False),
    ("an inline list beside a measure", "HbA1c > 9%; frobnication syndrome", True),
    ("an inline list of a class", "infection; frobnication syndrome", True),
]


@pytest.mark.parametrize(("why", "text", "exclusion"), REFUSED, ids=[r[0] for r in REFUSED])
def test_what_could_change_the_known_items_leaves_the_bullet_text(
    why: str, text: str, exclusion: bool
):
    assert compile_text(text, exclusion=exclusion, partial=True) is None, why


# ---------------------------------------------------------------- evaluation

_EPILEPSY = condition(
    "Epilepsy",
    (ICD, "G40.909", "Epilepsy, unspecified, not intractable, without status epilepticus"),
)
_HYPERTENSION = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
_ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
_DIABETES = condition(
    "Type 2 diabetes mellitus without complication",
    (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
)
_EXCLUSION = "History of stroke, seizure disorder, or frobnication syndrome"


def _result(text: str, exclusion: bool, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


def test_an_exclusion_is_met_by_a_known_item_on_record():
    assert _result(_EXCLUSION, True, _EPILEPSY) == "met"


def test_without_a_known_item_the_exclusion_is_unknown_never_cleared():
    assert _result(_EXCLUSION, True, _HYPERTENSION) == "unknown"
    assert _result(_EXCLUSION, True) == "unknown"


def test_the_study_turns_away_the_patient_with_a_known_item_and_keeps_the_others_possible():
    text = criteria_text([], [_EXCLUSION])
    assert verdict_of_study(text, record(patient(), _EPILEPSY)) == "ineligible"
    assert verdict_of_study(text, record(patient(), _HYPERTENSION)) == "potential-candidate"


def test_an_inclusion_alternative_is_met_by_a_known_item_and_never_failed_for_the_text():
    text = "Diagnosis of asthma, COPD, or frobnication syndrome"
    assert _result(text, False, _ASTHMA) == "met"
    assert _result(text, False, _HYPERTENSION) == "unknown"
    assert _result(text, False) == "unknown"


def test_an_inclusion_requirement_fails_without_the_known_item_and_is_never_met():
    text = "Type 2 diabetes and frobnication syndrome"
    assert _result(text, False, _HYPERTENSION) == "not-met"
    assert _result(text, False, _DIABETES) == "unknown"
    study = criteria_text([text], [])
    assert verdict_of_study(study, record(patient(), _HYPERTENSION)) == "ineligible"
    assert verdict_of_study(study, record(patient(), _DIABETES)) == "potential-candidate"


@pytest.mark.parametrize(
    "text",
    [
        "Cognitive impairments or learning disabilities limiting participation,",
        "Asthma or learning disabilities limiting participation",
        "Asthma or frobnication syndrome interfering with study procedures",
    ],
)
def test_a_clause_that_qualifies_the_whole_list_keeps_it_text(text: str) -> None:
    """ "… limiting participation" holds for every item: read as any-of(cognitive impairment,
    TEXT), every patient with a cognitive impairment was excluded, limiting or not."""
    assert compile_text(text, exclusion=True, partial=True) is None
