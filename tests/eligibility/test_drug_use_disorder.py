"""A drug use disorder named alone is not met by an alcohol use disorder (issue 13, audit of
NCT03863938 against a panel record whose only disorder was alcohol's, in remission).

ICD-10-CM's index files "Abuse, drug" under F19.1 and "Abuse, alcohol" under F10.1: "drug abuse",
"drug dependence", "drug addiction", "drug use disorder" name `drug-use-disorder` (F11–F16, F18,
F19 abuse and dependence), not `substance-use-disorder`, which holds alcohol (F10) too. Names of
both substances ("drug or alcohol abuse", "substance abuse", "chemical dependency") keep
`substance-use-disorder`. Alcohol is a drug to pharmacology and to some protocols, so a record
whose only disorder is alcohol's leaves a drug-only criterion unknown: never met, never not met.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import patient_keys
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature

DRUG = "condition:drug-use-disorder"
SUBSTANCE = "condition:substance-use-disorder"
ALCOHOL = "condition:alcohol-use-disorder"


@pytest.mark.parametrize("exclusion", [False, True])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Drugs alone.
        ("History of drug abuse", DRUG),
        ("Drug abuse", DRUG),
        ("Drug dependence", DRUG),
        ("Drug addiction", DRUG),
        ("Drug use disorder", DRUG),
        ("Drug abuse or dependence", DRUG),
        ("Suffering from drug abuse", DRUG),
        ("Drug abuse within the past year", f"{DRUG}:w-365,0,enrollment"),
        # Each substance named on its own: one disorder of each.
        ("Drug addicts or alcoholics", f"any-of({DRUG}, {ALCOHOL})"),
        # Both substances under one name: the wider concept.
        ("Drug or alcohol abuse", SUBSTANCE),
        ("History of drug or alcohol abuse", SUBSTANCE),
        ("Alcohol or drug abuse", SUBSTANCE),
        ("Drug abuse or alcohol abuse", SUBSTANCE),
        ("History of drug addiction or alcohol abuse", SUBSTANCE),
        ("Alcohol and drug dependency", SUBSTANCE),
        ("Substance abuse", SUBSTANCE),
        ("Substance use disorder", SUBSTANCE),
        ("Chemical dependency", SUBSTANCE),
        ("Alcoholics or drug addicts", SUBSTANCE),
    ],
)
def test_drug_alone_is_not_a_substance(text: str, expected: str, exclusion: bool) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


def test_a_comma_list_of_both_in_an_exclusion() -> None:
    # (An inclusion leaves a comma list text: "and" or "or" is not said.)
    reading = compile_text("Alcohol abuse, drug abuse", exclusion=True, partial=True)
    assert signature(reading) == f"any-of({ALCOHOL}, {DRUG})"


ALCOHOL_IN_REMISSION = condition(
    "Alcohol use disorder, in sustained remission",
    (ICD, "F10.21", "Alcohol dependence, in remission"),
)
OPIOID_DEPENDENCE = condition(
    "Opioid dependence", (ICD, "F11.20", "Opioid dependence, uncomplicated")
)
HYPERTENSION = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
DRUG_ABUSE_EXCLUSION = criteria_text(["Age 18 years or older"], ["History of drug abuse"])


@pytest.mark.parametrize(
    ("resources", "verdict"),
    [
        # Alcohol's disorder alone: the criterion does not say whether alcohol counts.
        ((ALCOHOL_IN_REMISSION,), "potential-candidate"),
        ((OPIOID_DEPENDENCE,), "ineligible"),
        ((ALCOHOL_IN_REMISSION, OPIOID_DEPENDENCE), "ineligible"),
        ((HYPERTENSION,), "eligible"),
    ],
)
def test_history_of_drug_abuse_as_an_exclusion(resources, verdict) -> None:
    assert verdict_of_study(DRUG_ABUSE_EXCLUSION, record(patient(), *resources)) == verdict


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((ALCOHOL_IN_REMISSION,), "unknown"),
        ((OPIOID_DEPENDENCE,), "met"),
        ((HYPERTENSION,), "not-met"),
    ],
)
def test_drug_dependence_as_an_inclusion(resources, result) -> None:
    criterion = compile_criterion("History of drug dependence", exclusion=False)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


def test_an_alcohol_disorder_outside_the_window_is_no_drug_disorder_in_it() -> None:
    # Ended before the window: not met, as an absent drug use disorder would be.
    old = condition(
        "Alcohol dependence",
        (ICD, "F10.20", "Alcohol dependence, uncomplicated"),
        status="resolved",
        onset="2010-01-01",
        abated="2012-01-01",
    )
    criterion = compile_criterion("Drug abuse within the past year", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), old), excluding=True) == "not-met"


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((ALCOHOL_IN_REMISSION,), "met"),
        ((OPIOID_DEPENDENCE,), "met"),
        ((HYPERTENSION,), "not-met"),
    ],
)
def test_drug_or_alcohol_abuse_holds_both(resources, result) -> None:
    criterion = compile_criterion("History of drug or alcohol abuse", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources), excluding=True) == result


def test_the_prefilter_keeps_a_patient_whose_only_disorder_is_alcohol() -> None:
    # An inclusion "Drug use disorder" is unknown for him: the study must stay a candidate.
    keys = patient_keys(record(patient(), ALCOHOL_IN_REMISSION))
    assert keys.diagnoses is not None
    assert "drug-use-disorder" in keys.diagnoses
