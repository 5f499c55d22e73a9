"""Exclusion bullets that name items and then the class around them: "A or other B".

What a user notices: "Asthma or other respiratory diseases" excludes a patient with asthma on
record (text-only before), while a patient without asthma stays "unknown" — the other
respiratory diseases are text, so the bullet is never cleared. What must never happen: the
"other" item hides a restriction that reaches the named items, an exception is read as the
class, or an inclusion bullet makes its named item necessary when the text makes it optional
(there it is sufficient: the same any-of, `rules.partial.listed_requirements`).
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, medication, patient, record, result_of
from tools.partial_compile_report import describe

# ---------------------------------------------------------------- compiled forms

EXCLUSION_BULLETS = [
    # (bullet, form) — the named items each exclude, the class is the text member
    ("Asthma or other respiratory diseases", "any-of(condition:asthma, TEXT)"),
    ("Depression or other psychiatric disorders;", "any-of(condition:depression, TEXT)"),
    ("Epilepsy or other convulsions", "any-of(condition:epilepsy, TEXT)"),
    (
        "Known coronary heart disease or other major atherosclerotic cardiovascular disease",
        "any-of(condition:coronary-artery-disease, TEXT)",
    ),
    (
        "Are currently taking beta blockers or other chronotropic heart medication(s)",
        "any-of(medication:beta-blocker, TEXT)",
    ),
    (
        "current psychosis or other relevant psychiatric condition;",
        # psychotic now: a recorded disorder leaves it for review (`rules.mental_states`)
        "any-of(condition:psychotic-disorder[active,symptomatic], TEXT)",
    ),
    ("Depression and other psychiatric disorders", "any-of(condition:depression, TEXT)"),
    # a qualifier opening the bullet stays on every named item
    (
        "History of Severe Traumatic Brain Injury, Seizure Disorder, or other Neurological Illness",
        "any-of(condition:traumatic-brain-injury[severe], condition:epilepsy[severe], TEXT)",
    ),
    (
        "Severe asthma, COPD or other lung disease",
        "any-of(condition:asthma[severe], condition:copd[severe], TEXT)",
    ),
    (
        "Uncontrolled hypertension or other cardiovascular disease",
        "any-of(condition:hypertension[uncontrolled], TEXT)",
    ),
]


@pytest.mark.parametrize(("text", "form"), EXCLUSION_BULLETS)
def test_named_items_exclude_and_the_other_class_stays_text(text: str, form: str):
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None, text
    assert describe(criterion) == form


# ---------------------------------------------------------------- refusals

REFUSED = [
    # (why, text)
    (
        "a restriction after the class may reach the named item",
        "Asthma or other lung disease that requires oxygen",
    ),
    (
        "a window after the class may reach the named item",
        "Asthma or other lung disease within 6 months",
    ),
    ("an exception is no class", "Asthma or other lung disease except COPD"),
    ("'other than' is no class", "Diabetes or lung disease other than asthma"),
    ("the class first: nothing is named", "Other lung disease or asthma"),
    (
        "a judgement",
        "Asthma or other lung disease that, in the opinion of the investigator, would interfere",
    ),
    ("a negation in the class", "Asthma or other lung disease not treated"),
]


@pytest.mark.parametrize(("why", "text"), REFUSED, ids=[r[0] for r in REFUSED])
def test_an_other_class_that_can_reach_the_named_items_leaves_the_bullet_text(why: str, text: str):
    assert compile_text(text, exclusion=True, partial=True) is None, why


@pytest.mark.parametrize(("text", "form"), EXCLUSION_BULLETS[:4])
def test_in_an_inclusion_bullet_the_named_item_is_sufficient_never_necessary(text: str, form: str):
    """ "Asthma or other respiratory diseases" as an inclusion is met by asthma and at best
    unknown otherwise: any-of(asthma, TEXT), never all-of(asthma, TEXT) (optional, not
    necessary)."""
    criterion = compile_text(text, exclusion=False, partial=True)
    assert criterion is not None, text
    assert describe(criterion) == form


# ---------------------------------------------------------------- evaluation

_ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
_COPD = condition(
    "Chronic obstructive pulmonary disease",
    (ICD, "J44.9", "Chronic obstructive pulmonary disease, unspecified"),
)


def _result(text: str, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


def test_the_named_item_on_record_excludes():
    assert _result("Asthma or other respiratory diseases", _ASTHMA) == "met"


def test_another_disease_of_the_class_leaves_the_bullet_unknown_never_cleared():
    assert _result("Asthma or other respiratory diseases", _COPD) == "unknown"
    assert _result("Asthma or other respiratory diseases") == "unknown"


def test_a_named_drug_in_current_use_excludes():
    text = "Are currently taking beta blockers or other chronotropic heart medication(s)"
    metoprolol = medication("metoprolol succinate 50 mg tablet", "2026-06-01", status="active")
    assert _result(text, metoprolol) == "met"
    assert _result(text) == "unknown"


def test_a_judgement_kept_on_the_named_item_is_not_decided_by_the_diagnosis_alone():
    assert _result("Severe asthma, COPD or other lung disease", _ASTHMA) == "unknown"


def test_a_class_before_the_last_item_may_run_on_over_it_so_the_bullet_stays_text():
    """ "Steroids, other immunomodulatory or immunosuppressive drugs": the last item may be
    part of the other class, not an item of its own."""
    assert compile_text("Asthma, other lung disease or COPD", exclusion=True, partial=True) is None
