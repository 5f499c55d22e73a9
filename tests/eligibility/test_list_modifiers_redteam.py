"""A first word that classifies a diagnosis may qualify the bare names listed after it:
"neuromuscular scoliosis and/or kyphosis" excludes neuromuscular kyphosis, not any kyphosis
(`rules.icd_titles._share_leading_modifiers`, `rules.partial._governs_none_after`). Read as any
kyphosis, the exclusion turned away a patient with a postural kyphosis the text does not mean."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

KYPHOSIS = "condition:icd10cm:M40.0+M40.1+M40.2+M96.2+M96.3+Q76.41"
POSTURAL_KYPHOSIS = condition(
    "Postural kyphosis of thoracic region",
    (ICD, "M40.04", "Postural kyphosis, thoracic region"),
)
NEUROMUSCULAR_SCOLIOSIS = condition(
    "Neuromuscular scoliosis of thoracolumbar region",
    (ICD, "M41.45", "Neuromuscular scoliosis, thoracolumbar region"),
)


@pytest.mark.parametrize(
    "text",
    [
        "A diagnosis of neuromuscular scoliosis and/or kyphosis",
        "Neuromuscular scoliosis or kyphosis",
        "History of neuromuscular scoliosis, kyphosis, or asthma",
        "Neuromuscular scoliosis, kyphosis, or frobnication syndrome",
    ],
)
def test_a_bare_name_after_a_classified_title_is_not_read_alone(text: str) -> None:
    # Text, or the kyphosis with a TEXT member beside it (`rules.shared_modifiers`): never
    # any kyphosis on its own.
    shown = signature(compile_text(text, exclusion=True, partial=True)) or ""
    assert KYPHOSIS not in shown.replace(f"all-of({KYPHOSIS}, text)", "")


def test_a_patient_with_a_postural_kyphosis_is_not_excluded() -> None:
    text = criteria_text(
        ["Age 10 to 25 years"], ["A diagnosis of neuromuscular scoliosis and/or kyphosis"]
    )
    born = "2008-05-01"
    assert verdict_of_study(text, record(patient(born=born), POSTURAL_KYPHOSIS)) != "ineligible"
    # The text's own diagnosis is no "eligible" either: the bullet is left for review.
    assert verdict_of_study(text, record(patient(born=born), NEUROMUSCULAR_SCOLIOSIS)) != (
        "eligible"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A name with a first word of its own says which one it is.
        (
            "Idiopathic scoliosis or congenital kyphosis",
            "any-of(condition:icd10cm:M41.0+M41.1+M41.2, condition:icd10cm:Q76.41)",
        ),
        # A bare name alone, and one of another block, which the first word does not classify.
        ("Kyphosis", KYPHOSIS),
        (
            "Glaucoma, kyphosis, or frobnication syndrome",
            f"any-of(condition:icd10cm:H40, {KYPHOSIS}, text)",
        ),
    ],
)
def test_names_that_say_which_they_are_stay_read(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True, partial=True)) == expected


def test_a_place_word_does_not_reach_a_diagnosis_of_another_block() -> None:
    """ "cervical radiculopathy, …, fibromyalgia": no "cervical fibromyalgia" is meant."""
    criterion = compile_text(
        "neuropathy, traumatic nerve injury, cervical radiculopathy, fibromyalgia.",
        exclusion=True,
        partial=True,
    )
    assert "condition:icd10cm:M79.7" in (signature(criterion) or "")


# A qualifier in front of a list holds for its ICD-10-CM title members too
# (`rules.icd_titles.out_of_qualified_lists`): a title carries no such qualifier, so it is left
# as text rather than read as any bronchiectasis, any hypotension.
ORTHOSTATIC_HYPOTENSION = condition(
    "Orthostatic hypotension", (ICD, "I95.1", "Orthostatic hypotension")
)
BRONCHIECTASIS = condition("Bronchiectasis", (ICD, "J47.9", "Bronchiectasis, uncomplicated"))


@pytest.mark.parametrize(
    ("bullet", "entry"),
    [
        ("Clinically significant systemic hypertension or hypotension", ORTHOSTATIC_HYPOTENSION),
        ("Severe asthma or bronchiectasis", BRONCHIECTASIS),
        ("Symptomatic heart failure, bronchiectasis or COPD", BRONCHIECTASIS),
    ],
)
def test_a_title_after_a_qualified_diagnosis_does_not_exclude_bare(
    bullet: str, entry: dict
) -> None:
    text = criteria_text(["Age 18 years or older"], [bullet])
    assert verdict_of_study(text, record(patient(born="1970-01-01"), entry)) != "ineligible"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Asthma or bronchiectasis", "any-of(condition:asthma, condition:icd10cm:J47)"),
        ("Bronchiectasis or severe asthma", "any-of(condition:icd10cm:J47, condition:asthma)"),
        # "Active" a title carries too: a current sarcoidosis.
        (
            "Active tuberculosis or sarcoidosis",
            "any-of(condition:tuberculosis, condition:icd10cm:D86)",
        ),
    ],
)
def test_a_title_without_a_qualifier_before_it_is_read(text: str, expected: str) -> None:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert signature(criterion) == expected
    if text.startswith("Active"):
        assert criterion is not None and criterion.children[1].qualifiers == ("active",)


def test_the_qualified_diagnosis_itself_still_excludes() -> None:
    text = criteria_text(["Age 18 years or older"], ["Severe asthma or bronchiectasis"])
    severe_asthma = condition(
        "Severe persistent asthma", (ICD, "J45.50", "Severe persistent asthma, uncomplicated")
    )
    # "severe" is a judgement a record does not settle: the bullet is never "eligible" with it.
    verdict = verdict_of_study(text, record(patient(born="1970-01-01"), severe_asthma))
    assert verdict != "eligible"
