"""Wrong "ineligible" verdicts found by evaluating Synthea / CodeX bundles against the
development texts (twelfth session, verdict audit).

Each expectation was written from the criterion text and the record before the code ran.
"""

from __future__ import annotations

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.evaluation.evaluator import combine_findings
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    observation,
    patient,
    record,
    verdict_of_study,
)

_HEART_RATE = (LOINC, "8867-4", "Heart rate")
_RESPIRATORY_RATE = (LOINC, "9279-1", "Respiratory rate")


def _lead_in(text: str) -> tuple[str, int | None, int]:
    (node,) = compile_outline(parse_outline(text))
    return node.combination, node.threshold, len(node.children)


# ---------------------------------------------------------------- "N or more of the following"

_SIRS = (
    "Inclusion Criteria:\n"
    "- Age >= 18 years\n"
    "- Two or more of the following SIRS criteria:\n"
    "  - Heart rate > 90 beats/minute\n"
    "  - Respiratory rate > 20 breaths/min\n"
    "  - Altered mental status\n"
    "  - Oral temperature > 38 degrees Celsius or < 36 degrees Celsius\n"
)


def test_two_or_more_of_the_following_is_a_threshold() -> None:
    combination, threshold, members = _lead_in(
        "Inclusion Criteria:\n- Two or more of the following SIRS criteria:\n"
        "  - Heart rate > 90 beats/minute\n  - Respiratory rate > 20 breaths/min\n"
        "  - Altered mental status\n"
    )
    assert (combination, threshold, members) == ("at-least", 2, 3)


def test_at_least_three_out_of_the_following_is_a_threshold() -> None:
    combination, threshold, _ = _lead_in(
        "Inclusion Criteria:\n- Patients meet at least three out of the following six "
        "conditions:\n  - Heart rate > 90 beats/minute\n  - Respiratory rate > 20 breaths/min\n"
        "  - Altered mental status\n  - Fever\n"
    )
    assert (combination, threshold) == ("at-least", 3)


def test_one_sirs_sign_not_met_does_not_rule_out_the_patient() -> None:
    # A heart rate of 88 misses one of four signs; the respiratory rate meets a second one and
    # the mental status and temperature are not in the record: two of four may well be met.
    person = record(
        patient(),
        observation(_HEART_RATE, "2026-11-25", valueQuantity={"value": 88, "unit": "/min"}),
        observation(_RESPIRATORY_RATE, "2026-11-25", valueQuantity={"value": 24, "unit": "/min"}),
    )
    assert verdict_of_study(_SIRS, person) == "potential-candidate"


def test_two_sirs_signs_met_meet_the_threshold() -> None:
    person = record(
        patient(),
        observation(_HEART_RATE, "2026-11-25", valueQuantity={"value": 104, "unit": "/min"}),
        observation(_RESPIRATORY_RATE, "2026-11-25", valueQuantity={"value": 24, "unit": "/min"}),
    )
    assert verdict_of_study(_SIRS, person) == "eligible"


def test_two_unknown_signs_can_still_reach_the_threshold() -> None:
    # Normal heart and respiratory rates: the two unknown signs could still make two of four.
    person = record(
        patient(),
        observation(_HEART_RATE, "2026-11-25", valueQuantity={"value": 72, "unit": "/min"}),
        observation(_RESPIRATORY_RATE, "2026-11-25", valueQuantity={"value": 14, "unit": "/min"}),
    )
    assert verdict_of_study(_SIRS, person) == "potential-candidate"


# ---------------------------------------------------------------- a threshold over a short list


def test_a_threshold_over_fewer_listed_members_is_unknown() -> None:
    assert combine_findings("at-least", 3, [Finding("not-met", "x")]).result == "unknown"
    assert combine_findings("at-least", 2, [Finding("not-met", "x")] * 2).result == "not-met"


def test_a_list_run_into_the_lead_in_does_not_rule_out_everyone() -> None:
    # "at least three of the following four criteria: (1) … (2) …" with (3) and (4) on their
    # own line: only part of the list is a sub-bullet; nothing in the record says the child
    # fails three of the four.
    text = (
        "Inclusion Criteria:\n"
        "- The chILD syndrome exists when a child with DLD has at least three of the following "
        "four criteria: (1) respiratory symptoms (e.g., cough);(2) respiratory signs (e.g., "
        "resting tachypnea);\n"
        "   (3) hypoxemia; and (4) diffuse abnormalities on CXR or a CT scan.\n"
    )
    person = record(patient(born="2020-02-02"))
    assert verdict_of_study(text, person) == "potential-candidate"


# ---------------------------------------------------------------- "Category N" populations

_CATEGORIES = (
    "Inclusion Criteria:\n"
    "Category 1: Patients who live at home and meet the following criteria:\n"
    "  - CRE isolated during an outpatient visit\n"
    "  - Home origin\n"
    "Category 2: Hospitalized patients who meet any of the following criteria:\n"
    "  - Admitted from other care facility (not home origin)\n"
    "  - Do not have first positive CRE culture within 48 hours of admission\n"
    "Exclusion Criteria:\n"
    "- Age <18 years\n"
    "In category 1, the following are exclusionary:\n"
    "  - pre-existing renal failure\n"
    "  - history of malignancy\n"
)


def test_a_category_header_ties_its_criteria_to_that_category() -> None:
    compiled = compile_outline(parse_outline(_CATEGORIES))
    cohorts = {node.link_id: node.cohort for node in compiled}
    assert cohorts == {
        "inc-1": "Category 1",
        "inc-2": "Category 2",
        "exc-1": None,
        "exc-2": "Category 1",
    }


def test_an_exclusion_of_one_category_does_not_rule_out_the_others() -> None:
    # Breast cancer excludes from category 1 only; a hospitalized patient (category 2) may join.
    person = record(
        patient(born="1959-01-01"),
        condition("Breast cancer", (ICD, "C50.911", "Malignant neoplasm of right female breast")),
    )
    assert verdict_of_study(_CATEGORIES, person) == "potential-candidate"
