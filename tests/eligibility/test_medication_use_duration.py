"""Medication criteria such as "Chronic opioid use", "long-term steroid treatment" or "daily use
of benzodiazepines": the words narrow the use. A patient given oxycodone as needed for a few days
after an operation is on an opioid but not a chronic user, and must not be ruled out."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from fhirtrial.eligibility.model import Criterion, Kind
from tests.eligibility.ehr_records import (
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature


def _leaves(criterion: Criterion) -> list[Criterion]:
    if criterion.kind is Kind.COMBINATION:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [criterion]


@pytest.mark.parametrize(
    ("text", "expected", "qualifier"),
    [
        ("Chronic opioid use", "medication:opioid", "long-term"),
        ("Patients with chronic regular opioid usage", "medication:opioid", "long-term"),
        ("Patient on long-term opioid treatment,", "medication:opioid", "long-term"),
        ("Long term steroid treatment", "medication:systemic-corticosteroid", "long-term"),
        ("continuous steroid therapy", "medication:systemic-corticosteroid", "long-term"),
        (
            "Use of benzodiazepines on a regular basis within the past 30 days.",
            "medication:benzodiazepine:w-30,0,enrollment",
            "regular",
        ),
        (
            "Daily use of benzodiazepine, opioid, ACE inhibitor, or ARB medication",
            "any-of(medication:benzodiazepine, medication:opioid, medication:ace-inhibitor, "
            "medication:angiotensin-receptor-blocker)",
            "regular",
        ),
    ],
)
def test_duration_words_qualify_every_medication_leaf(
    text: str, expected: str, qualifier: str
) -> None:
    criterion = compile_text(text)
    assert signature(criterion) == expected
    assert all(qualifier in leaf.qualifiers for leaf in _leaves(criterion))


@pytest.mark.parametrize(
    "text", ["Current use of anticoagulants", "Patients on immunosuppressive therapy"]
)
def test_plain_current_use_has_no_duration_qualifier(text: str) -> None:
    criterion = compile_text(text)
    assert all(not {"long-term", "regular"} & set(leaf.qualifiers) for leaf in _leaves(criterion))


POST_OP_OXYCODONE = medication(
    "oxyCODONE (ROXICODONE) 5 mg tablet",
    "2026-11-28",
    "2026-12-05",
    status="active",
    sig="Take 1 tablet by mouth every 6 hours as needed for pain",
)
LONG_STANDING_OXYCODONE = medication(
    "oxyCODONE ER (OXYCONTIN) 10 mg 12 hr tablet",
    "2025-06-01",
    "2027-01-01",
    status="active",
    sig="Take 1 tablet by mouth every 12 hours",
)
LONG_STANDING_PRN_OXYCODONE = medication(
    "oxyCODONE (ROXICODONE) 5 mg tablet",
    "2025-06-01",
    "2027-01-01",
    status="active",
    sig="Take 1 tablet by mouth every 6 hours as needed for pain",
)


@pytest.mark.parametrize(
    "bullet",
    [
        "Chronic opioid use",
        "Patients with chronic regular opioid usage",
        "Patient on long-term opioid treatment,",
        "Daily use of benzodiazepine, opioid, ACE inhibitor, or ARB medication",
    ],
)
def test_a_short_post_operative_course_does_not_rule_the_patient_out(bullet: str) -> None:
    text = criteria_text(["Age 18 or older"], [bullet])
    assert verdict_of_study(text, record(patient(), POST_OP_OXYCODONE)) == "potential-candidate"


def test_a_long_standing_scheduled_use_is_met() -> None:
    criterion = compile_text("Chronic opioid use")
    assert result_of(criterion, record(patient(), LONG_STANDING_OXYCODONE)) == "met"
    text = criteria_text(["Age 18 or older"], ["Chronic opioid use"])
    assert verdict_of_study(text, record(patient(), LONG_STANDING_OXYCODONE)) == "ineligible"


def test_a_long_standing_as_needed_use_is_unknown() -> None:
    criterion = compile_text(
        "Daily use of benzodiazepine, opioid, ACE inhibitor, or ARB medication"
    )
    assert result_of(criterion, record(patient(), LONG_STANDING_PRN_OXYCODONE)) == "unknown"


def test_no_use_in_a_medication_list_is_still_not_met() -> None:
    lisinopril = medication("lisinopril 10 mg tablet", "2025-01-10", "2027-01-01", status="active")
    criterion = compile_text("Chronic opioid use")
    assert result_of(criterion, record(patient(), lisinopril)) == "not-met"


def test_plain_current_use_is_still_met_by_a_short_course() -> None:
    criterion = compile_text("Current use of opioids")
    assert result_of(criterion, record(patient(), POST_OP_OXYCODONE)) == "met"
