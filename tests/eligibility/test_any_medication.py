"""A current use of any medication, named without a class ("Taking prescribed medication",
"Use of medications"): read as a whole bullet only, and decided from the record's medications
without ever counting a self-reported or topical product as met."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.model import Criterion
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import medication, patient, record, result_of
from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize(
    "text",
    [
        "taking prescribed medication",
        "Ongoing use of prescription medication",
        "Patients currently taking any medications",
        "Use of medications",
        "Prescription medications",
        "taking regular medication",
    ],
)
def test_a_use_of_any_medication_is_read(text: str) -> None:
    assert bullet_signature(text) == "medication:prescription-medication"


def test_a_negated_use_in_an_inclusion_is_not_any_medication() -> None:
    assert bullet_signature("Not taking any medication", "Inclusion") == (
        "NOT medication:prescription-medication"
    )


@pytest.mark.parametrize(
    "text",
    [
        # A narrower set of drugs, or something else than a use: never any medication.
        "Unable to stop taking medication",
        # ("Volunteers using medication (exception for contraception)": all-of(any medication,
        # TEXT), the exception kept as text, test_excepted_uses.py.)
        "Use of drugs",
        "Inability to swallow oral medication",
        "Allergy to any medication",
        "Taking medication for depression",
    ],
)
def test_a_narrower_or_other_text_is_not_any_medication(text: str) -> None:
    assert "prescription-medication" not in (bullet_signature(text) or "")


@pytest.mark.parametrize(
    "text",
    [
        "Taking medication that may affect the outcome",
        "Subjects on medication that affects the salivary flow rate.",
        "Those taking medications that can affect the glucose metabolism",
    ],
)
def test_medications_a_clause_defines_stay_text(text: str) -> None:
    # No record holds "medications that may affect the outcome": not any medication.
    assert "prescription-medication" not in (bullet_signature(text) or "")


def _evaluate(text: str, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None
    return result_of(criterion, record(patient(), *resources))


def test_a_current_prescription_meets_it() -> None:
    lisinopril = medication("lisinopril 10 mg tablet", "2026-06-01", status="active")
    assert _evaluate("Taking prescribed medication", lisinopril) == "met"


def test_only_past_medications_do_not_meet_it() -> None:
    old = medication("amoxicillin 500 mg capsule", "2025-02-01", "2025-02-10")
    assert _evaluate("Taking prescribed medication", old) == "not-met"


def test_no_medication_in_the_record_is_unknown() -> None:
    assert _evaluate("Taking prescribed medication") == "unknown"


def test_a_self_reported_or_topical_product_is_unknown_not_met() -> None:
    vitamin = medication(
        "cholecalciferol 1000 unit tablet",
        "2026-05-01",
        status="active",
        kind="MedicationStatement",
    )
    cream = medication("hydrocortisone 1 % topical cream", "2026-10-01", status="active")
    assert _evaluate("Taking prescribed medication", vitamin) == "unknown"
    assert _evaluate("Taking prescribed medication", cream) == "unknown"


def test_regular_medication_needs_a_lasting_use() -> None:
    recent = medication("sertraline 50 mg tablet", "2026-11-10", status="active")
    lasting = medication("sertraline 50 mg tablet", "2026-01-10", status="active")
    assert _evaluate("taking regular medication", recent) == "unknown"
    assert _evaluate("taking regular medication", lasting) == "met"


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Patients on metformin for at least 3 months", "lasting-91d"),
        ("Statin therapy for >2 years.", "lasting-732d"),
        ("Taking insulin for at least 6 months prior to screening", "lasting-183d"),
    ],
)
def test_a_duration_after_a_use_is_read_into_it(text: str, qualifier: str) -> None:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None
    assert criterion.kind.value == "medication"
    assert qualifier in criterion.qualifiers


@pytest.mark.parametrize(
    "text",
    [
        "Use of antibiotics for more than 3 months ago",
        "Taking insulin for > 3 months before surgery",
    ],
)
def test_a_moment_is_not_a_duration(text: str) -> None:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is None or not any(
        q.startswith("lasting-") for leaf in _leaves(criterion) for q in leaf.qualifiers
    )


def _leaves(criterion: Criterion) -> list[Criterion]:
    if criterion.children:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [criterion]


def test_a_use_must_have_lasted_the_days_the_text_gives() -> None:
    text = "Patients on metformin for at least 3 months"
    lasting = medication("metformin 500 mg tablet", "2026-03-01", status="active")
    recent = medication("metformin 500 mg tablet", "2026-11-01", status="active")
    stopped = medication("metformin 500 mg tablet", "2025-01-01", "2025-09-01")
    assert _evaluate(text, lasting) == "met"
    # The recorded start may be the latest order, not the first dose: unknown, never not-met.
    assert _evaluate(text, recent) == "unknown"
    assert _evaluate(text, stopped) == "not-met"


def test_a_duration_after_a_list_is_every_item_s() -> None:
    # Read for the last item only, "NSAIDs" would be any use: wider than the text.
    criterion = compile_text("Use of NSAIDs or aspirin for more than 3 months", exclusion=True)
    assert criterion is not None
    assert [leaf.qualifiers for leaf in _leaves(criterion)] == [("lasting-92d",)] * 2


def test_a_duration_after_a_negated_use_is_not_how_long_it_lasted() -> None:
    # "Not taking antibiotics for at least three months": no use in that time, not a short use.
    criterion = compile_text("Not taking antibiotics for at least three months", partial=True)
    assert criterion is None or not any(
        q.startswith("lasting-") for leaf in _leaves(criterion) for q in leaf.qualifiers
    )


def test_a_stable_dose_for_a_time_keeps_the_duration_and_a_text_member() -> None:
    criterion = compile_text("Stable dose of metformin for at least 8 weeks", partial=True)
    assert criterion is not None
    assert [leaf.qualifiers for leaf in _leaves(criterion)] == [("lasting-56d",), ()]
