"""A cancer cured years ago is not an "active" or "other" malignancy on its record alone.

Epic and Cerner problem lists keep "Malignant neoplasm of breast" active long after treatment
unless someone resolves it or records a personal-history code (Z85). Found: "Other active
malignancy" lost its "active" (the name's pattern took the word) and was met by a breast cancer
resolved in 2011 and by a Z85.3 history code; "Active malignancy", "Malignancy within the past
3 years" and "Other malignancy" were met by a 2010 entry left open. Each excluded a survivor the
text does not exclude. Now: an open cancer entry older than five years is *unknown* for a
current or windowed malignancy; "Other malignancy" alone leaves a cured one open, as any bare
diagnosis; "Prior malignancy" and "History of other malignancy" still count it.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of

BREAST = (ICD, "C50.911", "Malignant neoplasm of unspecified site of right female breast")
LEFT_OPEN_SINCE_2010 = condition("Malignant neoplasm of breast", BREAST, onset="2010-03-01")
RESOLVED_2011 = condition(
    "Malignant neoplasm of breast",
    BREAST,
    onset="2010-03-01",
    status="resolved",
    abated="2011-01-01",
)
HISTORY_CODE = condition(
    "History of breast cancer",
    (ICD, "Z85.3", "Personal history of malignant neoplasm of breast"),
    onset="2010-03-01",
)
DIAGNOSED_LAST_YEAR = condition("Malignant neoplasm of breast", BREAST, onset="2025-03-01")

CASES = [
    # text, left open since 2010, resolved 2011, Z85.3, diagnosed 2025
    ("Other active malignancy", ("unknown", "not-met", "not-met", "met")),
    ("Another active cancer", ("unknown", "not-met", "not-met", "met")),
    ("Active malignancy", ("unknown", "not-met", "not-met", "met")),
    ("Malignancy within the past 3 years", ("unknown", "not-met", "not-met", "met")),
    ("Other malignancy", ("unknown", "unknown", "unknown", "met")),
    ("Prior malignancy", ("met", "met", "met", "met")),
    ("History of other malignancy", ("met", "met", "met", "met")),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_a_cured_or_stale_cancer_entry_is_never_an_active_one(
    text: str, expected: tuple[str, str, str, str]
) -> None:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None
    records = (LEFT_OPEN_SINCE_2010, RESOLVED_2011, HISTORY_CODE, DIAGNOSED_LAST_YEAR)
    assert tuple(result_of(criterion, record(patient(), entry)) for entry in records) == expected


def test_other_active_malignancy_keeps_both_qualifiers() -> None:
    criterion = compile_text("Other active malignancy", exclusion=True)
    assert criterion is not None
    assert set(criterion.qualifiers) == {"active", "other-primary"}
