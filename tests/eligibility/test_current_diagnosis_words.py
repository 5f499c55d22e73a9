""" "Current" before a diagnosis asks for a current one: a resolved entry does not meet it.

"Currently experiencing seizures" read as any seizure ever excluded a patient whose only seizure
resolved decades ago; so did "Current malignancy" a cancer survivor.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text, read_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)

_RESOLVED = {"status": "resolved", "onset": "1995-01-01", "abated": "1996-01-01"}


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Currently experiencing seizures", "seizure"),
        ("Current seizures", "seizure"),
        ("With current diagnosis of coagulopathy", "coagulopathy"),
        ("Current malignancy", "malignant-neoplasm"),
        ("Presently suffering from epilepsy", "epilepsy"),
    ],
)
def test_current_words_make_the_diagnosis_current(text: str, concept: str) -> None:
    criterion = compile_text(text)
    assert criterion is not None
    assert criterion.concept == concept
    assert criterion.qualifiers == ("active",)


def test_an_alternative_of_lifetime_or_current_is_any_time() -> None:
    criterion = compile_text("Lifetime or current diagnosis of schizophrenia")
    assert criterion is not None
    assert "active" not in criterion.qualifiers


def test_a_resolved_seizure_does_not_exclude() -> None:
    seizure = condition("Seizure", (ICD, "R56.9", "Unspecified convulsions"), **_RESOLVED)
    criterion = compile_text("Currently experiencing seizures")
    assert criterion is not None
    assert result_of(criterion, record(patient(), seizure)) == "not-met"
    text = criteria_text(["Age ≥ 18 years"], ["Currently experiencing seizures"])
    assert verdict_of_study(text, record(patient(), seizure)) != "ineligible"


def test_a_current_seizure_disorder_still_excludes() -> None:
    epilepsy = condition("Epilepsy", (ICD, "G40.909", "Epilepsy, unspecified"))
    text = criteria_text(["Age ≥ 18 years"], ["Currently experiencing seizures"])
    criterion = compile_text("Current seizures")
    assert criterion is not None
    seizure = condition("Seizure", (ICD, "R56.9", "Unspecified convulsions"))
    assert result_of(criterion, record(patient(), seizure)) == "met"
    assert verdict_of_study(text, record(patient(), seizure, epilepsy)) == "ineligible"


def test_a_cancer_survivor_has_no_current_malignancy() -> None:
    survivor = condition(
        "Breast cancer",
        (ICD, "C50.911", "Malignant neoplasm of unspecified site of right female breast"),
        **_RESOLVED,
    )
    criterion = compile_text("Current malignancy")
    assert criterion is not None
    assert result_of(criterion, record(patient(), survivor)) == "not-met"


def test_the_current_malignancy_is_the_one_at_hand() -> None:
    text = "Patients must have undergone adequate breast surgery for the current malignancy."
    reading = read_text(text, partial=True, section="inclusion")
    assert reading.criterion is not None
    leaves = [reading.criterion]
    while any(leaf.children for leaf in leaves):
        leaves = [c for leaf in leaves for c in (leaf.children or (leaf,))]
    malignancy = [leaf for leaf in leaves if leaf.concept == "malignant-neoplasm"]
    assert malignancy
    assert all("active" not in leaf.qualifiers for leaf in malignancy)
