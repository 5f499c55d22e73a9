"""A qualifier joined by "or" to a disease's own kind word: "active or latent tuberculosis".

The qualifier is the other kind's, not the named kind's: "active or latent TB" is active TB or
latent TB. Read as latent TB alone (as before), it failed the inclusion of a patient with active
tuberculosis (a study hidden from a patient it meant) and let one through an exclusion. The
finder no longer reads the name so unless the name without its kind word is the same concept
("active or chronic hepatitis B" is hepatitis B either way); `rules.shared_heads` reads "active
or <kind> <head>" as any-of(<kind> <head>, <head> [active]), but not after "history of" / "prior"
(a past active TB is no active one) nor for "current" or other qualifiers.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize("section", ["Inclusion", "Exclusion"])
@pytest.mark.parametrize(
    "text",
    [
        "History of active or latent TB",
        "Prior active or latent TB",
        "Current or latent tuberculosis infection",
        "Active and latent tuberculosis",
        "Uncontrolled or secondary hyperparathyroidism",
    ],
)
def test_a_qualifier_or_a_kind_word_is_not_read_as_the_named_kind(text: str, section: str) -> None:
    assert bullet_signature(text, section) is None


@pytest.mark.parametrize("section", ["Inclusion", "Exclusion"])
@pytest.mark.parametrize(
    "text", ["Active or latent tuberculosis", "Active or latent TB infection", "Active/latent TB"]
)
def test_active_or_a_kind_is_either_the_kind_or_the_active_disease(text: str, section: str) -> None:
    assert bullet_signature(text, section) == (
        "any-of(condition:tuberculosis-latent, condition:tuberculosis)"
    )
    criterion = compile_text(text, exclusion=section == "Exclusion")
    assert criterion is not None
    assert {(c.concept, c.qualifiers) for c in criterion.children} == {
        ("tuberculosis-latent", ()),
        ("tuberculosis", ("active",)),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Active or chronic hepatitis B", "condition:hbv"),
        ("Moderate or severe asthma", "condition:asthma"),
        ("Latent tuberculosis", "condition:tuberculosis-latent"),
        ("Active tuberculosis", "condition:tuberculosis"),
    ],
)
def test_a_name_that_covers_both_kinds_still_reads(text: str, expected: str) -> None:
    assert bullet_signature(text, "Exclusion") == expected


def test_a_patient_with_active_tuberculosis_is_not_failed_by_active_or_latent() -> None:
    person = record(
        patient(),
        condition("Pulmonary tuberculosis", (ICD, "A15.0", "Tuberculosis of lung")),
    )
    assert verdict_of_inclusion_bullet("Active or latent tuberculosis", person) != "ineligible"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (condition("Latent TB", (ICD, "Z22.7", "Latent tuberculosis")), "met"),
        # Whether an infection is active a record's status does not say: never `not-met`.
        (condition("Pulmonary tuberculosis", (ICD, "A15.0", "Tuberculosis of lung")), "unknown"),
        (
            condition(
                "Pulmonary tuberculosis",
                (ICD, "A15.0", "Tuberculosis of lung"),
                status="resolved",
                abated="2015-01-01",
            ),
            "not-met",
        ),
        (condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated")), "not-met"),
    ],
)
def test_active_or_latent_tuberculosis_against_problem_lists(entry: dict, expected: str) -> None:
    criterion = compile_text("Active or latent tuberculosis", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == expected
