"""A procedure "going on now" ("Patients receiving radiotherapy", "during radiotherapy") is the
course the study enrols at, not one done at any time: a record may not hold it yet (radiation
oncology systems seldom feed the EHR's procedure list), and a course years ago is not it. Read as
`procedure:radiotherapy`, the inclusion ruled out every patient about to start treatment."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    procedure,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    "text",
    [
        "Patients receiving radiotherapy",
        "Patients receiving radiotherapy with a Karnofsky performance index >70%",
        "Currently receiving radiation therapy",
        "Concurrent radiotherapy",
        "Patients on ongoing radiotherapy",
    ],
)
def test_a_course_going_on_now_is_not_a_procedure_done(text: str) -> None:
    assert "procedure:radiotherapy" not in (signature(compile_text(text)) or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prior radiotherapy", "procedure:radiotherapy"),
        ("Previously received any surgery", "procedure:surgery"),
        (
            "Radiotherapy within 4 weeks prior to enrolment",
            "procedure:radiotherapy:w-28,0,enrollment",
        ),
    ],
)
def test_procedures_done_are_still_read(text: str, expected: str) -> None:
    assert signature(compile_text(text)) == expected


def test_a_patient_about_to_start_radiotherapy_is_not_ruled_out() -> None:
    person = record(
        patient(),
        condition(
            "Malignant neoplasm of upper-outer quadrant of left female breast",
            (ICD, "C50.412", "Malignant neoplasm of upper-outer quadrant of left female breast"),
            onset="2026-09-01",
        ),
        procedure("Lumpectomy of left breast", "2026-10-01", (SNOMED, "392021009", "Lumpectomy")),
    )
    text = criteria_text(
        ["Patients receiving radiotherapy with a Karnofsky performance index >70%"], []
    )
    assert verdict_of_study(text, person) != "ineligible"
