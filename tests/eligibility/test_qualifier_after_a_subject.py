"""A qualifier that opens a list reaches its items even after the people it is said of.

"Patients with known current colorectal cancer, infectious colitis, diverticulitis, or
microscopic colitis" was read, as sufficient parts of an exclusion, with `active` on colorectal
cancer only: an episode of diverticulitis from 2019, still on the problem list, ruled the
patient out, though the text excludes current diverticulitis. The subject ("patients with")
hid the qualifier from the check that a narrowing word before a list must not be dropped from
its later items (`rules.partial._governs_none_after`); the bullet now stays text, as the same
list without "patients with" does.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature

BULLET = (
    "Patients with known current colorectal cancer, infectious colitis, diverticulitis, "
    "or microscopic colitis."
)


def _exclusion(text: str) -> str | None:
    return bullet_signature(text)


@pytest.mark.parametrize(
    "text",
    [
        BULLET,
        "Current diverticulitis, microscopic colitis or infectious colitis",
        "Patients with uncontrolled hypertension, frailty, or asthma",
    ],
)
def test_a_list_opened_by_a_qualifier_is_not_read_without_it(text: str) -> None:
    assert _exclusion(text) is None


def test_a_list_whose_items_all_read_carries_the_qualifier_to_each() -> None:
    """Every item read (gastritis is a common name): `active` reaches all three."""
    text = "Subjects with active peptic ulcer, gastritis, or esophageal varices"
    criterion = compile_criterion(text, exclusion=True)
    assert criterion is not None and criterion.combination == "any-of"
    assert [child.qualifiers for child in criterion.children] == [("active",)] * 3


def test_the_same_list_without_the_qualifier_is_still_read() -> None:
    assert _exclusion(BULLET.replace("known current", "known")) == (
        "any-of(condition:colorectal-cancer, condition:icd10cm:K57.0+K57.12+K57.13+K57.2"
        "+K57.32+K57.33+K57.4+K57.52+K57.53+K57.8+K57.92+K57.93, condition:icd10cm:K52.83, text)"
    )


def test_an_old_episode_of_diverticulitis_does_not_rule_the_patient_out() -> None:
    old = condition(
        "Diverticulitis of colon",
        (ICD, "K57.32", "Diverticulitis of large intestine without perforation or abscess"),
        onset="2019-05-02",
    )
    text = criteria_text(["Age 18 or older"], [BULLET])
    assert verdict_of_study(text, record(patient(), old)) != "ineligible"
