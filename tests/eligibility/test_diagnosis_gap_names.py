"""Diagnosis names that no finder read in the development texts although a problem list decides
them (the session 12 batch of `terminology/icd10cm_common_names.json`): each compiles to its
ICD-10-CM set alone, as a history, known or in a patient's diagnosis, in both lists; the
refusals that protect patients (suspected, risk, family history, untimed acute events,
transient findings, a measured fever) stay text."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of
from tests.eligibility.signature import signature

PREDIABETES = "condition:icd10cm:R73.03"

NAMES = [
    ("Prediabetes", PREDIABETES),
    ("Pre-diabetes", PREDIABETES),
    ("Glucose-6-phosphate dehydrogenase deficiency", "condition:icd10cm:D55.0"),
    ("Postural hypotension", "condition:icd10cm:I95.1"),
    ("Learning disorder", "condition:icd10cm:F81"),
]
PHRASINGS = ["{}", "History of {}", "Known {}", "Patients with {}"]


@pytest.mark.parametrize("exclusion", [False, True])
@pytest.mark.parametrize("phrasing", PHRASINGS)
@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_a_name_alone_compiles_to_its_set(
    name: str, expected: str, phrasing: str, exclusion: bool
) -> None:
    lowered = name if phrasing == "{}" else name[0].lower() + name[1:]
    read = compile_text(phrasing.format(lowered), exclusion=exclusion, partial=True)
    assert signature(read) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fever",  # a temperature the criterion asks for, not a coded diagnosis
        # Transient findings: a criterion means one now, a problem list keeps them "active".
        "Bacteremia",
        "Asymptomatic bacteriuria",
        "Cardiogenic shock",
        "Failure to thrive",
        "Fever of unknown origin",  # narrower than R50.9, the code the index gives it
        "Suspected bacteremia",
        "Risk of bacteremia",
        "Family history of G6PD deficiency",
        "Learning disability",  # intellectual disability in British usage
        "No prediabetes",
    ],
)
def test_what_stays_text(text: str) -> None:
    assert compile_text(text, exclusion=True, partial=True) is None


def test_an_untimed_acute_failure_is_never_the_bare_name() -> None:
    # An acute event stays on a problem list long after it: the kidney failure is necessary,
    # "acute" is left to the reader (`rules.narrowing_words`), never the bare code set.
    reading = compile_text("Acute renal failure", exclusion=True, partial=True)
    assert reading is not None
    assert signature(reading) == "all-of(condition:kidney-failure, text)"


DIABETES = condition(
    "Type 2 diabetes", (ICD, "E11.9", "Type 2 diabetes mellitus without complications")
)


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((condition("Prediabetes", (ICD, "R73.03", "Prediabetes")),), "met"),
        ((DIABETES,), "not-met"),  # diabetes is not prediabetes
        ((), "unknown"),
    ],
)
def test_prediabetes_exclusion_against_problem_lists(resources, result) -> None:
    criterion = compile_criterion("Coded diagnoses of prediabetes", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result
