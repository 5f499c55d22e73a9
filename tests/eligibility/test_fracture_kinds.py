"""Fractures ICD-10-CM files apart from the fractures of each region (fifteenth session audit).

"Fractures" (NCT03868436 inc-2.2) and "Fractures treated with open reduction percutaneous
pinning requiring fixation" (NCT03796572 inc-4, a paediatric pinning study) require a fracture.
A child's growth-plate fracture is coded as a physeal fracture (S59.21- lower end of radius,
S49.0- upper humerus, S89.0- upper tibia …), an atypical femoral fracture M84.75-, a fracture
around an implant M96.6-, rib fractures from CPR M96.A-: every one is a fracture, and the
inclusion failed such a patient."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of

CODED = [
    ("S59.211A", "Salter-Harris Type I physeal fracture of lower end of radius, right arm"),
    ("S49.001A", "Unspecified physeal fracture of upper end of humerus, right arm"),
    ("S89.001A", "Unspecified physeal fracture of upper end of right tibia"),
    ("M84.751A", "Incomplete atypical femoral fracture, right leg"),
    ("M96.A1", "Fracture of sternum associated with chest compression and CPR"),
]


@pytest.mark.parametrize(("code", "title"), CODED)
def test_a_fracture_filed_apart_is_a_fracture(code: str, title: str) -> None:
    inclusion = compile_text("Fractures", partial=True)
    assert inclusion is not None
    entry = condition(title, (ICD, code, title), onset="2026-11-20")
    assert result_of(inclusion, record(patient(), entry)) == "met"


def test_a_broken_tooth_is_still_no_fracture_of_a_bone() -> None:
    inclusion = compile_text("Fractures", partial=True)
    assert inclusion is not None
    title = "Fracture of tooth (traumatic), initial encounter for closed fracture"
    entry = condition(title, (ICD, "S02.5XXA", title), onset="2026-11-20")
    assert result_of(inclusion, record(patient(), entry)) != "met"
