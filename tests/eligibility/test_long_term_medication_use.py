"""A use said to be chronic / long-term is not any current use.

"Chronic use of steroids" does not exclude a patient who started prednisone ten days ago: the
record cannot tell the short course from a chronic one (unknown), while a use current for months
is one (met), and no current use is none (not-met).
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)


@pytest.mark.parametrize(
    "text",
    [
        "chronic use of steroids",
        "Long term steroid treatment",
        "Chronic opioid use",
        "Patient on long-term opioid treatment",
    ],
)
def test_long_term_words_qualify_the_use(text: str) -> None:
    criterion = compile_text(text)
    assert criterion is not None
    assert "long-term" in criterion.qualifiers


def test_a_plain_current_use_has_no_long_term_qualifier() -> None:
    criterion = compile_text("Current use of systemic corticosteroids")
    assert criterion is not None
    assert "long-term" not in criterion.qualifiers


def _prednisone(start: str) -> dict:
    return medication("predniSONE 20 mg tablet", start, None, status="active")


def test_a_short_current_course_is_unknown() -> None:
    criterion = compile_text("chronic use of steroids")
    assert criterion is not None
    assert result_of(criterion, record(patient(), _prednisone("2026-11-21"))) == "unknown"


def test_a_use_current_for_months_is_met() -> None:
    criterion = compile_text("chronic use of steroids")
    assert criterion is not None
    use = medication("predniSONE 5 mg tablet", "2026-06-01", "2027-06-01", status="active")
    assert result_of(criterion, record(patient(), use)) == "met"


def test_a_past_use_is_not_met() -> None:
    criterion = compile_text("chronic use of steroids")
    assert criterion is not None
    old = medication("predniSONE 20 mg tablet", "2023-01-01", "2023-01-10")
    assert result_of(criterion, record(patient(), old)) == "not-met"


def test_a_week_of_prednisone_does_not_make_the_patient_ineligible() -> None:
    text = criteria_text(["Age ≥ 18 years"], ["Autoimmune disease or chronic use of steroids;"])
    assert verdict_of_study(text, record(patient(), _prednisone("2026-11-21"))) == (
        "potential-candidate"
    )
