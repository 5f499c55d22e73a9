"""A use of a class listed with single drugs ("Use of NSAIDs or aspirin", "aspirin, clopidogrel
or anticoagulants"): every item is a use, as the lead says, and a window after the list is the
whole list's. "Non-steroid anti-inflammatory (NSAIDs)" and "non steroidal anti inflammatory
drugs" are NSAIDs."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import medication, patient, record, result_of
from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Use of NSAIDs or aspirin", "any-of(medication:nsaid, medication:aspirin)"),
        (
            "Current use of anticoagulants, aspirin or clopidogrel",
            "any-of(medication:anticoagulant, medication:aspirin, medication:clopidogrel)",
        ),
        (
            "Use of aspirin, clopidogrel or anticoagulants",
            "any-of(any-of(medication:aspirin, medication:clopidogrel), medication:anticoagulant)",
        ),
        (
            "Use of systemic corticosteroids or methotrexate within 4 weeks",
            "any-of(medication:systemic-corticosteroid:w-28,0,enrollment,"
            " medication:methotrexate:w-28,0,enrollment)",
        ),
        (
            "Use of Non-steroid anti-inflammatory (NSAIDs) or aspirin.",
            "any-of(medication:nsaid, medication:aspirin)",
        ),
        ("Allergy to NSAIDs or aspirin", "any-of(allergy:nsaid, allergy:aspirin)"),
    ],
)
def test_drugs_listed_with_a_class_share_its_use(text: str, expected: str) -> None:
    assert bullet_signature(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # "and" may mean both; a past use without a window is not a use now.
        "Use of anticoagulants and aspirin",
        "Use of anticoagulants, aspirin and clopidogrel",
        "History of anticoagulant use or aspirin",
        "Non-steroidal anti-inflammatory disease",
    ],
)
def test_other_lists_are_not_read_as_alternatives(text: str) -> None:
    assert bullet_signature(text) is None


def test_a_patient_on_the_drug_alone_is_excluded() -> None:
    criterion = compile_text("Use of NSAIDs or aspirin", exclusion=True)
    assert criterion is not None
    aspirin = medication("aspirin 81 mg tablet", "2026-06-01", status="active")
    statin = medication("atorvastatin 20 mg tablet", "2026-06-01", status="active")
    assert result_of(criterion, record(patient(), aspirin)) == "met"
    assert result_of(criterion, record(patient(), statin)) == "not-met"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Other than something the text names elsewhere: never the whole class.
        ("Treatment with other antidiabetics", "all-of(medication:antidiabetic, text)"),
        (
            "Other concurrent systemic corticosteroids",
            "all-of(medication:systemic-corticosteroid, text)",
        ),
        ("Current use of another beta blocker", "all-of(medication:beta-blocker, text)"),
        # Other than the item just listed, which the list holds: the whole class.
        ("Use of aspirin or other NSAIDs", "any-of(medication:aspirin, medication:nsaid)"),
        (
            "Use of warfarin or other anticoagulants",
            "any-of(medication:warfarin, medication:anticoagulant)",
        ),
    ],
)
def test_other_members_of_a_class(text: str, expected: str) -> None:
    assert bullet_signature(text) == expected


def test_other_members_never_exclude_on_the_class_alone() -> None:
    criterion = compile_text("Treatment with other antidiabetics", exclusion=True, partial=True)
    assert criterion is not None
    metformin = medication("metformin 500 mg tablet", "2026-06-01", status="active")
    statin = medication("atorvastatin 20 mg tablet", "2026-06-01", status="active")
    assert result_of(criterion, record(patient(), metformin)) == "unknown"
    assert result_of(criterion, record(patient(), statin)) == "not-met"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anyone currently taking beta blocker medication", "medication:beta-blocker"),
        (
            "Patients who take antiviral agents (acyclovir, valacyclovir, famciclovir,"
            " ganciclovir, valganciclovir, foscarnet...)",
            "medication:antiviral",
        ),
    ],
)
def test_who_and_examples_ending_in_an_ellipsis(text: str, expected: str) -> None:
    assert bullet_signature(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Diabetes or hypoglycaemic therapy.",
            "any-of(condition:diabetes-mellitus, medication:antidiabetic)",
        ),
        ("Use of hypoglycemic agents", "medication:antidiabetic"),
        # Oral ones leave insulin out (no class says so); events are no drug.
        ("Use of oral hypoglycemic agents", None),
        ("History of hypoglycemic events", None),
    ],
)
def test_hypoglycaemic_drugs_are_antidiabetics(text: str, expected: str | None) -> None:
    assert bullet_signature(text) == expected
