"""Known diagnosis names written in a variant spelling (`rules.name_variants`): a prefix or a
compound split by a hyphen ("hypo-thyroidism", "deep-vein thrombosis"), DSM's slash
("attention-deficit/hyperactivity disorder"), an eponym's possessive without its apostrophe
("Cushings syndrome"), a British spelling ("generalised anxiety disorder") and the
abbreviations of diabetes by its type ("DM2", "NIDDM", "IDDM"). Each compiles as the name in
the vocabulary's spelling does, in every phrasing; the spellings that mean something else —
a range of classes ("ASA I-II"), "anxiety/depression" (two names), "DM1" (myotonic dystrophy
type 1 as often), "four" (not "for") — keep their reading or stay text."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature

# (as criteria write it, as the vocabulary spells it)
_VARIANTS = [
    ("hypo-thyroidism", "hypothyroidism"),
    ("hyper-thyroidism", "hyperthyroidism"),
    ("osteo-arthritis", "osteoarthritis"),
    ("gastro-intestinal disease", "gastrointestinal disease"),
    ("deep-vein thrombosis", "deep vein thrombosis"),
    ("iron-deficiency anemia", "iron deficiency anemia"),
    ("beta-thalassemia", "beta thalassemia"),
    ("attention-deficit/hyperactivity disorder", "attention deficit hyperactivity disorder"),
    ("Cushings syndrome", "Cushing's syndrome"),
    ("Huntingtons disease", "Huntington's disease"),
    ("Hashimotos thyroiditis", "Hashimoto's thyroiditis"),
    ("Sjogrens syndrome", "Sjogren's syndrome"),
    ("Addisons disease", "Addison's disease"),
    ("Tourettes syndrome", "Tourette's syndrome"),
    ("generalised anxiety disorder", "generalized anxiety disorder"),
    ("DM2", "type 2 diabetes"),
    ("DM 2", "type 2 diabetes"),
    ("DM-II", "type 2 diabetes"),
    ("DM type 2", "type 2 diabetes"),
    ("T2 diabetes", "type 2 diabetes"),
    ("NIDDM", "type 2 diabetes"),
    ("IDDM", "type 1 diabetes"),
    ("T1 diabetes", "type 1 diabetes"),
]
_PHRASINGS = [
    ("History of {}", "Exclusion"),
    ("Known {}", "Exclusion"),
    ("Patients with {} are excluded", "Exclusion"),
    ("{}", "Inclusion"),
    ("Diagnosis of {}", "Inclusion"),
    ("{} patients", "Inclusion"),
]


@pytest.mark.parametrize(("variant", "name"), _VARIANTS)
@pytest.mark.parametrize(("phrasing", "section"), _PHRASINGS)
def test_a_variant_spelling_compiles_as_the_name(
    variant: str, name: str, phrasing: str, section: str
) -> None:
    expected = bullet_signature(phrasing.format(name), section)
    assert expected is not None and "condition:" in expected
    assert bullet_signature(phrasing.format(variant), section) == expected


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        # The codes the variants stand for.
        ("History of hypo-thyroidism", "Exclusion", "condition:hypothyroidism"),
        ("Cushings syndrome", "Exclusion", "condition:icd10cm:E24"),
        ("attention-deficit/hyperactivity disorder (ADHD)", "Inclusion", "condition:icd10cm:F90"),
        ("DM 2,", "Inclusion", "condition:diabetes-type-2"),
        ("The patient has a diagnosis of Wilson dis-ease", "Inclusion", "condition:icd10cm:E83.01"),
        ("right upper-quadrant abdominal tenderness.", "Inclusion", "condition:icd10cm:R10.811"),
        # In a list with other names.
        (
            "History of DM2, hypertension or hypo-thyroidism",
            "Exclusion",
            "any-of(condition:diabetes-type-2, condition:hypertension, condition:hypothyroidism)",
        ),
        # Not a variant of one name: a slash between two names is "or".
        (
            "anxiety/depression",
            "Exclusion",
            "any-of(condition:anxiety-disorder, condition:depression)",
        ),
        # A range of classes or letters is not a word split by a hyphen ("iii").
        ("ASA physical status class I-II", "Inclusion", "lab:asa-physical-status:<=2"),
        # "four" is a number, not a British "for" ("tumour" → "tumor" only for long words).
        (
            "Diagnosis of type 1 diabetes for a period < four months.",
            "Inclusion",
            "condition:diabetes-type-1:w-122,0,enrollment",
        ),
        # Ambiguous abbreviations stay text: DM1 is as often myotonic dystrophy type 1, DM2 its
        # type 2 beside it; TBI total body irradiation; MS, PD, RA other things.
        ("DM1", "Inclusion", None),
        ("DM type 1", "Inclusion", None),
        ("Genetically confirmed myotonic dystrophy type 2 (DM2)", "Inclusion", None),
        ("History of TBI", "Exclusion", None),
        ("MS", "Exclusion", None),
        ("PD", "Exclusion", None),
        # A duration, not a type.
        ("DM 2 years or more", "Inclusion", None),
        # A plural that is no eponym's possessive.
        ("Night workers", "Exclusion", None),
    ],
)
def test_the_variants_read_and_the_other_spellings_keep_their_reading(
    text: str, section: str, expected: str | None
) -> None:
    assert bullet_signature(text, section) == expected


@pytest.mark.parametrize(
    ("text", "entry", "expected"),
    [
        (
            "History of hypo-thyroidism",
            condition(
                "Hypothyroidism",
                (ICD, "E03.9", "Hypothyroidism, unspecified"),
                (SNOMED, "40930008", "Hypothyroidism"),
            ),
            "met",
        ),
        (
            "History of hypo-thyroidism",
            condition("Graves disease", (ICD, "E05.00", "Thyrotoxicosis with diffuse goiter")),
            "not-met",
        ),
        (
            "Cushings syndrome",
            condition("Cushing's disease", (ICD, "E24.0", "Pituitary-dependent Cushing's disease")),
            "met",
        ),
        (
            "DM2",
            condition(
                "Type 2 diabetes mellitus",
                (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
            ),
            "met",
        ),
        (
            "DM2",
            condition(
                "Type 1 diabetes mellitus",
                (ICD, "E10.9", "Type 1 diabetes mellitus without complications"),
            ),
            "not-met",
        ),
    ],
)
def test_an_epic_problem_list_meets_the_variant(text: str, entry: dict, expected: str) -> None:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == expected


def test_a_study_written_with_variants_decides_from_the_problem_list() -> None:
    text = criteria_text(["Adults with DM 2"], ["History of hypo-thyroidism"])
    diabetic = condition(
        "Type 2 diabetes", (ICD, "E11.9", "Type 2 diabetes mellitus without complications")
    )
    hypothyroid = condition("Hypothyroidism", (ICD, "E03.9", "Hypothyroidism, unspecified"))
    type_1 = condition(
        "Type 1 diabetes", (ICD, "E10.9", "Type 1 diabetes mellitus without complications")
    )
    # Before the variants were read, both bullets were text: every patient a potential candidate.
    assert verdict_of_study(text, record(patient(), diabetic)) == "eligible"
    assert verdict_of_study(text, record(patient(), diabetic, hypothyroid)) == "ineligible"
    assert verdict_of_study(text, record(patient(), type_1)) == "ineligible"
