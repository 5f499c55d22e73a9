"""Diagnoses whose common head is written once (`rules.shared_heads`): "cervical or uterine
cancer" is cervical cancer or uterine cancer. Before, no finder read "cervical" alone and the
bullet stayed text; the expansion is tried only on bullets not understood as written, and only
where every expanded item is a diagnosis name on its own."""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature

# (list as criteria write it, the reading of its items)
_LISTS = [
    ("cervical or uterine cancer", "any-of(condition:cervical-cancer, condition:uterine-cancer)"),
    (
        "persistent or permanent atrial fibrillation",
        "any-of(condition:icd10cm:I48.1, condition:icd10cm:I48.21)",
    ),
    (
        "type 2 or gestational diabetes",
        "any-of(condition:diabetes-type-2, condition:gestational-diabetes)",
    ),
    (
        "bipolar or psychotic disorder",
        "any-of(condition:bipolar-disorder, condition:psychotic-disorder)",
    ),
    (
        "anorexia or bulimia nervosa",
        "any-of(condition:icd10cm:F50.0, condition:icd10cm:F50.2)",
    ),
    ("thyroid or liver disease", "any-of(condition:thyroid-disease, condition:liver-disease)"),
    (
        "breast, ovarian or prostate cancer",
        "any-of(condition:breast-cancer, condition:ovarian-cancer, condition:prostate-cancer)",
    ),
]
_PHRASINGS = [
    "{}",
    "Patients with {}.",
    "History of {}",
    "Known {};",
    "Diagnosis of {}",
]


@pytest.mark.parametrize("phrasing", _PHRASINGS)
@pytest.mark.parametrize(("words", "expected"), _LISTS)
def test_a_head_written_once_is_read_after_every_item(
    words: str, expected: str, phrasing: str
) -> None:
    text = phrasing.format(words)
    assert bullet_signature(text, "Exclusion") == expected
    assert bullet_signature(text, "Inclusion") == expected


@pytest.mark.parametrize("section", ["Exclusion", "Inclusion"])
@pytest.mark.parametrize(
    "text",
    [
        # Either population, or both? all-of fails a patient with one; any-of in an exclusion
        # turns away a patient with one whom a study excluding "both" meant to keep.
        "Ischemic and hemorrhagic stroke patients",
        "Patients with cervical and uterine cancer",
        "Liver and kidney disease",
        "Liver and lung metastases",
    ],
)
def test_and_between_first_halves_stays_text(text: str, section: str) -> None:
    assert bullet_signature(text, section) is None


def test_a_modifier_before_the_list_qualifies_every_item() -> None:
    # "Chronic liver or kidney disease": chronic kidney disease too, not any kidney disease.
    assert bullet_signature("Chronic liver or kidney disease", "Exclusion") == (
        "any-of(condition:chronic-liver-disease, condition:chronic-kidney-disease)"
    )


@pytest.mark.parametrize(
    "text",
    [
        # A word before the list that is neither a lead nor a known qualifier may narrow every
        # item: "kidney disease" alone would be wider than the text.
        "Hereditary cervical or uterine cancer",
        # An item that is no diagnosis with the head: nothing to expand.
        "Renal artery or aortic aneurysm",
    ],
)
def test_lists_that_stay_text(text: str) -> None:
    assert bullet_signature(text, "Exclusion") is None


def test_grades_before_the_head_stay_a_text_member() -> None:
    # "Mild" and "moderate" are judgements of the text, not names of kinds.
    assert bullet_signature("Mild or moderate atrial fibrillation", "Exclusion") == (
        "all-of(condition:atrial-fibrillation, text)"
    )


def test_a_list_of_whole_names_is_read_as_before() -> None:
    # "Diabetes or heart disease": two names, no shared head.
    assert bullet_signature("Diabetes or heart disease", "Exclusion") == (
        "any-of(condition:diabetes-mellitus, condition:heart-disease)"
    )


PAROXYSMAL_AF = condition(
    "Paroxysmal atrial fibrillation (HCC)", (ICD, "I48.0", "Paroxysmal atrial fibrillation")
)
PERMANENT_AF = condition(
    "Permanent atrial fibrillation (HCC)", (ICD, "I48.21", "Permanent atrial fibrillation")
)
TYPE_2 = condition("Type 2 diabetes mellitus (HCC)", (ICD, "E11.9", "Type 2 diabetes mellitus"))
TYPE_1 = condition("Type 1 diabetes mellitus (HCC)", (ICD, "E10.9", "Type 1 diabetes mellitus"))


def test_an_exclusion_of_two_kinds_excludes_only_those_kinds() -> None:
    text = criteria_text(["Age 18 years or older"], ["Persistent or permanent atrial fibrillation"])
    assert verdict_of_study(text, record(patient(), PERMANENT_AF)) == "ineligible"
    # Paroxysmal atrial fibrillation is neither: the patient stays eligible.
    assert verdict_of_study(text, record(patient(), PAROXYSMAL_AF)) == "eligible"


def test_an_inclusion_of_two_kinds_is_met_by_either() -> None:
    text = criteria_text(["Type 2 or gestational diabetes"], [])
    assert verdict_of_study(text, record(patient(), TYPE_2)) == "eligible"
    assert verdict_of_study(text, record(patient(), TYPE_1)) == "ineligible"


@pytest.mark.parametrize(
    "text",
    [
        "Cervical and uterine cancer",
        "Patients with breast and ovarian cancer",
        "Diagnosis of gastric and esophageal cancer",
        "Cervical or uterine cancer, confirmed by biopsy within 6 weeks of registration",
    ],
)
def test_no_alternative_of_a_shared_head_is_a_necessary_part(text: str) -> None:
    # all-of(uterine-cancer, text) would fail a patient with cervical cancer alone: a study
    # hidden from a patient it may have meant.
    assert bullet_signature(text, "Inclusion") is None


def test_a_word_of_the_head_is_no_first_half() -> None:
    # "active bleeding or bleeding diathesis": active bleeding is no bleeding diathesis.
    read = bullet_signature("Evidence of active bleeding or bleeding diathesis", "Exclusion")
    assert read is None or "active" not in read
