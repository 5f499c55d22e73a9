"""Known diagnoses behind lead-ins and tails that add nothing a coded diagnosis does not say
("Asthma per medical history", "Patients affected by X", "HIV infection diagnosis at any time
before study consent", "Psoriasis (past or present)", "X of any duration", "Underlying X") and
the ones that narrow it in a way no record decides ("Newly diagnosed X", "X, stable for 3
months", "Diabetes for several years": all-of(X, TEXT)) — `rules.diagnosis_tails`; and the
words that must keep the bullet text ("Self-reported X", "Family history of X …").

A matrix of names × phrasings, compiled as both an inclusion and an exclusion bullet, then
verdicts against EHR-style records where the reading changes who is turned away.
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
    verdict_of_study,
)
from tests.eligibility.signature import signature

# name → the leaf it compiles to alone (hand-made concepts and ICD-10-CM titles).
NAMES = {
    "type 2 diabetes": "condition:diabetes-type-2",
    "asthma": "condition:asthma",
    "COPD": "condition:copd",
    "atrial fibrillation": "condition:atrial-fibrillation",
    "epilepsy": "condition:epilepsy",
    "hepatitis C": "condition:hcv",
    "breast cancer": "condition:breast-cancer",
    "multiple sclerosis": "condition:multiple-sclerosis",
    "psoriasis": "condition:icd10cm:L40",
}

# Phrasings read as the diagnosis itself, in either list.
PLAIN = [
    "{} per medical history",
    "{} (per medical records)",
    "{} in previous medical history",
    "{} as per the patient's medical record",
    "{} diagnosis at any time before study consent",
    "{} at any time in the past",
    "{} (past or present)",
    "{}, past or present",
    "{} (all types)",
    "{} of any kind",
    "{} of any duration",
    "{}, treated or untreated",
    "{}, regardless of treatment",
    "Patients affected by {}",
    "Individuals affected by {}",
    "Existing {}",
    "Underlying {}",
    "Ever diagnosed with {}",
    "Known case of {}",
    "Diagnosed case of {}",
    "Carry a diagnosis of {}",
    "Present medical diagnosis of {}",
    "Clinical history of {}",
    "Clinically confirmed {}",
    "Concurrent diagnosis of {}",
    # how it was diagnosed: the recorded diagnosis (as "according to DSM-5 criteria" reads)
    "{} that meets DSM-5 criteria",
    "{} fulfilling the 2017 McDonald criteria",
    "{}, meeting the ACR/EULAR 2010 classification criteria",
    "Fulfils the 2010 ACR/EULAR classification criteria for {}",
    "{} diagnosed by a rheumatologist",
    "Has been diagnosed with {} by a physician",
    # both states of a judgement: every form of the diagnosis
    "Controlled or uncontrolled {}",
    "{}, symptomatic or asymptomatic",
    "{} (active or inactive)",
    "{}, whether or not treated",
    "{}, with or without treatment",
]

# Phrasings that narrow the diagnosis in words no record decides: all-of(X, TEXT) in either list.
NARROWED = [
    "Newly diagnosed {}",
    "Patients recently diagnosed with {}",
    "{}, stable for 3 months",
    "{} for several years",
    "{} at study entry",
]

# Phrasings that are no recorded diagnosis, or that a tail must not widen: text in both lists.
TEXT = [
    "Self-reported {}",
    "{} (self-reported)",
    "Suspected {} at any time",
    "Family history of {} per medical history",
    "Symptoms of {} per medical history",
    "No {} per medical history",
    "At risk of {}",
]


def _both(text: str) -> tuple[str, str]:
    read = [compile_text(text, exclusion=e, partial=True) for e in (False, True)]
    return tuple(signature(c) if c is not None else "-" for c in read)  # type: ignore[return-value]


@pytest.mark.parametrize("phrasing", PLAIN)
@pytest.mark.parametrize("name", list(NAMES))
def test_words_that_add_nothing_read_as_the_diagnosis(name: str, phrasing: str) -> None:
    leaf = NAMES[name]
    assert _both(phrasing.format(name)) == (leaf, leaf)


@pytest.mark.parametrize("phrasing", NARROWED)
@pytest.mark.parametrize("name", list(NAMES))
def test_narrowing_words_keep_a_text_member(name: str, phrasing: str) -> None:
    form = f"all-of({NAMES[name]}, text)"
    assert _both(phrasing.format(name)) == (form, form)


@pytest.mark.parametrize("phrasing", TEXT)
@pytest.mark.parametrize("name", list(NAMES))
def test_no_recorded_diagnosis_stays_text(name: str, phrasing: str) -> None:
    # Text, or (an inclusion's necessary part, read elsewhere) the diagnosis with a text member:
    # never the recorded diagnosis alone.
    assert all(form == "-" or form.endswith(", text)") for form in _both(phrasing.format(name)))


@pytest.mark.parametrize(
    "text",
    [
        "AST > 150 IU/mL at any time",  # a measurement "at any time" is no diagnosis
        "Natremia > 155 mmol/L at any time",
        "Practicing yoga of any kind in last three months",
        "Healthy as determined by medical history",
        "Type 2 diabetes at any time during the study",  # not "ever": a window to come
        "Known case of epilepsy on antiepileptic drugs",
        "Epilepsy diagnosed by self-report",
        "Breast cancer meeting the NCCN criteria for high risk",
    ],
)
def test_tails_after_other_kinds_are_not_cut(text: str) -> None:
    assert _both(text) == ("-", "-")


@pytest.mark.parametrize(
    "text",
    ["Asthma meeting the following criteria", "Asthma meeting >= 3 criteria"],
)
def test_criteria_that_narrow_are_never_cut(text: str) -> None:
    # Criteria listed elsewhere or counted narrow the diagnosis: never the diagnosis alone.
    assert "condition:asthma" not in _both(text)


def test_existing_patients_of_a_clinic_are_not_an_existing_diagnosis() -> None:
    # "Existing patients" says whose patients they are: not read as the diagnosis alone.
    assert _both("Existing patients with type 2 diabetes")[1] == "-"


def test_a_dated_inclusion_still_dates_the_diagnosis() -> None:
    # `diagnosis_phrasing` reads the duration in an inclusion first; the exclusion keeps it text.
    inclusion, exclusion = _both("Rheumatoid arthritis of at least 1 year duration")
    assert inclusion == "condition:rheumatoid-arthritis:w,-365,enrollment"
    assert exclusion == "all-of(condition:rheumatoid-arthritis, text)"


# ---------------------------------------------------------------- verdicts against records

HCV = condition("Chronic hepatitis C (HCC)", (ICD, "B18.2", "Chronic viral hepatitis C"))
HIV = condition("HIV disease (HCC)", (ICD, "B20", "Human immunodeficiency virus [HIV] disease"))
MS = condition("Multiple sclerosis (HCC)", (ICD, "G35", "Multiple sclerosis"), onset="2026-10-01")


def test_hiv_at_any_time_is_met_by_the_problem_list() -> None:
    text = criteria_text(["HIV infection diagnosis at any time before study consent"], [])
    assert verdict_of_study(text, record(patient(), HIV)) == "eligible"
    # a diagnosis missing from the record is never "not met"
    assert verdict_of_study(text, record(patient())) == "potential-candidate"


def test_hepatitis_c_per_medical_history_excludes_who_has_it_only() -> None:
    text = criteria_text([], ["Hepatitis C per medical history"])
    assert verdict_of_study(text, record(patient(), HCV)) == "ineligible"
    assert verdict_of_study(text, record(patient(), HIV)) != "ineligible"


def test_newly_diagnosed_exclusion_never_turns_a_patient_away_on_its_own() -> None:
    text = criteria_text([], ["Newly diagnosed multiple sclerosis"])
    # "newly" is a judgement no record states: the patient with MS is a candidate, not excluded
    assert verdict_of_study(text, record(patient(), MS)) == "potential-candidate"
    assert verdict_of_study(text, record(patient(), HCV)) != "ineligible"


def test_self_reported_diagnosis_is_not_read_from_the_record() -> None:
    text = criteria_text(["Self-reported asthma"], [])
    assert verdict_of_study(text, record(patient())) == "potential-candidate"
