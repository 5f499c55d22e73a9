"""Smokers named with an amount (`rules.smoking_amounts`): the status the amount needs is a
necessary part, the amount stays TEXT. A never smoker is decided, a smoker is not."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import LOINC, SNOMED, observation, patient, record, result_of
from tests.eligibility.signature import signature

CURRENT = "all-of(smoking:current-smoker, text)"
EVER = "all-of(smoking:ever-smoker, text)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Smokers of more than 10 cigarettes a day.", CURRENT),
        ("Smoker > 5 cigarettes per day", CURRENT),
        ("Smokers (>20 cigarettes per week)", CURRENT),
        ("Participants who smoke at least 10 cigarettes per day", CURRENT),
        ("Heavy smokers", CURRENT),
        ("Daily smokers", CURRENT),
        ("A smoking history of >10 pack years", EVER),
        ("30 pack year history of smoking", EVER),
        ("smoked at least 30 pack-years in lifetime", EVER),
    ],
)
@pytest.mark.parametrize("exclusion", [False, True])
def test_a_lower_bound_on_smoking_needs_the_status(
    text: str, expected: str, exclusion: bool
) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # An upper bound: a non-smoker smokes fewer than 6 cigarettes too.
        "Smoke <6 cigarettes per day",
        "No smokers or smokers of less than 10 cigarettes a day.",
        "Current non-smokers with <15 pack year history.",
        # Another product, an alternative, a former smoker, more words.
        "Smokers (Less than 20 cigars/day)",
        "Current smokers or subjects with smoking history ≥10 pack-yrs.",
        "Non-smoker or have quit smoking for at least five years ago.",
        "Smokers of at least 10 cigarettes per day who want to quit",
        "Former heavy smokers",
    ],
)
def test_other_amount_bullets_stay_text(text: str) -> None:
    assert compile_text(text, exclusion=True, partial=True) is None
    assert compile_text(text, exclusion=False, partial=True) is None


def _status(code: str, display: str) -> dict:
    return observation(
        (LOINC, "72166-2", "Tobacco smoking status"),
        "2026-10-01",
        valueCodeableConcept={"coding": [{"system": SNOMED, "code": code, "display": display}]},
    )


NEVER = _status("266919005", "Never smoker")
FORMER = _status("8517006", "Former smoker")
EVERY_DAY = _status("449868002", "Current every day smoker")


def _result(text: str, status: dict | None, *, exclusion: bool) -> str:
    read = compile_text(text, exclusion=exclusion, partial=True)
    assert read is not None
    study = Criterion(Kind.COMBINATION, children=(read,), combination="all-of")
    return result_of(study, record(patient(), *([status] if status else [])))


def test_a_never_smoker_is_not_excluded_and_a_smoker_is_left_to_review() -> None:
    exclusion = "Smokers of more than 10 cigarettes a day."
    assert _result(exclusion, NEVER, exclusion=True) == "not-met"
    assert _result(exclusion, FORMER, exclusion=True) == "not-met"
    # How many a current smoker smokes no record says.
    assert _result(exclusion, EVERY_DAY, exclusion=True) == "unknown"
    assert _result(exclusion, None, exclusion=True) == "unknown"


def test_pack_years_need_a_smoker_at_some_time() -> None:
    inclusion = "A smoking history of >10 pack years"
    assert _result(inclusion, NEVER, exclusion=False) == "not-met"
    assert _result(inclusion, FORMER, exclusion=False) == "unknown"
    assert _result(inclusion, EVERY_DAY, exclusion=False) == "unknown"
