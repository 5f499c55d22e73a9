"""Unsafe inclusion readings a blind audit of 200 random compiled development inclusion leaves
found (seed 1701; sixteenth session audit). Each expectation is written from the clinical text.

1. "At least 6 months post-stroke" (NCT03929432 inc-3): a patient whose stroke was years ago is
   often listed by what remains of it — hemiplegia following cerebral infarction (I69.351) or a
   personal history of cerebral infarction (Z86.73) — noted on a recent visit. The entry's date
   is when it was noted; the stroke came before it, so it may well be 6 months old or more:
   such an entry cannot fail the inclusion (unknown), whichever window closes before today.
2. "inflammatory bowel disease" (NCT03860012 inc-1): ICD-10-CM files IBD unclassified under
   K52.3 Indeterminate colitis (inclusion term "Colonic inflammatory bowel disease unclassified
   (IBDU)"); it is an inflammatory bowel disease.
3. "With diagnosis of rotator cuff tear" (NCT03792594 inc-1): a traumatic tear is coded under
   S46.01- strain of the rotator cuff (M75.1 is only the tear "not specified as traumatic"); a
   strain need not be a tear, so such an entry may be one (unknown), never not-met.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import patient_keys
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of

HYPERTENSION = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))


def _dx(code: str, title: str, **kw: str) -> dict:
    return condition(title, (ICD, code, title), **kw)


HEMIPLEGIA = (
    "I69.351",
    "Hemiplegia and hemiparesis following cerebral infarction affecting right dominant side",
)
HISTORY = (
    "Z86.73",
    "Personal history of transient ischemic attack (TIA), and cerebral infarction"
    " without residual deficits",
)


@pytest.mark.parametrize(("code", "title"), [HEMIPLEGIA, HISTORY])
@pytest.mark.parametrize(
    "bullet", ["At least 6 months post-stroke", "greater than 6 months post-stroke"]
)
def test_a_lasting_stroke_code_noted_recently_does_not_fail_a_stroke_long_ago(
    bullet: str, code: str, title: str
) -> None:
    criterion = compile_text(bullet, partial=True)
    assert criterion is not None and criterion.window is not None
    person = record(patient(), _dx(code, title, onset="2026-10-01"), HYPERTENSION)
    assert result_of(criterion, person) == "unknown"


def test_a_lasting_code_noted_before_a_recent_window_still_rules_the_event_out() -> None:
    criterion = compile_text("Stroke within the past 3 months", partial=True)
    assert criterion is not None
    person = record(patient(), _dx(*HEMIPLEGIA, onset="2024-02-01"), HYPERTENSION)
    assert result_of(criterion, person) == "not-met"


def test_a_stroke_episode_long_ago_meets_and_a_recent_one_fails() -> None:
    criterion = compile_text("At least 6 months post-stroke", partial=True)
    assert criterion is not None
    old = record(patient(), _dx("I63.9", "Cerebral infarction, unspecified", onset="2025-03-01"))
    new = record(patient(), _dx("I63.9", "Cerebral infarction, unspecified", onset="2026-11-01"))
    assert result_of(criterion, old) == "met"
    assert result_of(criterion, new) == "not-met"


def test_indeterminate_colitis_is_an_inflammatory_bowel_disease() -> None:
    criterion = compile_text("inflammatory bowel disease", partial=True)
    assert criterion is not None
    person = record(patient(), _dx("K52.3", "Indeterminate colitis"), HYPERTENSION)
    assert result_of(criterion, person) == "met"


def test_a_traumatic_rotator_cuff_strain_may_be_the_tear() -> None:
    criterion = compile_text("With diagnosis of rotator cuff tear", partial=True)
    assert criterion is not None
    strain = _dx(
        "S46.011A",
        "Strain of muscle(s) and tendon(s) of the rotator cuff of right shoulder,"
        " initial encounter",
    )
    assert result_of(criterion, record(patient(), strain, HYPERTENSION)) == "unknown"
    tear = _dx(
        "M75.121",
        "Complete rotator cuff tear or rupture of right shoulder, not specified as traumatic",
    )
    assert result_of(criterion, record(patient(), tear, HYPERTENSION)) == "met"
    assert result_of(criterion, record(patient(), HYPERTENSION)) == "not-met"


def test_the_prefilter_keeps_a_patient_with_the_traumatic_strain() -> None:
    criterion = compile_text("With diagnosis of rotator cuff tear", partial=True)
    assert criterion is not None and criterion.concept is not None
    strain = _dx(
        "S46.012A", "Strain of muscle(s) and tendon(s) of the rotator cuff of left shoulder"
    )
    keys = patient_keys(record(patient(), strain))
    assert keys.diagnoses is not None
    assert criterion.concept in keys.diagnoses
