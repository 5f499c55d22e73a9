"""\"Experiencing active psychosis\", \"current psychosis\", \"active suicidality\" ask whether the
patient is in that state now. A diagnosis entry says only that the patient has (or had) the
disorder: a schizophrenia stable for years stays "active" on the problem list, and a suicide
attempt of 2015 stays "active" too. Read as `active` alone, each ruled the patient out of an OCD
study and an aphasia study (development audit, session 14: NCT03926546 exc-2, exc-4,
NCT03930121 exc-6, NCT03922581 exc-3). The state now is not in structured data: a recorded entry
leaves it for review, a resolved one or none does not exclude."""

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

STABLE_SCHIZOPHRENIA = condition(
    "Schizophrenia", (ICD, "F20.9", "Schizophrenia, unspecified"), onset="2010-01-01"
)
RESOLVED_PSYCHOSIS = condition(
    "Brief psychotic episode",
    (ICD, "F23", "Brief psychotic disorder"),
    status="resolved",
    onset="2012-03-01",
    abated="2012-05-01",
)
OLD_ATTEMPT = condition(
    "Suicide attempt", (ICD, "T14.91XA", "Suicide attempt, initial encounter"), onset="2015-01-01"
)
HYPERTENSION = condition(
    "Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"), onset="2015-01-01"
)


def _leaves(criterion: Criterion | None) -> list[Criterion]:
    assert criterion is not None
    if criterion.kind is Kind.COMBINATION:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [criterion]


@pytest.mark.parametrize(
    ("bullet", "entry", "expected"),
    [
        # the disorder on the list: whether the patient is psychotic now is not recorded
        ("experiencing active psychosis", STABLE_SCHIZOPHRENIA, "unknown"),
        (
            "current psychosis or other relevant psychiatric condition;",
            STABLE_SCHIZOPHRENIA,
            "unknown",
        ),
        ("active suicidality", OLD_ATTEMPT, "unknown"),
        ("experiencing active suicidality", OLD_ATTEMPT, "unknown"),
        # a resolved episode is not one now; no psychotic disorder at all is not either
        ("experiencing active psychosis", RESOLVED_PSYCHOSIS, "not-met"),
        ("experiencing active psychosis", HYPERTENSION, "not-met"),
    ],
)
def test_a_state_now_is_not_read_from_a_diagnosis_entry(
    bullet: str, entry: dict, expected: str
) -> None:
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert result_of(criterion, record(patient(), entry), excluding=True) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bullet", "concept"),
    [
        ("experiencing active psychosis", "psychotic-disorder"),
        ("current psychosis or other relevant psychiatric condition;", "psychotic-disorder"),
        ("active suicidality", "icd10cm:R45.851+T14.91+Z91.51"),
    ],
)
def test_the_reading_keeps_the_diagnosis_and_asks_about_now(bullet: str, concept: str) -> None:
    leaf = next(
        leaf
        for leaf in _leaves(compile_text(bullet, exclusion=True, partial=True))
        if leaf.kind is Kind.CONDITION
    )
    assert leaf.concept == concept
    assert {"active", "symptomatic"} <= set(leaf.qualifiers)


def test_a_current_diagnosis_is_still_a_diagnosis() -> None:
    # "Diagnosis of current schizophrenia": the disorder itself, which the entry records.
    criterion = compile_text(
        "Diagnosis of current schizophrenia or schizoaffective disorder", exclusion=True
    )
    assert all("symptomatic" not in leaf.qualifiers for leaf in _leaves(criterion))
    assert result_of(criterion, record(patient(), STABLE_SCHIZOPHRENIA)) == "met"  # type: ignore[arg-type]


def test_a_stable_schizophrenia_is_not_ruled_out_by_active_psychosis() -> None:
    text = criteria_text(
        ["Participants must be adults 18 years or older."], ["experiencing active psychosis"]
    )
    assert verdict_of_study(text, record(patient(), STABLE_SCHIZOPHRENIA)) != "ineligible"
