"""Known drugs and medication classes in the phrasings real criteria use, and the phrasings that
must stay text (issue 13, session 11: medications the vocabulary knows, left text by wording).

A matrix of single drugs (terminology/drug_names.json) and classes (medications.json) × everyday
phrasings, compiled as an inclusion and as an exclusion, then verdicts against EHR-style records
(MedicationRequests and AllergyIntolerances as Epic writes them) where the reading decides one:
a window's edges, a stopped medication, a drug never taken.

Meaning kept exact: a current use is not a past one; "never" and "naive" are the whole history
(prior therapy), not a use now; a planned or during-study use, a use "within 5 half-lives", a use
"allowed" stay text; an allergy is an allergy, not a use; a contraindication alone stays text.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    medication,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import signature

# (how the text names it, concept id)
DRUGS = [("metformin", "metformin"), ("tamoxifen", "tamoxifen"), ("clopidogrel", "clopidogrel")]
CLASSES = [
    ("statins", "statin"),
    ("SSRIs", "ssri"),
    ("antipsychotics", "antipsychotic"),
    ("antiepileptic drugs", "antiepileptic"),
]
NAMES = [*DRUGS, ("warfarin", "warfarin"), *CLASSES, ("insulin", "insulin"), ("opioids", "opioid")]

# Phrasing → the form in both lists ("{c}" is the concept). Uses now and in a window.
USES = [
    ("Treatment with {x} within 30 days", "medication:{c}:w-30,0,enrollment"),
    ("{X} use in the past 3 months", "medication:{c}:w-91,0,enrollment"),
    ("Current use of {x}", "medication:{c}"),
    ("Patients on {x}", "medication:{c}"),
    ("Concomitant use of {x}", "medication:{c}"),
    ("Have taken {x} in the last 4 weeks", "medication:{c}:w-28,0,enrollment"),
    ("Hypersensitivity to {x}", "allergy:{c}"),
]


def _cases(phrasings: list[tuple[str, str]], names: list[tuple[str, str]]) -> list[Any]:
    return [
        pytest.param(
            text.format(x=name, X=name[0].upper() + name[1:]),
            form.format(c=concept),
            id=f"{text}-{concept}",
        )
        for text, form in phrasings
        for name, concept in names
    ]


@pytest.mark.parametrize(("text", "expected"), _cases(USES, NAMES[:8]))
def test_uses_and_allergies_compile_in_both_lists(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected
    assert signature(compile_text(text, exclusion=False)) == expected


# "Never" and "naive": no use at any time (an inclusion; the exclusion of a negation stays text).
NEVER = [
    ("Never treated with {x}", "NOT prior-therapy:{c}"),
    ("Patients who have never received {x}", "NOT prior-therapy:{c}"),
    ("Never used {x}", "NOT prior-therapy:{c}"),
    ("{X}-naive", "NOT prior-therapy:{c}"),
    ("{X} naïve patients", "NOT prior-therapy:{c}"),
    ("Naive to {x}", "NOT prior-therapy:{c}"),
]


@pytest.mark.parametrize(("text", "expected"), _cases(NEVER, [*DRUGS, *CLASSES]))
def test_never_and_naive_are_no_use_at_any_time(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=False)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chemotherapy-naïve", "NOT prior-therapy:cytotoxic-chemotherapy"),
        ("Never treated with insulin", "NOT prior-therapy:insulin"),
        ("Never used opioids", "NOT prior-therapy:opioid"),
        (
            "Have never taken warfarin or apixaban",
            "NOT any-of(prior-therapy:warfarin, prior-therapy:apixaban)",
        ),
        (
            "Type 2 diabetes patients who have never received metformin",
            "all-of(condition:diabetes-type-2, NOT prior-therapy:metformin)",
        ),
        (
            "Metformin-naive patients with type 2 diabetes",
            "all-of(NOT prior-therapy:metformin, condition:diabetes-type-2)",
        ),
        (
            "Never treated with statins within the last 5 years",
            "NOT prior-therapy:statin:w-1826,0,enrollment",
        ),
    ],
)
def test_never_and_naive_in_context(text: str, expected: str) -> None:
    assert _normal(signature(compile_text(text, exclusion=False))) == _normal(expected)


def _normal(form: str) -> str:
    """NOT any-of(a, b) and all-of(NOT a, NOT b) are one meaning (De Morgan)."""
    if form.startswith("NOT any-of(") and form.endswith(")"):
        members = form[len("NOT any-of(") : -1].split(", ")
        return "all-of(" + ", ".join(f"NOT {m}" for m in members) + ")"
    return form


# Must stay text: a future or during-study use, a wash-out in half-lives, what is allowed,
# "never" or "naive" narrowed by what follows, a contraindication.
STAY_TEXT = [
    "Planned use of {x} during the study",
    "Any {x} therapy during the study",
    "Current or planned use of {x}",
    "{X} within 5 half-lives",
    "Use of {x} is allowed",
    "Use of {x} is permitted",
    "Never treated with {x} for more than 2 weeks",
    "{X}-naive or on {x} for less than 3 months",
    "Naive to {x} for metastatic disease",
    # A contraindication is no allergy (the project reads it only beside an allergy word:
    # "contraindication or allergy to ibuprofen"), test_meds_allergies_procedures_vocab.
    "Contraindication to {x}",
]


@pytest.mark.parametrize(
    "text",
    [
        text.format(x=name, X=name[0].upper() + name[1:])
        for text in STAY_TEXT
        for name, _ in [*DRUGS, *CLASSES]
    ],
)
def test_phrasings_that_stay_text(text: str) -> None:
    assert signature(compile_text(text, exclusion=True)) in (None, "text")
    assert signature(compile_text(text, exclusion=False)) in (None, "text")


@pytest.mark.parametrize(
    "text",
    [
        # "Naive" here means not tolerant, or allows the short courses a hospital stay gives.
        "Opioid-naive patients",
        "Insulin-naive",
        "Steroid-naive",
        "Anticoagulant-naive",
        # No drug named.
        "Treatment-naive",
        "Drug-naive",
        "Naive to the study drug",
        "Chemotherapy-naive for metastatic disease",
        "Insulin-naive (no more than 14 days of insulin use)",
        # A list whose last item no rule names.
        "Naïve of any steroid intake or immune therapy",
    ],
)
def test_naive_and_contraindications_that_stay_text(text: str) -> None:
    assert signature(compile_text(text, exclusion=False)) in (None, "text")
    assert signature(compile_text(text, exclusion=True)) in (None, "text")


def test_never_does_not_deny_what_follows_it() -> None:
    # Read as a negation of the whole bullet, the HbA1c would be denied too: text.
    text = "Patients who have never received metformin and who have HbA1c > 7%"
    assert signature(compile_text(text, exclusion=False)) in (None, "text")


# ---------------------------------------------------------------- verdicts against records

METFORMIN = "metFORMIN 500 MG Oral Tablet"


def test_never_treated_with_metformin_fails_for_a_course_stopped_years_ago() -> None:
    bullet = "Never treated with metformin"
    stopped = medication(METFORMIN, "2021-03-01", "2022-06-30")
    assert verdict_of_inclusion_bullet(bullet, record(patient(), stopped)) == "ineligible"
    current = medication(METFORMIN, "2026-06-01", status="active")
    assert verdict_of_inclusion_bullet(bullet, record(patient(), current)) == "ineligible"
    other = medication("atorvastatin 20 MG Oral Tablet", "2026-06-01", status="active")
    assert verdict_of_inclusion_bullet(bullet, record(patient(), other)) != "ineligible"


def test_metformin_naive_fails_for_any_course_and_holds_without_one() -> None:
    bullet = "Metformin-naive"
    stopped = medication(METFORMIN, "2019-01-01", "2019-04-01")
    assert verdict_of_inclusion_bullet(bullet, record(patient(), stopped)) == "ineligible"
    other = medication("lisinopril 10 MG Oral Tablet", "2026-01-01", status="active")
    assert verdict_of_inclusion_bullet(bullet, record(patient(), other)) != "ineligible"


def test_a_use_in_30_days_at_the_window_edges_and_when_stopped() -> None:
    criterion = compile_text("Treatment with metformin within 30 days", exclusion=True)
    assert criterion is not None
    # The evaluation day is 2026-12-01: a course ending 10 days before is in the window …
    inside = medication(METFORMIN, "2026-06-01", "2026-11-21")
    assert result_of(criterion, record(patient(), inside)) == "met"
    # … one that ended two months before is not, nor one stopped years ago.
    outside = medication(METFORMIN, "2026-03-01", "2026-09-30")
    assert result_of(criterion, record(patient(), outside)) == "not-met"
    old = medication(METFORMIN, "2020-01-01", "2020-05-01")
    assert result_of(criterion, record(patient(), old)) == "not-met"
    # A course that ends on day 31 before is out, one that ends on day 29 is in.
    edge_out = medication(METFORMIN, "2026-09-01", "2026-10-31")
    assert result_of(criterion, record(patient(), edge_out)) == "not-met"
    edge_in = medication(METFORMIN, "2026-09-01", "2026-11-02")
    assert result_of(criterion, record(patient(), edge_in)) == "met"


def test_current_use_is_not_met_by_a_stopped_medication() -> None:
    criterion = compile_text("Current use of clopidogrel", exclusion=True)
    assert criterion is not None
    stopped = medication("clopidogrel 75 MG Oral Tablet", "2025-01-01", "2025-07-01")
    assert result_of(criterion, record(patient(), stopped)) == "not-met"
    active = medication("clopidogrel 75 MG Oral Tablet", "2026-01-01", status="active")
    assert result_of(criterion, record(patient(), active)) == "met"
