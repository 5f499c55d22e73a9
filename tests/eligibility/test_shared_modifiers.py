"""A modifier in front of a list of diagnoses reaches the bare items after it.

"A diagnosis of neuromuscular scoliosis and/or kyphosis" most likely means neuromuscular
kyphosis too: the bare "kyphosis" must never be read as any kyphosis (an exclusion that hides
the trial from every patient with postural kyphosis). A judgement the evaluator cannot decide
("clinically significant", "severe") is shared as a qualifier; any other narrowing word
("neuromuscular", "idiopathic", "chronic") as all-of(item, TEXT). A fixed name whose first word
belongs to it ("chronic kidney disease", "Type 2 diabetes") shares nothing.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.model import Criterion
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature

KYPHOSIS = "condition:icd10cm:M40.0+M40.1+M40.2+M96.2+M96.3+Q76.41"


def _qualifiers(criterion: Criterion | None) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    if criterion is None:
        return found
    if criterion.concept:
        found[criterion.concept] = criterion.qualifiers
    for child in criterion.children:
        found |= _qualifiers(child)
    return found


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # A narrowing word with no qualifier of its own: the later item is said in part.
        (
            "A diagnosis of neuromuscular scoliosis and/or kyphosis",
            True,
            f"any-of(condition:icd10cm:M41.4, all-of({KYPHOSIS}, text))",
        ),
        (
            "Have a diagnosis of idiopathic scoliosis and/or kyphosis",
            False,
            f"any-of(condition:icd10cm:M41.0+M41.1+M41.2, all-of({KYPHOSIS}, text))",
        ),
        (
            "History of chronic pancreatitis or cholecystitis",
            True,
            "any-of(condition:icd10cm:K86.0+K86.1, all-of(condition:icd10cm:K81, text))",
        ),
        (
            "Patients with congenital hypothyroidism or hypoparathyroidism",
            True,
            "any-of(condition:icd10cm:E03.0+E03.1, all-of(condition:icd10cm:E20, text))",
        ),
        # A modifier the assembly reads as a match of its own ("metastatic").
        (
            "Patients with metastatic breast cancer or melanoma",
            True,
            "any-of(condition:breast-cancer, all-of(condition:melanoma, text))",
        ),
        # Fixed names whose first word belongs to them: nothing shared.
        (
            "Type 2 diabetes or hypertension",
            True,
            "any-of(condition:diabetes-type-2, condition:hypertension)",
        ),
        (
            "chronic kidney disease or cirrhosis",
            True,
            "any-of(condition:chronic-kidney-disease, condition:liver-cirrhosis)",
        ),
        (
            "congenital heart disease or cardiomyopathy",
            True,
            "any-of(condition:congenital-heart-disease, condition:cardiomyopathy)",
        ),
        # A later item with a modifier of its own; a metastasis is no kind of the cancer.
        (
            "Uncontrolled hypertension or uncontrolled diabetes",
            True,
            "any-of(condition:hypertension, condition:diabetes-mellitus)",
        ),
        (
            "metastatic melanoma or brain metastases",
            True,
            "any-of(condition:melanoma, condition:brain-metastases)",
        ),
        # "Hospitalization for A or B": the lead-in holds for every item already.
        (
            "Hospitalization for unstable angina or acute myocardial infarction within 6 months",
            True,
            "any-of(condition:unstable-angina:w-183,0,enrollment, "
            "condition:myocardial-infarction:w-183,0,enrollment)",
        ),
    ],
)
def test_a_leading_modifier_reaches_the_bare_items(
    text: str, exclusion: bool, expected: str
) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


def test_a_judgement_is_shared_as_a_qualifier_across_finders() -> None:
    # "hypotension" is read by the ICD-10-CM titles, "hypertension" by the condition finder,
    # which shares its qualifiers only among its own readings.
    # Merged with the red-team branch, a title after a qualified diagnosis keeps the list text
    # (`icd_titles.out_of_qualified_lists`): as safe, less decided.
    criterion = compile_criterion(
        "Clinically significant hypertension or hypotension", exclusion=True
    )
    assert criterion is None
    # Already shared by the condition finder: unchanged.
    criterion = compile_criterion("severe asthma or COPD", exclusion=True)
    assert _qualifiers(criterion) == {"asthma": ("severe",), "copd": ("severe",)}


def test_an_unread_later_item_keeps_the_partial_list_reading_text() -> None:
    # Read item by item, "kyphosis" would be any kyphosis: the list stays text.
    assert (
        compile_criterion("neuromuscular scoliosis, kyphosis or lordosis", exclusion=True) is None
    )


POSTURAL_KYPHOSIS = condition(
    "Postural kyphosis", (ICD, "M40.00", "Postural kyphosis, site unspecified")
)
NEUROMUSCULAR_SCOLIOSIS = condition(
    "Neuromuscular scoliosis, thoracolumbar",
    (ICD, "M41.45", "Neuromuscular scoliosis, thoracolumbar region"),
)

ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))


def test_postural_kyphosis_no_longer_meets_the_neuromuscular_exclusion() -> None:
    criterion = compile_criterion(
        "A diagnosis of neuromuscular scoliosis and/or kyphosis", exclusion=True
    )
    assert criterion is not None
    assert result_of(criterion, record(patient(), POSTURAL_KYPHOSIS)) == "unknown"
    assert result_of(criterion, record(patient(), NEUROMUSCULAR_SCOLIOSIS)) == "met"
    assert result_of(criterion, record(patient(), ASTHMA)) == "not-met"


def test_a_study_is_not_hidden_from_a_patient_with_postural_kyphosis() -> None:
    text = criteria_text(
        ["Age 18 years or older"],
        ["A diagnosis of neuromuscular scoliosis and/or kyphosis"],
    )
    person = patient(born="1990-05-01")
    assert verdict_of_study(text, record(person, POSTURAL_KYPHOSIS)) == "potential-candidate"
    assert verdict_of_study(text, record(person, NEUROMUSCULAR_SCOLIOSIS)) == "ineligible"
    assert verdict_of_study(text, record(person, ASTHMA)) == "eligible"
