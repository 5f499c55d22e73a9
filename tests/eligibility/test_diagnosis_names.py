"""Diagnoses criteria name otherwise than by an ICD-10-CM title, and lists of them.

The names of `icd10cm_synonyms.json` (an inclusion term, the synonym a title gives in brackets,
an Alphabetic Index entry, a common abbreviation) compile to their code's `icd10cm:` concept;
a comma-separated list of titles is read item by item, and a possessive "Graves' disease"
spells its name. Ambiguous abbreviations and names wider than one code stay text.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, SNOMED, condition, patient, record, result_of
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # Whole bullets naming one diagnosis by another name of its code.
        ("History of vestibular neuritis", True, "condition:icd10cm:H81.2"),
        ("Autosomal Dominant Polycystic Kidney Disease", True, "condition:icd10cm:Q61.2"),
        ("diagnosed POAG", False, "condition:icd10cm:H40.11"),
        ("Previously diagnosed with POTS", False, "condition:icd10cm:G90.A"),
        ("diagnosed dry AMD", False, "condition:icd10cm:H35.31"),
        ("History of wet AMD", True, "condition:icd10cm:H35.32"),
        ("Known GVHD", True, "condition:icd10cm:D89.81"),
        ("History of herpes zoster", True, "condition:icd10cm:B02"),
        ("Shingles", True, "condition:icd10cm:B02"),
        ("Scleroderma", True, "condition:icd10cm:M34"),
        ("Diagnosis of granulomatosis with polyangiitis", False, "condition:icd10cm:M31.3"),
        ("Clinical diagnosis of SPMS", False, "condition:icd10cm:G35.C"),
        ("History of lupus nephritis", True, "condition:icd10cm:M32.14"),
        ("Normal pressure hydrocephalus", True, "condition:icd10cm:G91.2"),
        ("Bronchopulmonary dysplasia", True, "condition:icd10cm:P27.1"),
        # A possessive apostrophe after the word.
        ("Graves' disease", True, "condition:icd10cm:E05.0"),
        ("History of Graves\u2019 disease", True, "condition:icd10cm:E05.0"),
        # A hand-made name inside a longer one that names more.
        ("Dementia with Lewy bodies", True, "condition:icd10cm:G31.83"),
        ("Takotsubo cardiomyopathy", True, "condition:icd10cm:I51.81"),
        # ... even when the hand-made reading took a qualifier word of the title.
        (
            "Clinical diagnosis of Secondary Progressive Multiple Sclerosis",
            False,
            "condition:icd10cm:G35.C",
        ),
        ("Primary progressive multiple sclerosis", False, "condition:icd10cm:G35.B"),
        # Lists: each member read, the unread one left as text.
        (
            "evidence of sleep apnea, restless legs or periodic limb movements;",
            True,
            "any-of(condition:sleep-apnea, condition:icd10cm:G25.81, text)",
        ),
        (
            "Known Graves' disease or Hashimoto's thyroiditis",
            True,
            "any-of(condition:icd10cm:E05.0, condition:icd10cm:E06.3)",
        ),
        # Titles separated by commas are items of their own.
        (
            "diagnosis primary open-angle glaucoma, pseudo-exfoliative glaucoma or ocular"
            " hypertension.",
            False,
            "any-of(condition:icd10cm:H40.11, condition:icd10cm:H40.14, condition:icd10cm:H40.05)",
        ),
        (
            "Glaucoma, epilepsy",
            True,
            "any-of(condition:icd10cm:H40, condition:epilepsy)",
        ),
        # A name wider than one code is the set of its codes (icd10cm_common_names.json).
        # age-related, other, in other diseases, congenital, diabetic cataract
        (
            "Cataract",
            True,
            "condition:icd10cm:H25+H26+H28+Q12.0+E08.36+E09.36+E10.36+E11.36+E13.36",
        ),
        ("Mild cognitive impairment", True, "condition:icd10cm:G31.84+F06.7"),
        # Still text: an ambiguous abbreviation, another finder's word.
        ("GAD", True, None),  # generalized anxiety disorder or glutamic acid decarboxylase
        ("Paget's disease", True, None),  # of bone, or of the breast or vulva (cancers)
        ("Hepatitis A vaccine", True, None),
    ],
)
def test_another_name_of_a_diagnosis_compiles_as_a_bullet_does(
    text: str, exclusion: bool, expected: str
) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


def test_a_comma_ends_an_item_but_the_words_after_it_still_count() -> None:
    # The title is read, and the word after the comma is left over: the full reading refuses.
    assert compile_criterion("Glaucoma, uncontrolled", exclusion=True) is None
    assert compile_criterion("Glaucoma, epilepsy", exclusion=True) is not None


ZOSTER_ICD = condition("Shingles", (ICD, "B02.9", "Zoster without complications"))
ZOSTER_SNOMED = condition("Herpes zoster", (SNOMED, "4740000", "Herpes zoster"))
VARICELLA = condition("Chickenpox", (ICD, "B01.9", "Varicella without complication"))


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((ZOSTER_ICD,), "met"),  # a code in the subtree
        ((ZOSTER_SNOMED,), "met"),  # SNOMED CT only: its name is the title's synonym
        ((VARICELLA,), "not-met"),  # another diagnosis on the problem list
        ((), "unknown"),  # no problem list: absence proves nothing
    ],
)
def test_a_title_synonym_is_met_by_the_code_or_its_name(resources, result) -> None:
    criterion = compile_criterion("History of herpes zoster", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((condition("POAG", (ICD, "H40.1131", "Primary open-angle glaucoma, bilateral")),), "met"),
        ((condition("PXG", (ICD, "H40.1421", "Capsular glaucoma, left eye")),), "not-met"),
        ((condition("OAG", (ICD, "H40.10X0", "Unspecified open-angle glaucoma")),), "unknown"),
        ((), "unknown"),
    ],
)
def test_an_abbreviation_is_met_by_its_code_only(resources, result) -> None:
    criterion = compile_criterion("diagnosed POAG")
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result
