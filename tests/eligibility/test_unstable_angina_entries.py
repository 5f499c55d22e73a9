"""Unstable angina is an episode of an acute coronary syndrome, which a problem list leaves
"active" long after the admission it was coded for ("Unstable angina" of 2019, stable since its
stent). As a bare exclusion, "unstable angina" means the patient's angina is unstable now (in
its lists beside "recent MI" and "uncontrolled hypertension"); the open entry of 2019 met it and
ruled the patient out (session 14 second exclusion audit: NCT03927989 exc-4, NCT03864276 exc-2;
the same bare name in NCT03863158 exc-5, NCT03867266 exc-10, NCT03868917 exc-8, NCT03928860
exc-2). As for the other acute episodes, an open entry older than 90 days does not say the
episode goes on (`unknown`); a fresh one is one now; "history of" and a window keep their
readings."""

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


def _angina(onset: str, **more: str) -> dict:
    return condition("Unstable angina", (ICD, "I20.0", "Unstable angina"), onset=onset, **more)


OLD = _angina("2019-04-02")
NEW = _angina("2026-11-20")
RESOLVED = _angina("2019-04-02", status="resolved", abated="2019-05-01")


@pytest.mark.parametrize(
    ("bullet", "entry", "expected"),
    [
        # an entry of 2019 left open: whether the angina is unstable now is not recorded
        ("unstable angina pectoris", OLD, "unknown"),
        ("2. unstable angina", OLD, "unknown"),
        ("patients with unstable angina", OLD, "unknown"),
        # a fresh one is one now
        ("Unstable angina", NEW, "met"),
        # over, and said so: not one now, but a bare name may mean a past one too
        ("Unstable angina", RESOLVED, "unknown"),
        # "history of" asks about the past: the 2019 episode is one
        ("History of unstable angina", OLD, "met"),
        # a window asks when the episode began
        ("Unstable angina or myocardial infarction in the previous month", OLD, "not-met"),
        ("Unstable angina or myocardial infarction in the previous month", NEW, "met"),
    ],
)
def test_an_unstable_angina_entry_is_read_by_its_date(
    bullet: str, entry: dict, expected: str
) -> None:
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry), excluding=True) == expected


def test_an_unstable_angina_of_2019_does_not_rule_the_patient_out() -> None:
    text = criteria_text(["55 years or older"], ["unstable angina pectoris", "serious arrhythmias"])
    assert verdict_of_study(text, record(patient(), OLD)) != "ineligible"
