"""A use of a medication or a procedure with some of it taken out (`rules.excepted_diagnoses`).

"Use of antibiotics within 4 weeks prior to the time of recruitment (except for antimalarial
prophylaxis)", "Radiotherapy (except radiotherapy for antalgic purposes) during the last 7 days",
"taking vitamin or mineral supplements (unless they agree to discontinue supplementation …)":
the exception only takes patients out of the use, so in an exclusion the use is necessary and
the bullet is all-of(use, TEXT). A patient without the use is not excluded by it; one with it
is unknown (the exception may cover them), never excluded on the use alone. Before this reading
such bullets stayed text; the bare use would exclude the patients the exception keeps.

Expected forms were written from the bullets (development texts and variants of them) before
running the compiler.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature, signature


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Use of antibiotics within 4 weeks prior to the time of recruitment (Except for "
            "antimalarial prophylaxis)",
            "all-of(medication:antibiotic:w-28,0,enrollment, text)",
        ),
        (
            "History of antibiotic use in the past one month, excluding those who may have "
            "received a single dose of antibiotic in past 24 hrs",
            "all-of(medication:antibiotic:w-30,0,enrollment, text)",
        ),
        (
            "Use of antibiotics within 4 weeks prior to screening, except topical antibiotics",
            "all-of(medication:antibiotic:w-28,0,enrollment, text)",
        ),
        (
            "Radiotherapy (except radiotherapy for antalgic purposes) during the last 7 days",
            "all-of(procedure:radiotherapy:w-7,0,enrollment, text)",
        ),
        (
            "Surgery within 4 weeks prior to enrollment, except minor procedures",
            "all-of(procedure:surgery:w-28,0,enrollment, text)",
        ),
        (
            "Major surgery < 28 days prior to registration, except minor procedures",
            "all-of(procedure:major-surgery:w-28,0,enrollment, text)",
        ),
        (
            "taking vitamin or mineral supplements (unless they agree to discontinue "
            "supplementation 2 weeks before the start of the study)",
            "all-of(medication:vitamin-mineral-supplement, text)",
        ),
        (
            "Volunteers using medication (exception for contraception)",
            "all-of(medication:prescription-medication, text)",
        ),
        # An exception inside the class (SSRIs are antidepressants): the class with a residue.
        (
            "Current use of antidepressants, except for SSRIs",
            "all-of(medication:antidepressant, text)",
        ),
        (
            "Current use of antidepressants (except SSRIs)",
            "all-of(medication:antidepressant, text)",
        ),
        (
            "Current use of anticoagulants other than heparin",
            "all-of(medication:anticoagulant, text)",
        ),
        # A list: whichever item the exception takes out of, the excluded are among its users.
        (
            "Use of NSAIDs or anticoagulants (except low-dose aspirin)",
            "all-of(any-of(medication:nsaid, medication:anticoagulant), text)",
        ),
        (
            "Current use of anticoagulants or antiplatelet agents, except aspirin",
            "all-of(any-of(medication:anticoagulant, medication:antiplatelet), text)",
        ),
        (
            "Prior chemotherapy (except hormonal therapy)",
            "all-of(prior-therapy:cytotoxic-chemotherapy, text)",
        ),
    ],
)
def test_an_excluded_use_with_an_exception_keeps_the_use(text: str, expected: str) -> None:
    assert compile_text(text, exclusion=True) is None  # not understood in full
    assert bullet_signature(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # The words after the parenthesis add an alternative the exception may not touch.
        "Patients taking anticoagulants drugs (excluding aspirin) or dual antiplatelet therapy",
        "Current use of antidepressants, except for SSRIs, or antipsychotics",
        # A window after a trailing exception may bound the use itself: the use without it
        # would leave out a course stopped two weeks ago.
        "Use of steroids, except inhaled, within 4 weeks",
        # A negated head: what "no X" denies, narrowed, is not a use.
        "No use of antidepressants except SSRIs",
        # An item no finder reads: the words without the exception are not read in full.
        "use of corticosteroids or calcineurin antagonists, except topical forms",
        # Not a use at all.
        "Contraindication to anticoagulants except heparin",
    ],
)
def test_an_exception_that_could_add_or_bound_keeps_the_bullet_text(text: str) -> None:
    assert bullet_signature(text) is None


def test_an_exception_is_read_in_exclusions_only() -> None:
    # "Current use of antidepressants, except for SSRIs" as an inclusion would require the use
    # whatever the exception allows: left text.
    assert bullet_signature("Current use of antidepressants, except for SSRIs", "Inclusion") is None


def _current(name: str) -> dict:
    return medication(name, "2026-06-01", status="active")


ATORVASTATIN = _current("atorvastatin 20 mg tablet")
TEXT = "Current use of antidepressants, except for SSRIs"


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        # The excepted kind alone: the text keeps the patient, the reading must not exclude.
        ((_current("sertraline 50 MG Oral Tablet"), ATORVASTATIN), "unknown"),
        # Another antidepressant: the residue is the exception's to decide, still unknown.
        ((_current("amitriptyline 25 mg tablet"), ATORVASTATIN), "unknown"),
        # A medication list without an antidepressant: the use is absent.
        ((ATORVASTATIN,), "not-met"),
    ],
)
def test_an_excepted_use_against_a_record(resources: tuple[dict, ...], expected: str) -> None:
    criterion = compile_text(TEXT, exclusion=True, partial=True)
    assert (
        criterion is not None and signature(criterion) == "all-of(medication:antidepressant, text)"
    )
    assert result_of(criterion, record(patient(), *resources)) == expected


def test_the_excepted_kind_never_makes_the_patient_ineligible() -> None:
    text = criteria_text(["Age 18 or older"], [TEXT])
    on_ssri = record(patient(), _current("sertraline 50 MG Oral Tablet"), ATORVASTATIN)
    assert verdict_of_study(text, on_ssri) != "ineligible"
