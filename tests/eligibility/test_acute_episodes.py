"""Acute episodes a problem list leaves open: an intestinal obstruction, an ileus, a delirium, a
COPD exacerbation. "Bowel obstruction" as an exclusion means one now, and "COPD exacerbation in
the last 3 weeks" one that happened then; an entry of 2019 still "active" met both and ruled the
patient out (session 14 exclusion audit: NCT03868228 exc-5, NCT03797794 exc-3; the same names in
NCT03924518 exc-16, NCT03933371 exc-1, NCT03796650 exc-10, NCT03931148 exc-1, NCT03928405 exc-4,
NCT03928613 exc-1, NCT03793192 inc-4.1). As for infections, an open entry older than 90 days does
not say the episode goes on (`unknown`), and a window asks when the episode began, as for a
myocardial infarction."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)


def _entry(text: str, code: str, display: str, onset: str, **more: str) -> dict:
    return condition(text, (ICD, code, display), onset=onset, **more)


OLD_OBSTRUCTION = _entry(
    "Small bowel obstruction", "K56.609", "Unspecified intestinal obstruction", "2019-03-01"
)
NEW_OBSTRUCTION = _entry(
    "Small bowel obstruction", "K56.609", "Unspecified intestinal obstruction", "2026-11-20"
)
OLD_ILEUS = _entry("Postoperative ileus", "K56.7", "Ileus, unspecified", "2018-06-01")
OLD_DELIRIUM = _entry(
    "Delirium", "F05", "Delirium due to known physiological condition", "2020-01-15"
)
NEW_DELIRIUM = _entry(
    "Delirium", "F05", "Delirium due to known physiological condition", "2026-11-25"
)
OLD_EXACERBATION = _entry(
    "COPD exacerbation",
    "J44.1",
    "Chronic obstructive pulmonary disease with (acute) exacerbation",
    "2019-01-01",
)
NEW_EXACERBATION = _entry(
    "COPD exacerbation",
    "J44.1",
    "Chronic obstructive pulmonary disease with (acute) exacerbation",
    "2026-11-20",
)
RESOLVED_OBSTRUCTION = _entry(
    "Small bowel obstruction",
    "K56.609",
    "Unspecified intestinal obstruction",
    "2019-03-01",
    status="resolved",
    abated="2019-03-10",
)


@pytest.mark.parametrize(
    ("bullet", "entry", "expected"),
    [
        # an episode left open for years: whether it goes on is not recorded
        ("Bowel obstruction", OLD_OBSTRUCTION, "unknown"),
        ("patients with intestinal obstruction.", OLD_OBSTRUCTION, "unknown"),
        ("Ileus, intestinal obstruction, megacolon.", OLD_ILEUS, "unknown"),
        ("Delirium", OLD_DELIRIUM, "unknown"),
        # a fresh one is one now
        ("Bowel obstruction", NEW_OBSTRUCTION, "met"),
        ("Delirium", NEW_DELIRIUM, "met"),
        # over, and said so: not one now
        ("Bowel obstruction", RESOLVED_OBSTRUCTION, "unknown"),
        # a window asks when the exacerbation began
        ("COPD exacerbation in the last 3 weeks", OLD_EXACERBATION, "not-met"),
        ("COPD exacerbation in the last 3 weeks", NEW_EXACERBATION, "met"),
    ],
)
def test_an_open_episode_is_read_by_its_date(bullet: str, entry: dict, expected: str) -> None:
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry), excluding=True) == expected


def test_a_lasting_diagnosis_keeps_its_open_entry() -> None:
    # chronic obstructive pulmonary disease itself is no episode: an open entry of 2019 is it now
    copd = _entry(
        "COPD", "J44.9", "Chronic obstructive pulmonary disease, unspecified", "2019-01-01"
    )
    criterion = compile_text("Chronic obstructive pulmonary disorder (COPD).", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), copd), excluding=True) == "met"


def test_an_obstruction_of_2019_does_not_rule_the_patient_out() -> None:
    text = criteria_text(["Age 18 or older"], ["Bowel obstruction"])
    assert verdict_of_study(text, record(patient(), OLD_OBSTRUCTION)) != "ineligible"
