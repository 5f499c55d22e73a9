"""A qualifier joined by "or" to a disease's own kind word: "active or latent tuberculosis".

The qualifier is the other kind's, not the named kind's: "active or latent TB" is active TB or
latent TB. Read as latent TB alone (as before), it failed the inclusion of a patient with active
tuberculosis (a study hidden from a patient it meant) and let one through an exclusion. Such a
bullet stays text unless the name without its kind word is the same concept ("active or chronic
hepatitis B" is hepatitis B either way).
"""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    condition,
    patient,
    record,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize("section", ["Inclusion", "Exclusion"])
@pytest.mark.parametrize(
    "text",
    [
        "Active or latent tuberculosis",
        "History of active or latent TB",
        "Current or latent tuberculosis infection",
        "Active and latent tuberculosis",
        "Uncontrolled or secondary hyperparathyroidism",
    ],
)
def test_a_qualifier_or_a_kind_word_is_not_read_as_the_named_kind(text: str, section: str) -> None:
    assert bullet_signature(text, section) is None


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
