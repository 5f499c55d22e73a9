"""'Depressive episode' as criteria write it: any episode, of a single-episode (F32) or a
recurrent (F33) major depressive disorder. ICD-10-CM titles F32 alone "Depressive episode", so the
title read as the name failed every patient whose depression is coded recurrent."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of

RECURRENT = condition(
    "MDD, recurrent, moderate", (ICD, "F33.1", "Major depressive disorder, recurrent, moderate")
)
SINGLE = condition(
    "Depression", (ICD, "F32.1", "Major depressive disorder, single episode, moderate")
)
PMDD = condition("PMDD", (ICD, "F32.81", "Premenstrual dysphoric disorder"))
ANXIETY = condition("GAD", (ICD, "F41.1", "Generalized anxiety disorder"))


@pytest.mark.parametrize(
    "text", ["Depressive episode", "Major depressive episode", "History of depressive episode"]
)
def test_a_recurrent_disorder_has_depressive_episodes(text: str) -> None:
    inclusion = compile_text(text, partial=True)
    assert inclusion is not None
    assert result_of(inclusion, record(patient(), RECURRENT)) == "met"
    assert result_of(inclusion, record(patient(), SINGLE)) == "met"


def test_premenstrual_dysphoric_disorder_is_no_depressive_episode() -> None:
    # F32.81 sits under F32 "Depressive episode" but is not an episode of depression.
    exclusion = compile_text("Depressive episode", exclusion=True, partial=True)
    assert exclusion is not None
    assert result_of(exclusion, record(patient(), PMDD)) == "not-met"
    assert result_of(exclusion, record(patient(), ANXIETY)) == "not-met"
