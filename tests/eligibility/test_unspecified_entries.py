"""Problem-list entries that stop at an unspecified code of a residual ICD-10-CM category.

Epic and Cerner problem lists often hold "Unspecified osteoarthritis, unspecified site"
(M19.90) or "Cardiac arrhythmia, unspecified" (I49.9) for a patient whose knee osteoarthritis or
atrial fibrillation a criterion names. Such an entry may be that diagnosis: the criterion is
unknown, and the study stays a candidate. An entry naming another diagnosis of the block says
which it is.
"""

from __future__ import annotations

from importlib.resources import files

from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.matching.keys import criteria_keys, patient_keys
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tools.build_icd10cm_unspecified import build, table_json

UNSPECIFIED_OA = condition(
    "Osteoarthritis", (ICD, "M19.90", "Unspecified osteoarthritis, unspecified site")
)
SHOULDER_OA = condition(
    "Primary osteoarthritis of right shoulder",
    (ICD, "M19.011", "Primary osteoarthritis, right shoulder"),
)
KNEE_OA = condition(
    "Primary osteoarthritis of right knee",
    (ICD, "M17.11", "Unilateral primary osteoarthritis, right knee"),
)
ARRHYTHMIA = condition("Arrhythmia", (ICD, "I49.9", "Cardiac arrhythmia, unspecified"))
HYPERTENSION = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))


def test_the_packaged_table_is_what_the_release_gives() -> None:
    packaged = (
        files("fhirtrial.eligibility.terminology").joinpath("icd10cm_unspecified.json").read_text()
    )
    assert packaged == table_json(build())


def test_an_unspecified_osteoarthritis_may_be_the_knee_osteoarthritis_required() -> None:
    assert verdict_of_inclusion_bullet(
        "Knee osteoarthritis", record(patient(), UNSPECIFIED_OA)
    ) == ("potential-candidate")


def test_osteoarthritis_of_another_joint_is_not_knee_osteoarthritis() -> None:
    assert verdict_of_inclusion_bullet("Knee osteoarthritis", record(patient(), SHOULDER_OA)) == (
        "ineligible"
    )
    assert verdict_of_inclusion_bullet("Knee osteoarthritis", record(patient(), KNEE_OA)) == (
        "eligible"
    )


def test_an_unspecified_arrhythmia_leaves_an_atrial_fibrillation_exclusion_open() -> None:
    text = criteria_text(["Age 18 years or older"], ["Atrial fibrillation"])
    assert verdict_of_study(text, record(patient(), ARRHYTHMIA)) == "potential-candidate"
    assert verdict_of_study(text, record(patient(), HYPERTENSION)) == "eligible"


def test_an_unspecified_code_of_a_named_disease_is_that_disease() -> None:
    # "Unspecified asthma" leaves the asthma's severity open, not which disease it is.
    assert verdict_of_inclusion_bullet("COPD", record(patient(), ASTHMA)) == "ineligible"


def test_the_prefilter_keeps_the_study_for_an_unspecified_entry_of_its_block() -> None:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000011", "briefTitle": "x"},
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n- Knee osteoarthritis\n"
            },
        }
    }
    needed = set(
        criteria_keys(
            build_evidence_variable(
                study, evidence_variable_id="x", study_reference="ResearchStudy/x"
            ),
            None,
        ).diagnoses
    )
    offered = patient_keys(record(patient(), UNSPECIFIED_OA)).diagnoses
    assert offered is not None and needed & set(offered)
    offered_by_shoulder = patient_keys(record(patient(), SHOULDER_OA)).diagnoses
    assert offered_by_shoulder is not None and not needed & set(offered_by_shoulder)
