"""Inclusion bullets that name the diagnosis in words the diagnosis lead used to miss.

"Controlled hypertension", "All keratoconus patients presenting to the eye clinic", "COPD
patients, …": whatever the judgement or the setting says, the patient must have the disease.
What a user notices: a patient without it is no longer a candidate; a patient with it stays
"unknown" (the judgement is for the investigator). What must never happen: an age the reading
does not place, a hedge or a second population is left out and a patient is wrongly called
ineligible.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext
from fhirtrial.eligibility.evaluation.evaluator import evaluate_criterion
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import AS_OF, ICD, condition, observation, patient, record
from tests.eligibility.signature import signature

# (bullet, signature): forms written from the text before the reading was changed.
READ = [
    (  # a judgement no datum states: the diagnosis is necessary, the judgement residue
        "controlled hypertension;",
        "all-of(condition:hypertension, text)",
    ),
    ("Well-controlled HIV infection", "all-of(condition:hiv, text)"),
    (  # "X patients": the patients who have X
        "All Keratoconus patients presenting in the department of ophthalmology",
        "all-of(condition:icd10cm:H18.6, text)",
    ),
    ("Asthma patients referred to the respiratory clinic", "all-of(condition:asthma, text)"),
    ("First stroke", "all-of(condition:stroke, text)"),  # a stroke; "first" is for review
    # "of any grade" restricts nothing: the diagnosis is the whole bullet
    ("Patients with Acne of any grade.", "condition:icd10cm:L70"),
    # how long since it was diagnosed: a window on the diagnosis (rules.diagnosis_phrasing)
    ("Asthma of any severity for at least 1 year", "condition:asthma:w,-365,enrollment"),
]


@pytest.mark.parametrize(("text", "expected"), READ, ids=[r[0] for r in READ])
def test_the_diagnosis_is_read_as_a_necessary_part(text: str, expected: str):
    assert signature(compile_text(text, partial=True)) == expected


REFUSED = [
    # ("cerebral palsy patients between 12 and 72 months old": its age is now read, with the
    # diagnosis, by `rules.age_clauses`: test_age_clauses.)
    ("an age after the patients", "Asthma patients aged 6 months (± 3 weeks)"),
    ("someone else's", "Hypertension patients' caregivers"),
    ("two populations", "COPD patients or healthy volunteers"),
    ("a hedge", "Controlled hypertension if on treatment"),
    ("a relative's", "First degree relative with type 2 diabetes"),
    ("a hedged second diagnosis", "Keratoconus patients with suspected corneal ectasia"),
]


@pytest.mark.parametrize(("why", "text"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_part_the_reading_cannot_place_leaves_the_bullet_text_only(why: str, text: str):
    assert compile_text(text, partial=True) is None, why


_HYPERTENSION = condition("Essential hypertension", (ICD, "I10", "Essential hypertension"))
_KERATOCONUS = condition("Keratoconus", (ICD, "H18.603", "Keratoconus, unspecified, bilateral"))


def _result(text: str, *resources: dict[str, Any]) -> str:
    criterion = compile_text(text, partial=True)
    assert criterion is not None
    facts = facts_for(record(patient(), *resources))
    ctx = EvalContext(facts=facts, as_of=AS_OF, policy=DEFAULT_POLICY)
    return evaluate_criterion(criterion, ctx).result


def test_a_judged_diagnosis_is_needed_but_never_met_by_the_record_alone():
    text = "controlled hypertension;"
    assert _result(text, _HYPERTENSION) == "unknown"  # whether it is controlled is not recorded
    assert _result(text, _KERATOCONUS) == "not-met"  # no hypertension
    assert _result(text) == "unknown"  # nothing recorded: nothing ruled out


def test_patients_named_after_their_disease_must_have_it():
    text = READ[2][0]
    assert _result(text, _KERATOCONUS) == "unknown"  # where they present is not recorded
    assert _result(text, _HYPERTENSION) == "not-met"


# The age the bullet names is taken at enrolment in all but name, or at another moment.
AGES = [
    ("18-44 years old at the time of recruitment", "age:18..44a"),
    ("Age 18-65 years at the screening visit", "age:18..65a"),
]


@pytest.mark.parametrize(("text", "expected"), AGES, ids=[a[0] for a in AGES])
def test_an_age_taken_at_recruitment_is_the_age(text: str, expected: str):
    assert signature(compile_text(text, partial=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Age 18-65 years at diagnosis",
        "18 years or older at the time of diagnosis",
        "Aged 40 to 75 years at symptom onset",
    ],
)
def test_an_age_at_diagnosis_is_not_the_age_now(text: str):
    # diagnosed at 60, 67 today: a range on today's age would call the patient ineligible
    assert compile_text(text, partial=True) is None


def test_an_age_at_recruitment_decides_on_the_birth_date():
    criterion = compile_text(AGES[0][0], partial=True)
    assert criterion is not None
    for born, expected in (("1990-01-01", "met"), ("1970-01-01", "not-met")):
        facts = facts_for(record(patient(born=born)))
        ctx = EvalContext(facts=facts, as_of=AS_OF, policy=DEFAULT_POLICY)
        assert evaluate_criterion(criterion, ctx).result == expected


# "<kind> pregnancy": a current pregnancy is necessary, its kind left to the residue.
PREGNANCIES = [
    ("Singleton pregnancy", "all-of(pregnancy:pregnancy, text)"),
    ("Has an established viable singleton pregnancy", "all-of(pregnancy:pregnancy, text)"),
    ("Women with a twin pregnancy (mono- and di-chorionic)", "all-of(pregnancy:pregnancy, text)"),
    ("Term Pregnancy ≥ 37SA", "all-of(pregnancy:pregnancy, text)"),
]


@pytest.mark.parametrize(("text", "expected"), PREGNANCIES, ids=[p[0] for p in PREGNANCIES])
def test_a_kind_of_pregnancy_needs_a_pregnancy(text: str, expected: str):
    assert signature(compile_text(text, partial=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Previous singleton pregnancy",  # past
        "Singleton pregnancy test negative",  # a test
        "Women at risk for pregnancy",  # a risk
        "Singleton pregnancy with no prior caesarean",  # a negation the head cannot place
        "Term pregnancy (37 weeks or more) or postpartum",  # one of two populations
    ],
)
def test_a_pregnancy_that_may_not_be_current_stays_text(text: str):
    assert compile_text(text, partial=True) is None


def test_a_singleton_pregnancy_is_not_met_without_a_pregnancy():
    pregnant = condition("Pregnant", (ICD, "Z33.1", "Pregnant state, incidental"))
    negative_test = observation(
        ("http://loinc.org", "2106-3", "Choriogonadotropin (pregnancy test) [Presence] in Urine"),
        "2026-11-25",
        valueCodeableConcept={"text": "Negative"},
    )
    criterion = compile_text("Singleton pregnancy", partial=True)
    assert criterion is not None
    for person, resources, expected in (
        (patient(), (pregnant,), "unknown"),  # pregnant: whether singleton is not recorded
        (patient(), (negative_test,), "not-met"),  # a negative test: not pregnant now
        (patient(), (), "unknown"),  # nothing recorded
    ):
        facts = facts_for(record(person, *resources))
        ctx = EvalContext(facts=facts, as_of=AS_OF, policy=DEFAULT_POLICY)
        assert evaluate_criterion(criterion, ctx).result == expected
