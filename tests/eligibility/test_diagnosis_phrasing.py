"""How a diagnosis was established, and how long ago it was made (`rules.diagnosis_phrasing`).

What a user notices: "UC confirmed by biopsy", "IBS defined by Rome III criteria", "Meet the
diagnostic criteria for type 1 diabetes: …" match a patient whose problem list holds the
diagnosis, with no review left over; "Diagnosed with type 2 diabetes at least 12 weeks prior to
inclusion" matches one diagnosed long enough ago, rules out one diagnosed last month, and says
"unknown" when the record does not date the diagnosis. What must never happen: a suspicion read
as a diagnosis, a narrowing lost with the method ("… to be HER2-positive", "…: HAMD >= 18"), or a
duration read as a window on the wrong thing.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext
from fhirtrial.eligibility.evaluation.evaluator import evaluate_criterion
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import AS_OF, ICD, condition, patient, record
from tests.eligibility.signature import signature

# (bullet, exclusion, signature): development-text shapes.
READ = [
    # how it was established
    ("Diagnosis of ulcerative colitis confirmed by biopsy", False, "condition:ulcerative-colitis"),
    (
        "Diagnosis of COPD confirmed by clinical examination and a pulmonary function test",
        False,
        "condition:copd",
    ),
    ("Pneumonia as determined by X-ray", True, "condition:pneumonia"),
    ("Asthma, as assessed by spirometry (PFT)", False, "condition:asthma"),
    ("Biopsy-proven ulcerative colitis", False, "condition:ulcerative-colitis"),
    ("Evidence of pneumonia on chest CT", True, "condition:pneumonia"),
    ("Epilepsy diagnosed by EEG", True, "condition:epilepsy"),
    # named diagnostic criteria
    ("Irritable bowel syndrome defined by ROME III criteria", True, "condition:icd10cm:K58"),
    (
        "Systemic Lupus Erythematosus (SLE) as defined by ACR criteria",
        True,
        "condition:systemic-lupus-erythematosus",
    ),
    (
        "Clinical diagnosis of Parkinson's disease according to the UK Brain Bank criteria.",
        False,
        "condition:parkinson-disease",
    ),
    ("Meets diagnostic criteria for fibromyalgia", False, "condition:icd10cm:M79.7"),
    ("Patients with type 2 diabetes according to ADA criteria", False, "condition:diabetes-type-2"),
    (
        "Patients with asthma or COPD according to GINA criteria",
        False,
        "any-of(condition:asthma, condition:copd)",
    ),
    (  # the description after the colon is how the diagnosis is made
        "Meet the diagnostic criteria of type 1 diabetes mellitus: clinical manifestations of "
        "typical diabetes mellitus include polyphagia, polyuria, weight loss, or diabetic "
        "ketoacidosis, confirmed by blood sugar level, islet function and autoimmune antibody.",
        False,
        "condition:diabetes-type-1",
    ),
    ("Diagnosis of endometriosis at any stage", True, "condition:icd10cm:N80"),
    (
        "Type 1 or 2 diabetes medical diagnosis",
        True,
        "any-of(condition:diabetes-type-1, condition:diabetes-type-2)",
    ),
    (
        "2. having type 2 diabetes mellitus (as defined by the WHO diagnostic criteria in 1999) "
        "[2];",
        False,
        "condition:diabetes-type-2",
    ),
    (
        "Patients meet the diagnosis of schizophrenia according to DSM5.",
        False,
        "condition:schizophrenia",
    ),
    ("Patient has a medically confirmed diagnosis of asthma", False, "condition:asthma"),
    ("Type 2 diabetes of any duration", False, "condition:diabetes-type-2"),
    # how long ago: a window on the diagnosis
    ("Patient diagnosed with T1D > 6 months", False, "condition:diabetes-type-1:w,-183,enrollment"),
    ("Duration of diabetes ≥ 6 months", False, "condition:diabetes-mellitus:w,-183,enrollment"),
    (
        "Diagnosed with type 2 diabetes at least 12 weeks prior to inclusion",
        False,
        "condition:diabetes-type-2:w,-84,enrollment",
    ),
    (
        "Diagnosed with T2DM for more than 1 year",
        False,
        "condition:diabetes-type-2:w,-365,enrollment",
    ),
    ("At least 6 months post-stroke", False, "condition:stroke:w,-183,enrollment"),
    ("3 months to 5 years post-stroke onset", False, "condition:stroke:w-1826,-91,enrollment"),
    ("At least six months since diagnosis of asthma", False, "condition:asthma:w,-183,enrollment"),
    (
        "Type 2 diabetes with a disease duration of less than 1 year",
        False,
        "condition:diabetes-type-2:w-365,0,enrollment",
    ),
    ("Asthma of more than 6 months of evolution", False, "condition:asthma:w,-183,enrollment"),
    (
        "Diagnosis of asthma according to GINA criteria for less than four months",
        False,
        "condition:asthma:w-122,0,enrollment",
    ),
    (
        "Adults aged 18 to 65 years diagnosed with asthma at least 3 months prior to screening",
        False,
        "all-of(age:18..65a, condition:asthma:w,-91,enrollment)",
    ),
    (
        "< 3 months after myocardial infarction",
        True,
        "condition:myocardial-infarction:w-91,0,enrollment",
    ),
]


@pytest.mark.parametrize(("text", "exclusion", "expected"), READ, ids=[r[0][:40] for r in READ])
def test_the_plain_diagnosis_is_read(text: str, exclusion: bool, expected: str) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


# (why, bullet, exclusion, signature or None): what the method or the time must not take away.
KEPT = [
    ("a suspicion is no record", "Probable asthma confirmed by spirometry", False, None),
    ("possible", "Possible Parkinson disease according to MDS criteria", False, None),
    (
        "a narrowing after the method",
        "Breast cancer confirmed by biopsy to be HER2-positive",
        False,
        "all-of(condition:breast-cancer, biomarker:her2:positive, text)",
    ),
    (
        # FEV1 % predicted is a lab the compiler reads (merged beside this rule): the partial
        # form cannot place a second reading inside the description, so the bullet stays text —
        # the threshold is never dropped.
        "a threshold in the description",
        "Meets diagnostic criteria for asthma: FEV1 < 80% predicted",
        False,
        None,
    ),
    (
        "a threshold no finder reads in the description",
        "Meets diagnostic criteria for asthma: PEF variability > 20%",
        False,
        "all-of(condition:asthma, text)",
    ),
    ("a bounded stage", "Breast cancer up to stage IIB confirmed by biopsy", False, None),
    ("at least N ago in an exclusion", "Stroke diagnosed more than 3 months ago", True, None),
    (
        "which diagnosis the time is of",
        "Patients with asthma and hypertension for at least 1 year",
        False,
        None,
    ),
    (
        "how long a treatment lasted",
        "Hypertension treated for at least 6 months",
        False,
        "all-of(condition:hypertension, text)",
    ),
    ("a past diagnosis", "History of psoriasis for at least 6 months", False, None),
    ("not a diagnosis", "At least 3 months after LVAD implantation", False, None),
]


@pytest.mark.parametrize(("why", "text", "exclusion", "expected"), KEPT, ids=[k[0] for k in KEPT])
def test_what_the_words_narrow_or_doubt_is_kept(
    why: str, text: str, exclusion: bool, expected: str | None
) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected, why


def _diabetes(onset: str | None, recorded: str | None = None) -> dict[str, Any]:
    resource = condition(
        "Type 2 diabetes mellitus", (ICD, "E11.9", "Type 2 diabetes mellitus"), onset=onset
    )
    if recorded:
        resource["recordedDate"] = recorded
    return resource


_HYPERTENSION = condition("Essential hypertension", (ICD, "I10", "Essential hypertension"))


def _result(text: str, *resources: dict[str, Any], exclusion: bool = False) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None
    ctx = EvalContext(
        facts=facts_for(record(patient(), *resources)), as_of=AS_OF, policy=DEFAULT_POLICY
    )
    return evaluate_criterion(criterion, ctx).result


_AT_LEAST = "Diagnosed with type 2 diabetes at least 12 weeks prior to inclusion"


def test_diagnosed_long_enough_ago_is_met_by_the_onset_date() -> None:
    assert _result(_AT_LEAST, _diabetes("2024-03-01")) == "met"
    assert _result(_AT_LEAST, _diabetes("2026-11-01")) == "not-met"  # one month before
    assert _result(_AT_LEAST, _HYPERTENSION) == "not-met"  # no diabetes on the problem list


def test_without_an_onset_the_recorded_date_decides_only_what_it_can() -> None:
    # recorded two years ago: diagnosed at least as long ago
    assert _result(_AT_LEAST, _diabetes(None, recorded="2024-11-20")) == "met"
    # recorded last month: the diagnosis may be older — unknown, never not-met
    assert _result(_AT_LEAST, _diabetes(None, recorded="2026-11-20")) == "unknown"
    # no date at all: unknown, never met
    assert _result(_AT_LEAST, _diabetes(None)) == "unknown"


_RECENT = "Type 2 diabetes with a disease duration of less than 1 year"


def test_a_recent_diagnosis_is_placed_by_its_onset() -> None:
    assert _result(_RECENT, _diabetes("2026-09-01")) == "met"
    # diagnosed years ago and still active: present in the last year, but not diagnosed in it
    assert _result(_RECENT, _diabetes("2019-05-01")) == "not-met"
    # recorded years ago: diagnosed before the window opened
    assert _result(_RECENT, _diabetes(None, recorded="2019-05-01")) == "not-met"
    # recorded this year: it may have been diagnosed long before
    assert _result(_RECENT, _diabetes(None, recorded="2026-09-01")) == "unknown"


def test_an_exclusion_for_a_recent_event_excludes_only_a_recent_one() -> None:
    text = "< 3 months after myocardial infarction"
    infarction = condition(
        "Acute myocardial infarction", (ICD, "I21.9", "Acute myocardial infarction"), onset=None
    )
    recent = {**infarction, "onsetDateTime": "2026-10-15"}
    old = {**infarction, "onsetDateTime": "2023-10-15", "clinicalStatus": {"coding": []}}
    assert _result(text, recent, exclusion=True) == "met"  # excluded
    assert _result(text, old, exclusion=True) == "not-met"  # may join
    assert _result(text, infarction, exclusion=True) == "unknown"  # undated: never excluded
