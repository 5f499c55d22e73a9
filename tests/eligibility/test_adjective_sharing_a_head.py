"""An adjective of a diagnosis before another adjective and a head: "diabetic or hypertensive
nephropathy" names two kinds of nephropathy, not diabetes. Read as an item of its own,
"diabetic" made an exclusion turn away every patient with diabetes."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

TYPE_2_DIABETES = condition("Type 2 diabetes mellitus", (ICD, "E11.9", "Type 2 diabetes"))


def _read(text: str, *, exclusion: bool) -> str | None:
    reading = compile_text(text, exclusion=exclusion, partial=True)
    return None if reading is None else signature(reading)


@pytest.mark.parametrize("exclusion", [True, False])
@pytest.mark.parametrize(
    "text",
    [
        "Diabetic or hypertensive retinopathy",
        "diabetic or hypertensive nephropathy",
        "Diabetic and/or ischemic ulcers",
        "History of diabetic, hypertensive or other nephropathy",
    ],
)
def test_an_adjective_sharing_the_next_head_is_no_diabetes(text: str, exclusion: bool) -> None:
    reading = _read(text, exclusion=exclusion)
    assert reading is None or "diabetes-mellitus" not in reading


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Two populations: the adjectives describe people, each a diagnosis of its own.
        (
            "diabetic or hypertensive patients",
            "any-of(condition:diabetes-mellitus, condition:hypertension)",
        ),
        ("Diabetics", "condition:diabetes-mellitus"),
        ("Known diabetic", "condition:diabetes-mellitus"),
    ],
)
def test_an_adjective_naming_people_is_still_their_diagnosis(text: str, expected: str) -> None:
    assert _read(text, exclusion=True) == expected


def test_a_diabetic_patient_is_not_excluded_by_a_kind_of_nephropathy() -> None:
    text = criteria_text(["Age 18 years or older"], ["Diabetic or hypertensive nephropathy"])
    verdict = verdict_of_study(text, record(patient(), TYPE_2_DIABETES))
    assert verdict != "ineligible"
