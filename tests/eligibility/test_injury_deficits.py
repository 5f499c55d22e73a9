"""A spinal cord injury years on is coded by its deficit: paraplegia G82.2-, tetraplegia G82.5-.

"Individuals with spinal cord injury for greater than six months" asks for the injury
(S14.0/S14.1, S24.0/S24.1, S34.0/S34.1). A problem list years after the injury often holds only
"Paraplegia, complete" (G82.21): the cord injury may be its cause, so the inclusion is unknown
for that patient, never not met (which would hide the study from the patient it is for), and
the prefilter keeps the study for him. Paraplegia is not always traumatic, so it is never met
on that entry alone; other diagnoses still say nothing of the injury."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.matching.keys import criteria_keys, patient_keys
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

SCI = "Individuals with spinal cord injury for greater than six months"
PARAPLEGIA = condition(
    "Paraplegia, complete", (ICD, "G82.21", "Paraplegia, complete"), onset="2019-05-01"
)
TETRAPLEGIA = condition(
    "Quadriplegia, C1-C4 complete",
    (ICD, "G82.51", "Quadriplegia, C1-C4 complete"),
    onset="2018-03-01",
)
HEMIPLEGIA = condition(
    "Hemiplegia following cerebral infarction",
    (
        ICD,
        "I69.351",
        "Hemiplegia and hemiparesis following cerebral infarction affecting right dominant side",
    ),
    onset="2019-05-01",
)


@pytest.mark.parametrize("entry", [PARAPLEGIA, TETRAPLEGIA])
def test_a_paralysis_entry_may_be_the_cord_injury(entry: dict) -> None:
    person = record(patient(gender="male", born="1980-01-01"), entry)
    assert verdict_of_inclusion_bullet(SCI, person) == "potential-candidate"
    text = criteria_text([SCI, "Age 18 to 65 years"], ["Pressure ulcer"])
    assert verdict_of_study(text, person) != "ineligible"


def test_another_paralysis_or_diagnosis_says_nothing_of_the_cord() -> None:
    person = record(patient(gender="male", born="1980-01-01"), HEMIPLEGIA)
    assert verdict_of_inclusion_bullet(SCI, person) == "ineligible"


def test_the_prefilter_keeps_the_study_for_a_paraplegic_patient() -> None:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000011", "briefTitle": "x"},
            "eligibilityModule": {"eligibilityCriteria": f"Inclusion Criteria:\n- {SCI}\n"},
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="x", study_reference="ResearchStudy/x"
    )
    needed = set(criteria_keys(resource, None).diagnoses)
    offered = patient_keys(record(patient(), PARAPLEGIA)).diagnoses
    assert offered is not None and needed & set(offered)
    stroke = patient_keys(record(patient(), HEMIPLEGIA)).diagnoses
    assert not needed & set(stroke or ())


def test_a_snomed_only_paraplegia_may_be_the_cord_injury() -> None:
    cerner = condition("Paraplegia", (SNOMED, "60389000", "Paraplegia"), onset="2019-01-01")
    person = record(patient(gender="male", born="1980-01-01"), cerner)
    assert verdict_of_inclusion_bullet(SCI, person) == "potential-candidate"
