"""N99.0 "Postprocedural (acute) (chronic) kidney failure" says neither which kidney failure nor
how far it went: ICD-10-CM asks for an additional code "to type of kidney disease", and a
chronic one is chronic kidney disease (N18.-), whose stages 1–4 and unspecified stage the
`kidney-failure` concept leaves out ("Chronic renal failure NOS" is an inclusion term of N18.9;
stages 1 and 2 are no renal failure). Made wholly renal failure by the fifteenth session, it
excluded from "Renal failure" a patient whose postprocedural kidney disease is chronic kidney
disease stage 2 (N99.0 with N18.2). It may be renal failure: unknown, never met alone — the
companion code decides when it names one (acute kidney failure N17.9). It is wholly a kidney
disease.
"""

from __future__ import annotations

from fhirtrial.eligibility.model import Criterion
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import patient_keys
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
)

POSTPROCEDURAL = condition("Kidney problem after surgery", (ICD, "N99.0", ""))
CKD_STAGE_2 = condition("CKD stage 2", (ICD, "N18.2", "Chronic kidney disease, stage 2 (mild)"))
ACUTE = condition("AKI", (ICD, "N17.9", "Acute kidney failure, unspecified"))


def _renal_failure(*, exclusion: bool) -> Criterion:
    criterion = compile_text("Renal failure", exclusion=exclusion, partial=True)
    assert criterion is not None and criterion.concept == "kidney-failure"
    return criterion


def test_a_postprocedural_chronic_kidney_disease_stage_2_does_not_meet_renal_failure() -> None:
    person = record(patient(), POSTPROCEDURAL, CKD_STAGE_2)
    assert result_of(_renal_failure(exclusion=True), person, excluding=True) == "unknown"


def test_postprocedural_kidney_failure_alone_leaves_renal_failure_open() -> None:
    person = record(patient(), POSTPROCEDURAL)
    assert result_of(_renal_failure(exclusion=True), person, excluding=True) == "unknown"
    assert verdict_of_inclusion_bullet("Have renal failure", person) == "potential-candidate"
    keys = patient_keys(person)
    assert keys.diagnoses is not None and "kidney-failure" in keys.diagnoses


def test_the_companion_code_decides_when_it_names_a_kidney_failure() -> None:
    person = record(patient(), POSTPROCEDURAL, ACUTE)
    assert result_of(_renal_failure(exclusion=True), person, excluding=True) == "met"


def test_postprocedural_kidney_failure_is_a_kidney_disease() -> None:
    criterion = compile_text("Kidney disease", exclusion=True, partial=True)
    assert criterion is not None and criterion.concept == "kidney-disease"
    person = record(patient(), POSTPROCEDURAL)
    assert result_of(criterion, person, excluding=True) == "met"
