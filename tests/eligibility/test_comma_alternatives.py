"""An inclusion list joined by commas alone ("Patients who take anticoagulants, antiplatelet
drugs", "Patients with asthma, COPD") does not say whether both are required: read as all-of
it turned away a patient on only one of them. Such a bullet stays text, as `rules.partial`
leaves lists of commas only; "and" says both, "or" either, and an exclusion reads any-of."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    criteria_text,
    medication,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Patients who take anticoagulants, antiplatelet drugs", False, None),
        ("Patients with asthma, COPD", False, None),
        ("Patients with asthma and COPD", False, "all-of(condition:asthma, condition:copd)"),
        ("Patients with asthma or COPD", False, "any-of(condition:asthma, condition:copd)"),
        ("Patients with asthma, COPD", True, "any-of(condition:asthma, condition:copd)"),
        # One diagnosis with what it is said of, and measurements, are no alternatives.
        (
            "Histologically confirmed breast cancer, ER positive, HER2 negative",
            False,
            "all-of(condition:breast-cancer, biomarker:er:positive, biomarker:her2:negative)",
        ),
    ],
)
def test_a_list_of_commas_alone(text: str, exclusion: bool, expected: str | None) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


def test_a_patient_on_one_of_two_drugs_listed_by_commas_is_not_ineligible() -> None:
    text = criteria_text(["Patients who take anticoagulants, antiplatelet drugs"], [])
    warfarin = medication("warfarin 5 mg tablet", "2026-06-01", status="active")
    assert verdict_of_study(text, record(patient(born="1950-01-01"), warfarin)) != "ineligible"
