"""The diagnosis under study as a necessary part of an inclusion bullet, with what the finders
read beside it: an age or sex in the lead, a current medication after "treated with" / "on".

"Adults (≥18 years) with moderate-to-severe psoriasis for at least 6 months": whatever the
severity and duration say, a patient must be an adult with psoriasis. What a user notices: a
16-year-old or a patient whose problem list holds no psoriasis is no longer a candidate; a
patient with psoriasis stays "unknown" (the severity is for the investigator). What must never
happen: a diagnosis that is hedged, optional, past, someone else's or one of two populations is
made necessary and a patient who could join is called ineligible.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext
from fhirtrial.eligibility.evaluation.evaluator import evaluate_criterion
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import AS_OF, ICD, condition, medication, patient, record
from tests.eligibility.signature import signature

# (bullet, signature): development-text shapes and the task's own examples.
READ = [
    (  # a current medication the finder reads, placed after "treated with"
        "Confirmed diagnosis of atrial fibrillation treated with anticoagulants for at least 3 "
        "months",
        "all-of(condition:atrial-fibrillation, medication:anticoagulant, text)",
    ),
    (  # "ACR/EULAR" names the criteria, it is no alternative
        "Diagnosis of rheumatoid arthritis according to the 2010 ACR/EULAR criteria, with active "
        "disease despite methotrexate",
        "all-of(condition:rheumatoid-arthritis, text)",
    ),
    (  # an age in parentheses after the subject is a necessary part too
        "Adults (≥18 years) with moderate-to-severe psoriasis for at least 6 months",
        "all-of(age:>=18a, condition:icd10cm:L40, text)",
    ),
    (
        "Patients older than 18 years (of both sexes) diagnosed with rheumatoid arthritis "
        "according to ACR / EULAR 2010 criteria .",
        "all-of(age:>18a, condition:rheumatoid-arthritis)",  # the criteria do not narrow it
    ),
    (  # an acute diagnosis: the part asks for a current episode (see the evaluation below)
        "Hospitalized patients with pneumonia",
        "all-of(condition:pneumonia, text)",
    ),
    (  # dated before enrolment: a window on when it was diagnosed (rules.diagnosis_phrasing)
        "Diagnosed with Myasthenia Gravis at least 6 months (180 days) prior to the date of the "
        "Screening Visit as confirmed by specific criteria.",
        "condition:icd10cm:G70.0:w,-180,enrollment",
    ),
    (  # the criteria it was made by do not narrow it: understood in full
        "Subjects diagnosed according to the American College of Rheumatology 2016 diagnostic "
        "criteria for fibromyalgia.",
        "condition:icd10cm:M79.7",
    ),
    (
        "Currently meets Diagnostic and Statistical Manual-5 criteria for Anorexia Nervosa",
        "condition:icd10cm:F50.0",
    ),
    # The duration is read too since session 13 (a window on the onset, test_leading_windows).
    ("Chronic anal fissure lasting more than 6 weeks", "condition:icd10cm:K60.1:w,-42,enrollment"),
    (
        "Patients of any age with a diagnosis of familial dysautonomia (FD) with molecular "
        "confirmation of the IKBKAP mutation.",
        "all-of(condition:icd10cm:G90.1, text)",
    ),
    # Nothing but the diagnosis (and an age or sex) is said: understood in full, no residue.
    ("Clinical diagnosis of hypertension", "condition:hypertension"),
    ("Physician diagnosis of COPD;", "condition:copd"),
    (
        "Subjects over 60 years of age with a clinical diagnosis of Parkinson's disease",
        "all-of(age:>60a, condition:parkinson-disease)",
    ),
    (
        "Women aged 40-65 years with fibromyalgia",
        "all-of(sex:female, age:40..65a, condition:icd10cm:M79.7)",
    ),
]


@pytest.mark.parametrize(("text", "expected"), READ, ids=[r[0][:40] for r in READ])
def test_the_diagnosis_and_what_the_finders_read_beside_it_are_necessary(text: str, expected: str):
    criterion = compile_text(text, partial=True)
    assert signature(criterion) == expected
    assert criterion is not None and criterion.source_text == text


REFUSED = [
    ("hedged", "Patients with suspected pneumonia according to the ATS criteria"),
    ("at risk", "Adults (≥18 years) at risk of asthma according to GINA"),
    ("past only", "History of psoriasis for at least 6 months"),
    ("someone else's", "Caregivers of patients with atrial fibrillation treated with warfarin"),
    ("negated", "Patients without atrial fibrillation treated with warfarin per ESC criteria"),
    ("two populations", "Patients with asthma or COPD with frequent exacerbations"),
    ("healthy volunteers", "Healthy volunteers and patients with asthma for at least 1 year"),
    # ("Adults (≥18 years) with moderate-to-severe nail psoriasis", a narrower name: the age is
    # read without the psoriasis by `rules.age_clauses`, test_age_clauses.)
    ("a narrower acute name", "Hospitalized patients with community-acquired pneumonia"),
    ("a CKD stage", "Chronic kidney disease stage 3-4 (eGFR 15–59)"),
    ("a drug the finder does not read", "Patients with hypertension taking vasodilator drugs"),
    ("a medication not placed", "Insulin-treated patients with COPD for 1 year"),
    ("a lab beside it", "Clinical diagnosis of asthma and eosinophils ≥ 300 cells/µL per records"),
    ("a recent diagnosis", "Diagnosis of asthma by spirometry for less than four months"),
    ("a state a measurement defines", "Morbid obesity according to WHO"),
    ("two concepts at one place", "Patients with type 2 diabetes with diabetes education"),
    ("another diagnosis", "Patients with asthma and hypertension for at least 1 year"),
    ("a slash between diseases", "Patients with asthma/COPD according to GINA/GOLD"),
    ("an age at diagnosis", "Patients diagnosed at age > 50 with asthma per GINA criteria"),
]


@pytest.mark.parametrize(("why", "text"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_diagnosis_that_may_not_hold_leaves_the_bullet_text_only(why: str, text: str):
    assert compile_text(text, partial=True) is None, why


_AF = condition("Atrial fibrillation", (ICD, "I48.91", "Unspecified atrial fibrillation"))
_COPD = condition("COPD", (ICD, "J44.9", "Chronic obstructive pulmonary disease"))
_HYPERTENSION = condition("Essential hypertension", (ICD, "I10", "Essential hypertension"))
_PSORIASIS = condition("Psoriasis vulgaris", (ICD, "L40.0", "Psoriasis vulgaris"))
_WARFARIN = medication("warfarin 5 mg tablet", "2026-01-05", status="active")
_LISINOPRIL = medication("lisinopril 10 mg tablet", "2026-01-05", status="active")


def _result(text: str, *resources: dict[str, Any], born: str = "1960-04-02") -> str:
    criterion = compile_text(text, partial=True)
    assert criterion is not None
    facts = facts_for(record(patient(born=born), *resources))
    ctx = EvalContext(facts=facts, as_of=AS_OF, policy=DEFAULT_POLICY)
    return evaluate_criterion(criterion, ctx).result


def test_a_diagnosis_with_a_medication_needs_both_and_stays_unknown_with_both():
    text = READ[0][0]
    assert _result(text, _AF, _WARFARIN) == "unknown"  # "for at least 3 months" is not decided
    assert _result(text, _AF, _LISINOPRIL) == "not-met"  # no anticoagulant among the medications
    assert _result(text, _HYPERTENSION, _WARFARIN) == "not-met"  # no atrial fibrillation
    assert _result(text) == "unknown"  # nothing recorded: nothing is ruled out


def test_an_age_read_in_the_lead_is_necessary():
    text = "Adults (≥18 years) with moderate-to-severe psoriasis for at least 6 months"
    assert _result(text, _PSORIASIS) == "unknown"
    assert _result(text, _PSORIASIS, born="2010-06-01") == "not-met"  # 16 years old
    assert _result(text, _HYPERTENSION) == "not-met"


def test_a_bullet_that_says_only_the_diagnosis_is_met_by_it():
    text = "Physician diagnosis of COPD;"
    assert _result(text, _COPD) == "met"
    assert _result(text, _HYPERTENSION) == "not-met"
    assert _result(text) == "unknown"
    aged = "Subjects over 60 years of age with a clinical diagnosis of Parkinson's disease"
    parkinson = condition("Parkinson disease", (ICD, "G20.A1", "Parkinson's disease"))
    assert _result(aged, parkinson) == "met"
    assert _result(aged, parkinson, born="1980-01-01") == "not-met"  # 46 years old


def test_an_acute_diagnosis_is_a_current_episode_not_one_on_the_list_long_ago():
    text = "Hospitalized patients with pneumonia"
    now = condition("Pneumonia", (ICD, "J18.9", "Pneumonia"), onset="2026-11-25")
    stale = condition("Pneumonia", (ICD, "J18.9", "Pneumonia"), onset="2023-02-01")
    resolved = condition(
        "Pneumonia",
        (ICD, "J18.9", "Pneumonia"),
        status="resolved",
        onset="2023-02-01",
        abated="2023-03-01",
    )
    assert _result(text, now) == "unknown"  # present; "hospitalized" is not decided
    assert _result(text, stale) == "unknown"  # still "active" years later: cannot say
    assert _result(text, resolved) == "not-met"  # a past episode is not the pneumonia asked for
    assert _result(text, _HYPERTENSION) == "not-met"
