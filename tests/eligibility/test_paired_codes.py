"""Codes ICD-10-CM writes beside another (`evaluation.paired_codes`).

"Resistant hypertension" (I1A.0) is coded after the type of hypertension (I10, I15.-), and
"Hypertensive heart disease with heart failure" (I11.0) asks for a second code giving the type
of heart failure (I50.-). A problem list that keeps only I10, or I11.0 without an I50 code,
does not say the patient lacks resistant hypertension or HFpEF: the inclusion is unknown,
never not met. A code of the companion's category decides."""

from __future__ import annotations

import pytest
import simple_icd_10_cm as release

from fhirtrial.eligibility.evaluation.paired_codes import _PAIRS
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)

ESSENTIAL = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
HHD_HF = condition(
    "Hypertensive heart disease with heart failure",
    (ICD, "I11.0", "Hypertensive heart disease with heart failure"),
)
SYSTOLIC_HF = condition(
    "Chronic systolic heart failure", (ICD, "I50.22", "Chronic systolic (congestive) heart failure")
)


def test_every_pair_is_a_note_of_the_release() -> None:
    for askers, category in _PAIRS:
        for code in askers:
            assert release.is_valid_item(code), code
            notes = " ".join(
                filter(None, [release.get_use_additional_code(code), release.get_code_first(code)])
            )
            companion = release.get_code_first(category) or ""
            assert category in notes or code in companion, (code, category)


@pytest.mark.parametrize(
    ("bullet", "entry"),
    [("resistant hypertension;", ESSENTIAL), ("Clinical diagnosis of HFpEF.", HHD_HF)],
)
def test_an_entry_asking_for_a_companion_may_be_the_one_required(bullet: str, entry: dict) -> None:
    person = record(patient(born="1955-01-01"), entry)
    assert verdict_of_inclusion_bullet(bullet, person) == "potential-candidate"


def test_a_study_of_hfpef_keeps_the_hypertensive_heart_failure_patient() -> None:
    text = criteria_text(
        ["Age 50 years or older", "Clinical diagnosis of HFpEF."], ["Prior heart transplant"]
    )
    assert verdict_of_study(text, record(patient(born="1950-01-01"), HHD_HF)) != "ineligible"


def test_a_companion_code_says_which_one_it_is() -> None:
    person = record(patient(born="1955-01-01"), HHD_HF, SYSTOLIC_HF)
    assert verdict_of_inclusion_bullet("Clinical diagnosis of HFpEF.", person) == "ineligible"
    asthma = record(patient(), condition("Asthma", (ICD, "J45.909", "Unspecified asthma")))
    assert verdict_of_inclusion_bullet("resistant hypertension;", asthma) == "ineligible"
