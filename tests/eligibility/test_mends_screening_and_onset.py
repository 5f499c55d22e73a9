"""A screening result is no diagnosis, and a time since diagnosis is no window (`mends`).

- "as determined by" a named structured interview (CAPS, SCID: NCT03933059 inc-3, NCT03864614
  inc-1) or the Aachen Aphasia Test (NCT03930121 inc-3) says how a diagnosis was made; "as
  determined by a positive depression screening test" or "as confirmed by a positive skin prick
  test" is a result of a test, not the diagnosis an entry records: the bullet is not the bare
  condition.
- "Type 2 diabetes diagnosed 10 years before enrollment" says how long ago the disease began (as
  "for 10 years" says how long): no window of ten years before enrolment in which a diagnosis of
  2020 would meet the exclusion.

Expected forms and results were written from the clinical text before running the code.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of
from tests.eligibility.signature import bullet_signature, signature


def _form(text: str, *, exclusion: bool = True) -> str | None:
    return signature(compile_text(text, exclusion=exclusion, partial=True))


@pytest.mark.parametrize(
    ("bullet", "bare"),
    [
        (
            "Depression as determined by a positive depression screening test",
            "condition:depression",
        ),
        ("Peanut allergy as confirmed by a positive skin prick test", "allergy:peanut"),
        ("Depression as determined by the PHQ-9 questionnaire", "condition:depression"),
    ],
)
def test_a_screening_or_positive_test_is_no_diagnosis(bullet: str, bare: str) -> None:
    assert _form(bullet) != bare
    assert bullet_signature(bullet) != bare


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Currently meet criteria for a diagnosis of posttraumatic stress disorder (as "
            "determined by the CAPS-5);",
            "condition:icd10cm:F43.1",
        ),
        (
            "aphasia, as determined by the Aachen Aphasia Test (AAT);",
            "condition:icd10cm:R47.01+I69.020+I69.120+I69.220+I69.320+I69.820+I69.920",
        ),
    ],
)
def test_a_named_diagnostic_interview_or_test_still_reads(bullet: str, expected: str) -> None:
    assert bullet_signature(bullet, "Inclusion") == expected


DIABETES_2020 = condition(
    "Type 2 diabetes",
    (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
    onset="2020-03-01",
)


@pytest.mark.parametrize(
    "bullet",
    [
        "Type 2 diabetes diagnosed 10 years before enrollment",
        "Type 2 diabetes with onset 10 years prior to screening",
        "Type 2 diabetes lasting 10 years before enrollment",
    ],
)
def test_a_time_since_diagnosis_is_no_window(bullet: str) -> None:
    form = _form(bullet) or ""
    assert "w-3652" not in form and "w-3650" not in form
    criterion = compile_text(bullet, exclusion=True, partial=True)
    if criterion is not None:
        assert result_of(criterion, record(patient(), DIABETES_2020), excluding=True) != "met"
