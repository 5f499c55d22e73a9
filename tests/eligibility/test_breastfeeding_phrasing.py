"""Issue 13: breastfeeding said in more ways. "Women must not be breastfeeding", "Pregnancy (as
stated by patient) or breast feeding", "those in lactation period", "nursing (lactating) women";
other states beside pregnancy and breastfeeding in an exclusion list ("<6 months post-partum",
"parturient", "gestational DM") are residue items, never parts; "nursing home" is never
breastfeeding."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import LOINC, observation, patient, record, result_of
from tests.eligibility.signature import signature

BOTH = "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding)"
BOTH_AND_TEXT = "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, text)"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Women must not be breastfeeding", False, "NOT breastfeeding:breastfeeding"),
        ("Pregnancy (as stated by patient) or breast feeding", True, BOTH),
        ("Pregnant women or those in lactation period", True, BOTH),
        ("Pregnant or nursing (lactating) women", True, BOTH),
        ("currently pregnant or nursing a child", True, BOTH),
        # Other states are residue items beside the sufficient parts.
        ("Pregnancy, lactation, gestational DM;", True, BOTH_AND_TEXT),
        (
            "Currently pregnant, <6 months post-partum, nursing, or planning to become pregnant "
            "within the next 12 months.",
            True,
            BOTH_AND_TEXT,
        ),
        ("Pregnant, parturient or breastfeeding woman", True, BOTH_AND_TEXT),
        ("Pregnant patient, parturient, or breastfeeding.", True, BOTH_AND_TEXT),
        # A post-partum state that narrows: the narrowing clause is a text member (its scope, both
        # items or the last, is not said), so a pregnant patient is unknown, never excluded by it.
        (
            "Pregnancy or <6 weeks post-partum with complications",
            True,
            "all-of(any-of(pregnancy:pregnancy, procedure:childbirth:w-42,0,enrollment), text)",
        ),
        # A diagnosis of a pregnancy is read (rules.obstetric), the window with both items.
        (
            "Pregnancy or gestational diabetes within 5 years",
            True,
            "any-of(pregnancy:pregnancy:w-1826,0,enrollment, "
            "condition:gestational-diabetes:w-1826,0,enrollment)",
        ),
        ("Gestational diabetes", True, "condition:gestational-diabetes"),
        # "Nursing" of a home, a facility or staff is never breastfeeding.
        ("Nursing home resident", True, None),
        ("Nursing home residents", False, None),
        (
            "Resides in a nursing home or dementia special care unit, or cannot control diet",
            True,
            None,
        ),
        ("Life expectancy < 3 months or in hospice care or nursing home", True, None),
        (
            "Planned discharge home to hospice or to long term care facility/skilled nursing "
            "facility;",
            True,
            None,
        ),
    ],
)
def test_breastfeeding_phrasing(text, exclusion, expected) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


def test_nursing_staff_is_not_breastfeeding() -> None:
    assert compile_text("nursing staff", exclusion=True) is None
    assert signature(compile_text("nursing", exclusion=True)) == "breastfeeding:breastfeeding"


STATUS = (LOINC, "63895-7", "Breastfeeding status")


def _result(text: str, *resources: dict) -> str:
    criterion = compile_text(text)
    assert criterion is not None
    study = Criterion(Kind.COMBINATION, children=(criterion,), combination="all-of")
    return result_of(study, record(patient(), *resources))


def test_women_must_not_be_breastfeeding_is_decided_by_the_status() -> None:
    text = "Women must not be breastfeeding"
    nursing = observation(STATUS, "2026-11-20", valueString="Currently breastfeeding")
    weaned = observation(STATUS, "2026-11-20", valueString="Not breastfeeding")
    assert _result(text, nursing) == "not-met"
    assert _result(text, weaned) == "met"
    assert _result(text) == "unknown"
