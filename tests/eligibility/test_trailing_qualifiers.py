"""A qualifier or a dependent clause written after a comma narrows the item before it.

"Hypertension, uncontrolled" read as two list items — hypertension, and an unread "uncontrolled"
— would exclude every patient with hypertension; "Asthma, requiring oral steroids" read as
asthma or steroid use would exclude every asthmatic and everyone on prednisone. Both stay text
(or keep the qualifier) rather than widen the exclusion.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of
from tests.eligibility.signature import signature

NARROWED = [
    "Hypertension, uncontrolled",
    "Epilepsy, uncontrolled",
    "Glaucoma, uncontrolled",
    "Diabetes mellitus, poorly controlled",
    "Asthma, severe",
    "Heart failure, symptomatic",
    "Asthma, requiring oral steroids",
    "Diabetes on insulin",
    "Epilepsy, treated with two or more antiepileptic drugs",
]


@pytest.mark.parametrize("bullet", NARROWED)
def test_an_exclusion_narrowed_after_a_comma_never_excludes_the_whole_diagnosis(bullet) -> None:
    criterion = compile_text(bullet, exclusion=True, partial=True)
    hypertensive = record(
        patient(),
        condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension")),
        condition("Epilepsy", (ICD, "G40.909", "Epilepsy, unspecified")),
        condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated")),
        condition("Type 2 diabetes", (ICD, "E11.9", "Type 2 diabetes mellitus")),
        condition("Glaucoma", (ICD, "H40.9", "Unspecified glaucoma")),
        condition("Heart failure", (ICD, "I50.9", "Heart failure, unspecified")),
    )
    assert criterion is None or result_of(criterion, hypertensive) != "met", signature(criterion)


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Hypertension, diabetes, epilepsy",
            "any-of(condition:diabetes-mellitus, condition:epilepsy, condition:hypertension)",
        ),
        ("HIV, hepatitis B or C", "any-of(condition:hiv, any-of(condition:hbv, condition:hcv))"),
        (
            "persistent atrial fibrillation, on hemodialysis, pregnancy, or dementia",
            "any-of(condition:icd10cm:I48.1, procedure:hemodialysis, pregnancy:pregnancy, "
            "condition:dementia)",
        ),
    ],
)
def test_lists_of_separate_items_are_still_read(bullet, expected) -> None:
    compiled = compile_text(bullet, exclusion=True, partial=True)
    assert compiled is not None
    assert sorted(signature(compiled).removeprefix("any-of(").rstrip(")").split(", ")) == sorted(
        expected.removeprefix("any-of(").rstrip(")").split(", ")
    )


@pytest.mark.parametrize(
    "bullet",
    [
        "Type I myocardial infarction within 6 months",
        "Patients 1 to 6 months after type I myocardial infarction",
        "type 2 myocardial infarction",
    ],
)
def test_a_subtype_named_by_type_is_never_dropped(bullet) -> None:
    # Read as any myocardial infarction, a type 2 (demand) infarction would exclude too.
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is None or "myocardial-infarction" not in signature(criterion)


def test_any_type_is_no_subtype() -> None:
    assert signature(compile_text("Any type of cancer", exclusion=True)) == (
        "condition:malignant-neoplasm"
    )


@pytest.mark.parametrize(
    "bullet",
    ["Type 2 diabetes, in patients older than 65 years", "HIV, in women of childbearing age"],
)
def test_the_people_a_reading_is_restricted_to_are_never_a_list_item(bullet) -> None:
    # Read as a list, every patient over 65 (or every man with HIV) would be excluded.
    older = record(patient(born="1950-01-01"))
    man_with_hiv = record(
        patient(gender="male"),
        condition("HIV", (ICD, "B20", "Human immunodeficiency virus [HIV] disease")),
    )
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is None or (
        result_of(criterion, older) != "met" and result_of(criterion, man_with_hiv) != "met"
    )


def test_an_inclusion_never_offers_its_age_as_an_alternative() -> None:
    # "Age 18 to 75, ECOG 0-1 or Karnofsky >= 70": read as any-of, a 90-year-old with ECOG 1
    # would meet it.
    criterion = compile_text("Age 18 to 75 years, ECOG 0-1 or Karnofsky ≥ 70", partial=True)
    aged_90 = record(patient(born="1936-01-01"))
    assert criterion is None or result_of(criterion, aged_90) == "not-met"
    both = compile_text("ECOG 0-1 or Karnofsky >= 70")
    assert signature(both) == (
        "any-of(performance-status:ecog:0..1{score}, performance-status:karnofsky:>=70%)"
    )
