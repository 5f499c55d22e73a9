"""A pregnancy on the problem list is left "active" for years after the birth (a Z33.1 of 2019,
a gestational diabetes O24 of 2018): read as pregnant now, it met "Pregnancy" — the commonest
exclusion — and ruled the woman out. An entry dated longer ago than a pregnancy (a nursing
period) lasts says nothing of now."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    NEGATIVE_HCG,
    PREGNANT,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)

WOMAN = patient(gender="female", born="1990-01-01")
PREGNANT_2019 = condition(
    "Pregnant", (ICD, "Z33.1", "Pregnant state, incidental"), onset="2019-02-01"
)
GESTATIONAL_DIABETES_2018 = condition(
    "Gestational diabetes",
    (ICD, "O24.419", "Gestational diabetes mellitus in pregnancy, unspecified control"),
    onset="2018-05-01",
)
LACTATING_2019 = condition(
    "Lactating mother",
    (ICD, "Z39.1", "Encounter for care and examination of lactating mother"),
    onset="2019-11-01",
)
PREGNANT_NOW = condition(
    "Pregnant", (ICD, "Z33.1", "Pregnant state, incidental"), onset="2026-09-01"
)


@pytest.mark.parametrize(
    ("bullet", "entry", "expected"),
    [
        ("Pregnancy", PREGNANT_2019, "unknown"),
        ("Pregnancy", GESTATIONAL_DIABETES_2018, "unknown"),
        ("Breastfeeding", LACTATING_2019, "unknown"),
        ("Pregnancy", PREGNANT_NOW, "met"),
    ],
)
def test_an_old_entry_says_nothing_of_now(bullet: str, entry: dict, expected: str) -> None:
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(WOMAN, entry)) == expected


def test_a_recent_negative_test_still_decides() -> None:
    criterion = compile_text("Pregnancy", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(WOMAN, PREGNANT_2019, NEGATIVE_HCG)) == "not-met"


def test_an_undated_current_entry_still_meets() -> None:
    criterion = compile_text("Pregnancy", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(WOMAN, PREGNANT)) == "met"


def test_a_mother_of_a_2019_child_is_not_ruled_out() -> None:
    text = criteria_text(["Age 18 or older"], ["Pregnant or lactating women"])
    person = record(WOMAN, PREGNANT_2019, LACTATING_2019)
    assert verdict_of_study(text, person) != "ineligible"
