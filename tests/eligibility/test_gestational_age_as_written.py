"""Gestational age as obstetric flowsheets write it: "38w 5d", "38 weeks 5 days", "38+5".

Epic and Cerner keep the gestational age of a visit as text, not as a quantity. Unread, the
newest reading was an older one (a Z3A code of last month) or none: a woman at 38 weeks 5 days
was `unknown` for "Term pregnancy (>= 37 weeks)" and one whose last text reading was newer than
a coded one was judged on the older.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, observation, patient, record, result_of

_PREGNANT = condition(
    "Supervision of normal pregnancy, third trimester",
    (ICD, "Z34.83", "Encounter for supervision of other normal pregnancy, third trimester"),
    onset="2026-03-10",
)
_TERM = "Term pregnancy(equal or more than 37 wks)"


@pytest.mark.parametrize("text", ["38w 5d", "38 weeks 5 days", "38+5", "38 wk 5 d", "38w5d"])
def test_a_written_gestational_age_is_read(text: str) -> None:
    criterion = compile_text(_TERM)
    assert criterion is not None
    ga = observation("Gestational Age", "2026-11-30", valueString=text)
    assert result_of(criterion, record(patient(born="1996-01-01"), _PREGNANT, ga)) == "met"


def test_the_newest_written_reading_decides_over_an_older_code() -> None:
    criterion = compile_text(_TERM)
    assert criterion is not None
    coded = condition(
        "37 weeks gestation", (ICD, "Z3A.37", "37 weeks gestation of pregnancy"), onset="2026-11-01"
    )
    written = observation("Gestational Age", "2026-11-29", valueString="33w 2d")
    found = result_of(criterion, record(patient(born="1996-01-01"), _PREGNANT, coded, written))
    assert found == "not-met"


@pytest.mark.parametrize("text", ["Term", "See OB note", "38"])
def test_text_that_is_no_weeks_and_days_is_not_read(text: str) -> None:
    criterion = compile_text(_TERM)
    assert criterion is not None
    ga = observation("Gestational Age", "2026-11-30", valueString=text)
    assert result_of(criterion, record(patient(born="1996-01-01"), _PREGNANT, ga)) == "unknown"
