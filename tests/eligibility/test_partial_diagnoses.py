"""Inclusion bullets whose diagnosis is necessary whatever the rest says (`rules.partial`).

"Patients with fibromyalgia according to the ACR 2016 criteria": the criteria are no record's
business, but a patient without fibromyalgia cannot meet the bullet. What a user notices: a
patient whose problem list holds no fibromyalgia is no longer a "potential candidate" for such a
trial. And what must never happen: a diagnosis that is hedged, optional, past, negated or
someone else's is made necessary and a patient who could join is called ineligible.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext
from fhirtrial.eligibility.evaluation.evaluator import evaluate_criterion
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.model import Kind
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import AS_OF, ICD, condition, patient, record
from tests.eligibility.signature import signature
from tools.partial_compile_report import describe

# (study, bullet, parts): real inclusion bullets of the development texts, then the task's own.
# (Named diagnostic criteria, "confirmed by …" and the time since diagnosis no longer leave a
# residue: tests/eligibility/test_diagnosis_phrasing.py.)
DIAGNOSES = [
    (
        "NCT03797560",
        "meet the 1990 American College of Rheumatology (ACR) Research Classification Criteria "
        "for fibromyalgia;",
        "all-of(condition:icd10cm:M79.7, TEXT)",
    ),
    (
        "NCT03926832",
        "Subjects with a definite diagnosis of sarcoidosis according to international ATS and "
        "WASOG guideline",
        "all-of(condition:icd10cm:D86, TEXT)",
    ),
    (
        "NCT03924791",
        "Diagnosed with sciatica by GP",
        "all-of(condition:icd10cm:M54.3+M54.4, TEXT)",
    ),
    (
        "task",
        "Patients with fibromyalgia with widespread pain for at least 3 months",
        "all-of(condition:icd10cm:M79.7, TEXT)",
    ),
    (
        "task",
        "Confirmed diagnosis of multiple sclerosis with gait impairment",
        "all-of(condition:multiple-sclerosis, TEXT)",
    ),
    (
        "task",
        "Clinical diagnosis of glaucoma requiring topical therapy",
        "all-of(condition:icd10cm:H40, TEXT)",
    ),
    (
        "task",  # the who-clause says more about the same patient: the diagnosis still holds
        "Patients with multiple sclerosis who are able to walk 25 feet",
        "all-of(condition:multiple-sclerosis, TEXT)",
    ),
]


@pytest.mark.parametrize(("study", "text", "parts"), DIAGNOSES, ids=[d[0] for d in DIAGNOSES])
def test_a_plainly_stated_diagnosis_is_a_necessary_part(study: str, text: str, parts: str):
    criterion = compile_text(text, partial=True)
    assert criterion is not None, study
    assert describe(criterion) == parts
    assert criterion.children[-1].kind is Kind.TEXT
    assert criterion.children[-1].source_text == text


REFUSED = [
    ("an alternative", "Diagnosis of glaucoma or raised intraocular pressure"),
    ("and/or suspected", "Patients with multiple sclerosis and/or suspected neuromyelitis optica"),
    ("suspected", "Suspected multiple sclerosis according to McDonald criteria"),
    ("possible", "Possible Parkinson disease according to MDS criteria"),
    ("probable", "Probable Alzheimer disease according to NIA-AA criteria"),
    ("at risk", "Patients at risk of glaucoma according to the AAO"),
    ("history of", "History of psoriasis according to a dermatologist"),
    ("family history", "Family history of glaucoma confirmed by an ophthalmologist"),
    ("negation", "Patients without psoriasis confirmed by a dermatologist"),
    ("someone else", "Parents of children with asthma diagnosed by a physician"),
    ("a donor", "Kidney donor with sarcoidosis confirmed by biopsy"),
    ("another diagnosis after it", "Depression after stroke diagnosed by a psychiatrist"),
    ("a longer name", "Patients with Parkinson disease dementia according to MDS criteria"),
    ("a narrower unread name", "Confirmed diagnosis of perianal Crohn's disease"),
    (
        "two populations",
        "Patients with psoriasis confirmed by a dermatologist and patients with atopic dermatitis",
    ),
    ("a group", "Participants with functional dyspepsia (FD group)"),
    ("symptoms only", "Symptoms of fibromyalgia according to the ACR 2016 criteria"),
    ("an allowance later", "Diagnosis of asthma. Patients with COPD may also be included."),
]


@pytest.mark.parametrize(("why", "text"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_diagnosis_that_may_not_hold_leaves_the_bullet_text_only(why: str, text: str):
    assert compile_text(text, partial=True) is None, why


def test_exclusions_never_take_a_title_as_a_sufficient_part():
    # At most all-of(title, TEXT) (`rules.narrowing_clauses`): not met without fibromyalgia,
    # unknown with it — never the title alone, which would exclude every fibromyalgia patient.
    text = "Fibromyalgia with widespread pain"
    narrowed = "all-of(condition:icd10cm:M79.7, text)"
    assert signature(compile_text(text, exclusion=True, partial=True)) in (None, narrowed)
    nodes = compile_outline(parse_outline(f"Exclusion Criteria:\n- {text}\n"))
    assert signature(nodes[0].criterion) in (None, narrowed)
    criterion = compile_text(text, exclusion=True, partial=True)
    if criterion is not None:
        assert evaluate_criterion(criterion, _context(_FIBROMYALGIA)).result == "unknown"


_MS = condition("Multiple sclerosis", (ICD, "G35", "Multiple sclerosis"))
_FIBROMYALGIA = condition("Fibromyalgia", (ICD, "M79.7", "Fibromyalgia"))
_HYPERTENSION = condition("Essential hypertension", (ICD, "I10", "Essential hypertension"))


def _context(*resources: dict[str, Any]) -> EvalContext:
    return EvalContext(
        facts=facts_for(record(patient(), *resources)), as_of=AS_OF, policy=DEFAULT_POLICY
    )


def _result(text: str, *resources: dict[str, Any]) -> str:
    criterion = compile_text(text, partial=True)
    assert criterion is not None
    ctx = EvalContext(
        facts=facts_for(record(patient(), *resources)), as_of=AS_OF, policy=DEFAULT_POLICY
    )
    return evaluate_criterion(criterion, ctx).result


@pytest.mark.parametrize(
    ("text", "has_it"),
    [
        ("Confirmed diagnosis of multiple sclerosis with gait impairment", _MS),
        ("Patients with fibromyalgia with widespread pain for at least 3 months", _FIBROMYALGIA),
    ],
)
def test_without_the_diagnosis_not_met_with_it_unknown(text: str, has_it: dict[str, Any]):
    # a recorded problem list without the diagnosis: the patient cannot meet the bullet
    assert _result(text, _HYPERTENSION) == "not-met"
    # with it, the criteria the record cannot check keep the bullet unknown — never met
    assert _result(text, has_it, _HYPERTENSION) == "unknown"
    # no problem list at all: absence is not known
    assert _result(text) == "unknown"
