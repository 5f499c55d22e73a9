"""\"Active tuberculosis\" and \"Active inflammatory bowel disease\" ask about now. Problem lists
leave a tuberculosis of 2010 \"active\" long after its treatment course, and keep Crohn's disease
\"active\" through years of remission: read from the status alone, each ruled the patient out."""

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

OLD_TB = condition(
    "Pulmonary tuberculosis", (ICD, "A15.0", "Tuberculosis of lung"), onset="2010-01-01"
)
NEW_TB = condition(
    "Pulmonary tuberculosis", (ICD, "A15.0", "Tuberculosis of lung"), onset="2026-10-01"
)
CROHNS = condition(
    "Crohn's disease (HCC)",
    (ICD, "K50.90", "Crohn's disease, unspecified, without complications"),
    onset="2005-01-01",
)


@pytest.mark.parametrize(
    ("bullet", "entry", "expected"),
    [
        ("Active tuberculosis", OLD_TB, "unknown"),
        ("Active tuberculosis", NEW_TB, "met"),
        ("Tuberculosis", OLD_TB, "met"),
        ("Active inflammatory bowel disease", CROHNS, "unknown"),
        ("Inflammatory bowel disease", CROHNS, "met"),
    ],
)
def test_active_asks_about_now(bullet: str, entry: dict, expected: str) -> None:
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == expected


def test_crohns_in_remission_is_not_ruled_out_by_active_ibd() -> None:
    text = criteria_text(["Age 18 or older"], ["Patients with active Inflammatory Bowel Disease"])
    assert verdict_of_study(text, record(patient(), CROHNS)) != "ineligible"
