"""An acute viral hepatitis entry left open is no evidence of hepatitis now (session 14).

Most adults clear an acute hepatitis B, and problem lists keep its entry (B16.9) "active" for
years: "Known hepatitis B" (NCT03865420 exc-2), "Has infection with hepatitis B, hepatitis C or
HIV" (NCT03862807 exc-6), "Chronic hepatitis B" turned away a patient whose acute hepatitis B
of 2012 was never closed. Such an entry older than the acute days leaves the exclusion
unknown; a recent one, a chronic code (B18.1) and a carrier's delta infection (B17.0) still
exclude, and "History of hepatitis B" still counts the old entry.

Expected verdicts were written from the clinical text before running the code.
"""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)

ACUTE_B = (ICD, "B16.9", "Acute hepatitis B without delta-agent and without hepatic coma")
ACUTE_C = (ICD, "B17.10", "Acute hepatitis C without hepatic coma")
CHRONIC_B = (ICD, "B18.1", "Chronic viral hepatitis B without delta-agent")
DELTA_ON_CARRIER = (ICD, "B17.0", "Acute delta-(super) infection of hepatitis B carrier")


def _verdict(exclusion: str, coding: tuple[str, str, str], onset: str) -> str:
    text = criteria_text(["Age 18 years or older"], [exclusion])
    entry = condition("Hepatitis", coding, onset=onset)
    return verdict_of_study(text, record(patient(), entry))


@pytest.mark.parametrize(
    "exclusion",
    [
        "Known hepatitis B",
        "Chronic hepatitis B",
        "Active hepatitis B infection",
        "Has infection with hepatitis B, hepatitis C or human immunodeficiency virus (HIV)",
    ],
)
def test_an_old_open_acute_hepatitis_b_entry_does_not_exclude(exclusion: str) -> None:
    assert _verdict(exclusion, ACUTE_B, "2012-03-01") == "potential-candidate"


def test_an_old_open_acute_hepatitis_c_entry_does_not_exclude() -> None:
    assert _verdict("Known hepatitis C", ACUTE_C, "2015-06-10") == "potential-candidate"


@pytest.mark.parametrize(
    ("coding", "onset"),
    [(ACUTE_B, "2026-11-01"), (CHRONIC_B, "2012-03-01"), (DELTA_ON_CARRIER, "2012-03-01")],
)
def test_recent_chronic_and_carrier_entries_still_exclude(
    coding: tuple[str, str, str], onset: str
) -> None:
    assert _verdict("Known hepatitis B", coding, onset) == "ineligible"


def test_a_history_criterion_still_counts_the_old_entry() -> None:
    assert _verdict("History of hepatitis B", ACUTE_B, "2012-03-01") == "ineligible"
