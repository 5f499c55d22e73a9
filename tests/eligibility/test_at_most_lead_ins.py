"""A lead-in that caps how many of its sub-bullets may hold ("Has no more than one of three
cardiovascular risk factors:") is neither any-of nor all-of. Read as any-of (the "… one of …:"
lead-in of session 14), a patient with none of the risk factors failed an inclusion he meets;
read as all-of, each risk factor would be required. Its sub-bullets stay text, and "only one
of …:" is not taken for the any-of lead-in either (`mends2`)."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import combination_of, compile_outline
from fhirtrial.eligibility.model import CompiledNode
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import ICD, condition, patient, record, verdict_of_study

_SUBS = "    -  Hypertension\n    -  Type 2 diabetes\n    -  Asthma\n"


def _study(lead_in: str) -> str:
    return f"Inclusion Criteria:\n  -  {lead_in}\n{_SUBS}"


_CAPS = [
    "Has no more than one of three cardiovascular risk factors:",
    "Not more than one of the listed conditions:",
    "At most one of these comorbidities:",
]


def _lead(text: str, lead_in: str) -> CompiledNode:
    for node in compile_outline(parse_outline(text)):
        if node.text == lead_in:
            return node
    raise AssertionError(lead_in)


def _computable(node: CompiledNode) -> bool:
    own = node.criterion is not None and node.criterion.computable
    return own or any(_computable(child) for child in node.children)


@pytest.mark.parametrize("lead_in", _CAPS)
def test_a_cap_leaves_its_sub_bullets_text(lead_in: str) -> None:
    node = _lead(_study(lead_in), lead_in)
    assert not _computable(node)


@pytest.mark.parametrize("lead_in", _CAPS)
def test_a_patient_with_none_of_the_capped_conditions_is_not_ineligible(lead_in: str) -> None:
    healthy = record(patient("male", born="1970-01-01"))
    assert verdict_of_study(_study(lead_in), healthy) != "ineligible"


@pytest.mark.parametrize("lead_in", _CAPS)
def test_a_patient_with_one_capped_condition_is_not_ineligible(lead_in: str) -> None:
    hypertensive = record(
        patient("male", born="1970-01-01"),
        condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension")),
    )
    assert verdict_of_study(_study(lead_in), hypertensive) != "ineligible"


def test_only_one_of_is_not_the_new_any_of_lead_in() -> None:
    """ "Only one of …:" is a cap too: the lead-in is combined as before session 14 (all-of here,
    its sub-bullets naming no diagnosis), not as the any-of of "… one of …:"."""
    lead_in = "Only one of three cardiovascular risk factors:"
    text = (
        f"Inclusion Criteria:\n  -  {lead_in}\n    -  LDL cholesterol above 160 mg/dL\n"
        "    -  Current smoker\n    -  Age 55 years or older\n"
    )
    node = next(n for n in parse_outline(text).walk() if n.text == lead_in)
    assert combination_of(node)[0] != "any-of"
