"""DSM-5 diagnoses whose extent ICD-10-CM codes under two categories.

DSM-5 merged Asperger's disorder into autism spectrum disorder, which ICD-10-CM still codes
apart (F84.0 autistic disorder, F84.5 Asperger's syndrome), and counts persistent depressive
disorder (dysthymia, F34.1) among the depressive disorders. An inclusion that read "autism
spectrum disorder" as F84.0 alone, or "depression" as F32/F33 alone, called a patient with
Asperger's syndrome or dysthymia ineligible though the text admits him."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import signature

ASPERGER = condition("Asperger syndrome", (ICD, "F84.5", "Asperger's syndrome"))
DYSTHYMIA = condition("Dysthymia", (ICD, "F34.1", "Dysthymic disorder"))


def test_autism_spectrum_disorder_holds_asperger_syndrome() -> None:
    criterion = compile_criterion("Diagnosis of autism spectrum disorder")
    assert criterion is not None
    assert signature(criterion) == "condition:icd10cm:F84.0+F84.5"


@pytest.mark.parametrize(
    ("bullet", "entry"),
    [
        ("Diagnosis of autism spectrum disorder", ASPERGER),
        ("Diagnosed with depression", DYSTHYMIA),
    ],
)
def test_the_dsm5_subtype_coded_apart_is_not_ineligible(bullet: str, entry: dict) -> None:
    person = record(patient(born="2012-05-01"), entry)
    assert verdict_of_inclusion_bullet(bullet, person) == "eligible"


def test_a_study_of_children_with_asd_admits_asperger() -> None:
    text = criteria_text(
        ["Children aged 6 to 17 years", "Diagnosis of autism spectrum disorder"],
        ["Diagnosis of epilepsy"],
    )
    person = record(patient(gender="male", born="2014-03-03"), ASPERGER)
    assert verdict_of_study(text, person) != "ineligible"


def test_an_exclusion_of_dsm5_asd_turns_away_asperger() -> None:
    text = criteria_text(
        ["Age 18 years or older"],
        ["meet DSM5 criteria for Autism Spectrum Disorder, Bipolar Disorder, or Psychosis"],
    )
    person = record(patient(gender="male", born="1990-03-03"), ASPERGER)
    assert verdict_of_study(text, person) == "ineligible"


def test_other_diagnoses_are_still_not_asd_or_depression() -> None:
    rett = record(patient(born="2012-05-01"), condition("Rett", (ICD, "F84.2", "Rett's syndrome")))
    assert (
        verdict_of_inclusion_bullet("Diagnosis of autism spectrum disorder", rett) == "ineligible"
    )
    anxiety = record(patient(), condition("GAD", (ICD, "F41.1", "Generalized anxiety disorder")))
    assert verdict_of_inclusion_bullet("Diagnosed with depression", anxiety) == "ineligible"


def test_a_snomed_only_asperger_entry_is_asd_too() -> None:
    cerner = condition("Asperger's disorder", (SNOMED, "23560001", "Asperger's disorder"))
    person = record(patient(born="2012-05-01"), cerner)
    assert (
        verdict_of_inclusion_bullet("Diagnosis of autism spectrum disorder", person) == "eligible"
    )
