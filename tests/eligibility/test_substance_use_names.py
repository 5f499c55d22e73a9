"""Substance use disorders named the ways the development texts name them (thirteenth
session): the noun "dependency", "chemical dependency" and "ETOH", "drug and alcohol" /
"drug/alcohol" joined before one noun, a second noun with "disorder" ("substance
dependence/abuse disorder"), and the people who have one ("drug addicts", "alcohol abuser",
"alcoholics"). Each is the concept the plain names ("drug abuse", "alcohol dependence") already
compile to, in both lists; other people, a programme, a use that is no disorder, the
substances the concepts do not hold and the new names of drugs alone (no development bullet
writes them alone; beside alcohol they are `drug-use-disorder`) stay text."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.rules import compile_text
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

SUBSTANCE = "condition:substance-use-disorder"
DRUG = "condition:drug-use-disorder"
ALCOHOL = "condition:alcohol-use-disorder"


@pytest.mark.parametrize("exclusion", [False, True])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The noun "dependency" and its other substance words.
        ("Chemical dependency", SUBSTANCE),
        ("Chemical dependence", SUBSTANCE),
        ("Chemical or ETOH dependency", SUBSTANCE),
        ("ETOH abuse", ALCOHOL),
        ("Alcohol dependance", ALCOHOL),  # a common misspelling of dependence
        # Alone, "alcohol dependency" keeps its narrower common name (F10.2, not abuse too).
        ("Alcohol dependency", "condition:icd10cm:F10.2"),
        ("History of drug or alcohol dependency", SUBSTANCE),
        ("Drug dependency or alcohol abuse", SUBSTANCE),
        # Two substances joined before one noun.
        ("Drug and alcohol dependency", SUBSTANCE),
        ("Drug/alcohol abuse", SUBSTANCE),
        ("Drug and substance abuse", SUBSTANCE),
        ("Alcoholic or drug abuse", SUBSTANCE),
        # A second noun carrying "disorder".
        ("Substance dependence/abuse disorder", SUBSTANCE),
        ("Substance abuse or dependence disorder", SUBSTANCE),
        # The people who have one.
        ("Alcohol abuser", ALCOHOL),
        ("Alcohol abusers", ALCOHOL),
        ("Alcoholics", ALCOHOL),
        ("Substance abusers", SUBSTANCE),
        # Drugs and alcohol named as two people: one disorder of each; as one noun, both.
        ("Drug addicts or alcoholics", f"any-of({DRUG}, {ALCOHOL})"),
        ("Alcoholics or drug addicts", SUBSTANCE),
    ],
)
def test_each_form_is_the_disorder(text: str, expected: str, exclusion: bool) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


def test_a_window_still_dates_the_new_forms() -> None:
    reading = compile_text(
        "Diagnosis of a substance dependence/abuse disorder in the past year",
        exclusion=True,
        partial=True,
    )
    assert signature(reading) == f"{SUBSTANCE}:w-365,0,enrollment"


@pytest.mark.parametrize(
    "text",
    [
        "Attending Alcoholics Anonymous",  # a programme, not the person's diagnosis
        "Children of alcoholics",  # someone else's
        "Spouse is an alcohol abuser",
        "Partner of a drug abuser",
        "Injection drug users",  # a use; no disorder is said
        "Polysubstance abuse",  # F19 holds single other substances too
        # New names of drugs alone are read only beside alcohol ("Drug addicts or alcoholics");
        # the old names ("drug abuse", "drug dependence") are `drug-use-disorder`.
        "Drug addicts",
        "Drug abusers",
        "Drug dependency",
        "Alcoholic drinks more than 2 per day",  # an intake, not a disorder
    ],
)
def test_what_stays_text(text: str) -> None:
    assert compile_text(text, exclusion=True, partial=True) is None


ALCOHOL_DEPENDENCE = condition(
    "Alcohol dependence", (ICD, "F10.20", "Alcohol dependence, uncomplicated")
)
OPIOID_DEPENDENCE = condition(
    "Opioid dependence", (ICD, "F11.20", "Opioid dependence, uncomplicated")
)
NICOTINE_DEPENDENCE = condition(
    "Nicotine dependence", (ICD, "F17.210", "Nicotine dependence, cigarettes, uncomplicated")
)


@pytest.mark.parametrize(
    ("resources", "verdict"),
    [
        ((ALCOHOL_DEPENDENCE,), "ineligible"),
        ((OPIOID_DEPENDENCE,), "ineligible"),
        # Nicotine is no substance of these disorders: a smoker is not a drug addict.
        ((NICOTINE_DEPENDENCE,), "eligible"),
    ],
)
def test_drug_addicts_or_alcoholics_excludes_only_a_use_disorder(resources, verdict) -> None:
    text = criteria_text(["Age 18 years or older"], ["Drug addicts or alcoholics"])
    assert verdict_of_study(text, record(patient(), *resources)) == verdict


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((OPIOID_DEPENDENCE,), "met"),
        ((ALCOHOL_DEPENDENCE,), "met"),
        ((NICOTINE_DEPENDENCE,), "not-met"),
    ],
)
def test_chemical_dependency_as_an_inclusion(resources, result) -> None:
    criterion = compile_criterion("Chemical dependency", exclusion=False)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result
