"""A bound in parentheses that defines or grades the words before it
(`rules.measured_asides.measured_requirement`): "diagnosis of mild to moderate ischemic stroke
(NIHSS <16)" → all-of(measurement, TEXT) in either list. The words before it stay in the
residue; the reading refuses when the bound may be optional, another moment's or a subgroup's."""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    LOINC,
    criteria_text,
    observation,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        (
            "Presence of prenatal depression (EPDS score ≥10);",
            "Inclusion",
            "all-of(lab:epds:>=10, text)",
        ),
        (
            "diagnosis of mild to moderate ischemic stroke (NIHSS <16)",
            "Inclusion",
            "all-of(lab:nihss:<16, text)",
        ),
        ("positive MDD screen (PHQ-9 ≥ 5)", "Inclusion", "all-of(lab:phq-9:>=5, text)"),
        (
            "Severe depression (PHQ-9 score greater than 19).",
            "Exclusion",
            "all-of(lab:phq-9:>19, text)",
        ),
    ],
)
def test_the_bound_in_parentheses_is_a_necessary_part(
    text: str, section: str, expected: str
) -> None:
    assert bullet_signature(text, section) == expected


@pytest.mark.parametrize(
    ("text", "section"),
    [
        # The value during an episode, at admission or before treatment: not the latest one.
        (
            "having recurrent symptoms of hypoglycemia (blood glucose less than 2.8 mmol/L) which "
            "could be relieved by intake of glucose",
            "Inclusion",
        ),
        ("Morbidly obese patient (BMI≥40kg/m2) at admission for induction of labor", "Inclusion"),
        (
            "All comatose patients (Glasgow coma score <8) due to carbon monoxide poisoning, "
            "treated by hyperbaric oxygen therapy",
            "Inclusion",
        ),
        ("Sustained severe Traumatic Brain Injury (GCS<12)", "Exclusion"),
        # An alternative the bound may hold for only one side of.
        (
            "Patients having mild cognitive impairment (MCI) or very mild to mild dementia "
            "(CDR 0.5-1).",
            "Inclusion",
        ),
        # Examples, a subgroup, a number outside the parentheses.
        ("Moderate depression (e.g. PHQ-9 ≥ 10)", "Inclusion"),
        ("Depression (PHQ-9 ≥ 10 in women)", "Inclusion"),
        ("Moderate depression for 2 months (PHQ-9 ≥ 10)", "Inclusion"),
        # An analyte that defines the name: treatment or time moves it (the latest value would
        # not say whether the patient has the state).
        ("Hypoglycaemia confirmed by a laboratory test (blood glucose < 3.0 mmol/L)", "Inclusion"),
        ("Dyslipidemia (LDL > 190 mg/dL)", "Exclusion"),
        # A measure the terminology holds with no LOINC code.
        ("Severe depression (HDRS > 30).", "Exclusion"),
        ("Poor general health (ASA class>3)", "Exclusion"),
        (
            "diagnosis of idiopathic Parkinson's Disease, mild to moderate (Hoehn and Yahr score "
            "less than or equal to 3)",
            "Inclusion",
        ),
    ],
)
def test_a_bound_that_may_not_be_the_patients_now_stays_text(text: str, section: str) -> None:
    assert bullet_signature(text, section) is None


def _nihss(score: int) -> dict:
    return observation(
        (LOINC, "72089-6", "Total score [NIH Stroke Scale]"),
        "2026-11-30",
        valueInteger=score,
    )


STROKE = "diagnosis of mild to moderate ischemic stroke (NIHSS <16)"


def test_a_severe_stroke_fails_the_inclusion_and_a_mild_one_stays_a_candidate() -> None:
    assert verdict_of_inclusion_bullet(STROKE, record(patient(), _nihss(22))) == "ineligible"
    assert verdict_of_inclusion_bullet(STROKE, record(patient(), _nihss(6))) == (
        "potential-candidate"
    )


def _phq9(score: int) -> dict:
    return observation((LOINC, "44261-6", "PHQ-9 total score"), "2026-11-30", valueInteger=score)


def test_the_exclusion_never_excludes_on_the_bound_alone() -> None:
    text = criteria_text(["Age 18 or older"], ["Severe depression (PHQ-9 score > 19)."])
    assert verdict_of_study(text, record(patient(), _phq9(24))) == "potential-candidate"
    assert verdict_of_study(text, record(patient(), _phq9(8))) == "eligible"
