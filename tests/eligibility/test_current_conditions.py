"""The word "current" before any diagnosis ("Current asthma", "Currently experiencing seizures",
"With current diagnosis of coagulopathy") asks for the condition now. It was dropped on every
diagnosis but a few that come and go, so a febrile seizure resolved sixty years ago met "Currently
experiencing seizures" and ruled the patient out."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from fhirtrial.eligibility.model import Criterion, Kind
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)


def _leaves(criterion: Criterion | None) -> list[Criterion]:
    assert criterion is not None
    if criterion.kind is Kind.COMBINATION:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [criterion]


@pytest.mark.parametrize(
    "text",
    [
        "Current asthma",
        "Current seizures",
        "Currently experiencing seizures",
        "With current diagnosis of coagulopathy",
        "Patients currently suffering from asthma",
        "Diagnosis of current schizophrenia or schizoaffective disorder",
    ],
)
def test_current_is_active(text: str) -> None:
    leaves = _leaves(compile_text(text, exclusion=True))
    assert all(leaf.kind is Kind.CONDITION and "active" in leaf.qualifiers for leaf in leaves)


@pytest.mark.parametrize(
    "text",
    [
        "History of or current asthma",
        "With current or prior history of cancer",
        "Patients must have undergone adequate breast surgery for the current malignancy",
    ],
)
def test_either_time_or_the_study_s_own_disease_is_not_active(text: str) -> None:
    criterion = compile_text(text, exclusion=True) or compile_text(text, partial=True)
    conditions = [leaf for leaf in _leaves(criterion) if leaf.kind is Kind.CONDITION]
    assert conditions and all("active" not in leaf.qualifiers for leaf in conditions)


CHILDHOOD_FEBRILE_SEIZURE = condition(
    "Febrile seizure",
    (ICD, "R56.00", "Simple febrile convulsions"),
    status="resolved",
    onset="1964-01-01",
    abated="1964-01-02",
)
RESOLVED_ASTHMA = condition(
    "Childhood asthma",
    (ICD, "J45.909", "Unspecified asthma, uncomplicated"),
    status="resolved",
    onset="1968-01-01",
    abated="1978-01-01",
)


def test_a_seizure_resolved_long_ago_is_not_a_current_one() -> None:
    person = record(patient(), CHILDHOOD_FEBRILE_SEIZURE)
    criterion = compile_text("Currently experiencing seizures", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, person) == "not-met"
    text = criteria_text(["Age 18 or older"], ["Currently experiencing seizures"])
    assert verdict_of_study(text, person) != "ineligible"


def test_resolved_asthma_does_not_rule_out_under_current_asthma() -> None:
    person = record(patient(), RESOLVED_ASTHMA)
    text = criteria_text(["Age 18 or older"], ["Current asthma"])
    assert verdict_of_study(text, person) != "ineligible"


def test_an_active_entry_still_meets_it() -> None:
    epilepsy = condition("Epilepsy", (ICD, "G40.909", "Epilepsy, unspecified"), onset="1990-01-01")
    criterion = compile_text("Currently experiencing seizures", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), epilepsy)) == "met"
