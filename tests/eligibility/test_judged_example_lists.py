"""Exclusion bullets whose examples are instances of a judged class (`rules.example_lists`).

What a user notices: the NCI template "Uncontrolled intercurrent illness including, but not
limited to, ongoing or active infection, symptomatic congestive heart failure, unstable angina
pectoris, cardiac arrhythmia, or psychiatric illness/social situations that would limit
compliance with study requirements" now names the diagnoses it gives as examples (text-only
before), each keeping the class's judgement — so a patient with controlled atrial fibrillation
or stable angina on record is never excluded by it (unknown at most: the judgement is not on
record). Examples the rules do not read ("ongoing or active infection") and the closing
judgement item are left to the TEXT member; that is allowed only under a judged class and when
most examples are understood, and a diagnosis read without the judgement takes it.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of
from tools.partial_compile_report import describe

NCI_TEMPLATE = (
    "Uncontrolled intercurrent illness including, but not limited to, ongoing or active "
    "infection, symptomatic congestive heart failure, unstable angina pectoris, cardiac "
    "arrhythmia, or psychiatric illness/social situations that would limit compliance with "
    "study requirements"
)

FORMS = [
    (
        NCI_TEMPLATE,
        "any-of(condition:heart-failure[uncontrolled,symptomatic], "
        "condition:unstable-angina[uncontrolled], condition:arrhythmia[uncontrolled], TEXT)",
    ),
    (
        # development text: the judgement of the class on every example, ADHD (a title, which
        # takes a judgement since `rules.diagnosis_leads`) too
        "Significant psychiatric disorders such as schizophrenia, bipolar disorder, anxiety "
        "disorder, major depressive disorder, or attention-deficit hyperactivity disorder;",
        "any-of(condition:schizophrenia[clinically-significant], "
        "condition:bipolar-disorder[clinically-significant], "
        "condition:anxiety-disorder[clinically-significant], "
        "condition:major-depressive-disorder[clinically-significant], "
        "condition:icd10cm:F90[clinically-significant], TEXT)",
    ),
    (
        # "infection" (not read alone) left to TEXT; both judgements kept: never wider
        "Severe/uncontrolled systemic diseases, including uncontrolled hypertension, bleeding "
        "diatheses or infection.",
        "any-of(condition:hypertension[severe,uncontrolled], "
        "condition:bleeding-disorder[severe,uncontrolled], TEXT)",
    ),
    (
        # "MI" is read since the clinical-shorthand change: two of three examples understood
        "Clinically significant cardiovascular disease, e.g. MI within 6 months, unstable angina, "
        "NYHA III/IV heart failure",
        "any-of(condition:myocardial-infarction[clinically-significant], "
        "condition:unstable-angina[clinically-significant], TEXT)",
    ),
    (
        # a definition read in full still decides the class
        "Severe cognitive impairment, i.e. dementia",
        "condition:dementia[severe]",
    ),
]

STAYS_TEXT: list[str] = [
    # no judgement on the class: an example not read is a leaf the form would lack
    "Comorbidities such as congenital heart disease, cardiac re-operation or lapp lactase "
    "deficiency",
    # most examples not read
    "Clinically significant cardiovascular disease, e.g. Takotsubo syndrome, cardiac "
    "sarcoid, NYHA III/IV heart failure",
    # the closing "that would limit …" item under a class with no judgement could reach the rest
    "Illness including heart failure, angina pectoris, or psychiatric illness that would limit "
    "compliance with study requirements",
    # an allowance after the closing judgement item is still read (and refuses)
    NCI_TEMPLATE + ", unless approved by the sponsor",
]


def _form(text: str) -> str | None:
    criterion = compile_text(text, exclusion=True, partial=True)
    return describe(criterion) if criterion is not None else None


@pytest.mark.parametrize(("text", "form"), FORMS)
def test_each_example_keeps_the_judgement_of_the_class(text: str, form: str):
    assert _form(text) == form


@pytest.mark.parametrize("text", STAYS_TEXT)
def test_without_a_judgement_or_most_examples_read_the_bullet_stays_text(text: str):
    assert _form(text) is None


_CONTROLLED_AF = condition(
    "Atrial fibrillation, rate controlled on metoprolol",
    (ICD, "I48.91", "Unspecified atrial fibrillation"),
)
_ANGINA = condition("Unstable angina", (ICD, "I20.0", "Unstable angina"))
_HYPERTENSION = condition(
    "Essential hypertension", (ICD, "I10", "Essential (primary) hypertension")
)


def _result(text: str, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


def test_controlled_atrial_fibrillation_does_not_meet_the_nci_template():
    assert _result(NCI_TEMPLATE, _CONTROLLED_AF) == "unknown"


def test_a_listed_diagnosis_on_record_is_unknown_never_met_under_the_judgement():
    assert _result(NCI_TEMPLATE, _ANGINA) == "unknown"
    assert _result(NCI_TEMPLATE, _ANGINA, _CONTROLLED_AF) == "unknown"


def test_nothing_on_record_is_unknown_never_cleared():
    assert _result(NCI_TEMPLATE) == "unknown"
    assert _result(NCI_TEMPLATE, _HYPERTENSION) == "unknown"
