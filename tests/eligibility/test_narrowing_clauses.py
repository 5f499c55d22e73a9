"""An exclusion whose known criterion is followed by a clause that narrows it ("… requiring major
surgical intervention", "… that would interfere with participation") reads as
all-of(criterion, TEXT): it excludes nobody by itself, and clears the patients without the
criterion."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import read_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

COGNITIVE = "condition:icd10cm:F01+F02+F03+G30+G31.84+F06.7"


def _exclusion(text: str) -> str | None:
    return signature(read_text(text, exclusion=True, partial=True).criterion)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Neurological disease that would affect vascular response",
            "all-of(condition:neurological-disease, text)",
        ),
        (
            "Cognitive impairment that would interfere with participation in the study",
            f"all-of({COGNITIVE}, text)",
        ),
        ("Neuromuscular disorders affecting gait", "all-of(condition:neuromuscular-disease, text)"),
        (
            "Uncontrolled neuromuscular or cardiovascular disease that prevents participation in "
            "an exercise study",
            "all-of(any-of(condition:neuromuscular-disease, condition:cardiovascular-disease), "
            "text)",
        ),
        # A required operation ending the bullet: a need, none done, which narrows the head.
        (
            "Presence of a congenital abnormality requiring major surgical intervention.",
            "all-of(condition:congenital-malformation, text)",
        ),
        (
            "Cancer that will require multiorgan resection",
            "all-of(condition:malignant-neoplasm, text)",
        ),
        ("Scoliosis requiring surgical correction", "all-of(condition:icd10cm:M41, text)"),
        # Narrowing words before the name and a clause after it.
        (
            "Severe psychiatric illness that would preclude study participation",
            "all-of(condition:serious-mental-illness, text)",
        ),
    ],
)
def test_a_known_criterion_narrowed_by_a_clause(text: str, expected: str) -> None:
    assert _exclusion(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # The clause is the second item of the list.
        "Smokers or those subjects with high alcohol consumption (> 2 servings/day)",
        "Participants with bilateral breast cancer, and those who have already had a biopsy",
        # The clause names a criterion of its own, maybe an alternative.
        "Coagulopathy with INR > 1.5 not correctable or thrombocytopenia < 50000/mm3",
        "Pregnant patient with PPROM (before 34 weeks).",
        # A definition or examples may name what the head's codes do not cover.
        "Flank pain, that is pain originating from tissues lateral to the paraspinal muscles.",
        "Active sleep disorder which includes obstructive sleep apnea",
        # A cause or a companion condition.
        "Concomitant aortic stenosis which is associated with an acquired von Willebrand syndrome",
        # A bound in the clause that no finder read.
        "Hypoxemia (oxygen saturation < 92% with FiO2 of >= 0.3",
        "cancer with prognosis less than one year.",
        # A requirement of treatment is other rules' ("Hypertension requiring treatment"); an
        # operation required before a window or another item may say more than a narrowing.
        "Congenital heart disease requiring surgery within 6 months",
        "Hernia requiring surgery, or hypertension",
        # Past: an operation done, a criterion of its own.
        "Congenital heart disease that required surgery",
        # An allowance; a head over two sentences.
        "Previous solid organ transplant (prior treatment with SCT is allowed but not if GVHD)",
        "Known brain metastases from breast cancer. Patients with stable disease are assessed.",
    ],
)
def test_a_clause_that_may_do_more_than_narrow_leaves_the_bullet_text(text: str) -> None:
    assert _exclusion(text) is None


def test_women_with_a_diagnosis_is_read_by_the_sex_and_diagnosis_finders_not_as_a_clause() -> None:
    # Who only: "Women with X" says nothing of women without X — never all-of(female, TEXT);
    # the sex and the diagnosis both read, it is all-of(female, X) (`rules.demographics`).
    assert (
        _exclusion("Women with Cushing's syndrome") == "all-of(sex:female, condition:icd10cm:E24)"
    )


def test_an_inclusion_is_not_read_through_its_clause() -> None:
    # In an inclusion, a name covering fewer codes than the text means would fail the patient.
    text = "Cognitive impairment that would interfere with participation in the study"
    assert signature(read_text(text, partial=True).criterion) is None


DEMENTIA = condition(
    "Alzheimer's disease", (ICD, "G30.9", "Alzheimer's disease, unspecified"), onset="2024-03-01"
)
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))


def test_the_clause_reading_clears_patients_without_the_condition_and_excludes_nobody() -> None:
    text = criteria_text(
        ["Age 18 or older"],
        ["Cognitive impairment that would interfere with participation in the study"],
    )
    assert verdict_of_study(text, record(patient(), ASTHMA)) == "eligible"
    assert verdict_of_study(text, record(patient(), DEMENTIA)) == "potential-candidate"


CONGENITAL = condition(
    "Congenital malformation of heart",
    (ICD, "Q24.9", "Congenital malformation of heart, unspecified"),
)


def test_a_required_operation_clears_patients_without_the_condition_and_excludes_nobody() -> None:
    text = criteria_text(
        ["Age 18 or older"],
        ["Presence of a congenital abnormality requiring major surgical intervention."],
    )
    assert verdict_of_study(text, record(patient(), ASTHMA)) == "eligible"
    assert verdict_of_study(text, record(patient(), CONGENITAL)) == "potential-candidate"
