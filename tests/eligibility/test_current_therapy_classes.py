"""A drug class "currently received" is not any course ever given.

"Currently receiving anti-PD-1 therapy" compiled to prior therapy (any use before the day):
an exclusion ruled out a patient whose pembrolizumab ended in 2019. Now all-of(prior use of the
class, TEXT): never given it — not met; given it — whether it goes on is for the reader.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import medication, patient, record, result_of
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Currently receiving anti-PD-1 therapy", "all-of(prior-therapy:anti-pd-1-pd-l1, text)"),
        ("Patients receiving targeted therapy", "all-of(prior-therapy:targeted-therapy, text)"),
        ("Patients on a CDK4/6 inhibitor", "all-of(prior-therapy:cdk4-6-inhibitor, text)"),
        # Any use before: unchanged.
        ("Prior anti-PD-1 therapy", "prior-therapy:anti-pd-1-pd-l1"),
        ("Received anti-PD-1 therapy", "prior-therapy:anti-pd-1-pd-l1"),
    ],
)
def test_a_class_received_now_is_read_as_a_use_now(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


def test_a_course_that_ended_years_ago_does_not_exclude() -> None:
    criterion = compile_text("Currently receiving anti-PD-1 therapy", exclusion=True)
    assert criterion is not None
    old_course = medication("pembrolizumab 200 mg IV", "2018-06-01", "2019-03-01")
    assert result_of(criterion, record(patient(), old_course)) == "unknown"
    other = medication("metformin 500 mg tablet", "2020-01-01", status="active")
    assert result_of(criterion, record(patient(), other)) == "not-met"
