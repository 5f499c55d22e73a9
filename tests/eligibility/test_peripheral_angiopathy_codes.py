"""Peripheral arterial disease as ICD-10-CM codes it (fifteenth session audit).

"Liver transplantation candidates with one or more of the following: … peripheral vascular
disease" (NCT03864497 inc-1.7), "peripheral vascular disease" among atrial fibrillation risk
factors (NCT03860246 inc-1.4), "peripheral arterial disease" (NCT03798938 inc-1). I73.9
Peripheral vascular disease, unspecified, excludes atherosclerosis of the extremities, which
ICD-10-CM codes I70.2-I70.7 (native arteries and bypass grafts), and its inclusion term
"peripheral angiopathy NOS" sends a diabetic's to E08-E13 .51/.52 (diabetic peripheral
angiopathy): Epic lists a diabetic's PAD as "Type 2 diabetes mellitus with diabetic peripheral
angiopathy without gangrene" (E11.51). The concept held only I70.2 and I73.9, so such a patient
failed the inclusion."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of

CODED = [
    ("E11.51", "Type 2 diabetes mellitus with diabetic peripheral angiopathy without gangrene"),
    ("E10.52", "Type 1 diabetes mellitus with diabetic peripheral angiopathy with gangrene"),
    (
        "I70.411",
        "Atherosclerosis of autologous vein bypass graft(s) of the right leg with "
        "intermittent claudication",
    ),
    ("I70.92", "Chronic total occlusion of artery of the extremities"),
]


@pytest.mark.parametrize(("code", "title"), CODED)
def test_peripheral_vascular_disease_is_met_by_the_codes_icd_gives_it(
    code: str, title: str
) -> None:
    inclusion = compile_text("peripheral vascular disease", partial=True)
    assert inclusion is not None
    assert result_of(inclusion, record(patient(), condition(title, (ICD, code, title)))) == "met"


def test_diabetes_without_angiopathy_is_no_peripheral_arterial_disease() -> None:
    inclusion = compile_text("peripheral arterial disease", partial=True)
    assert inclusion is not None
    title = "Type 2 diabetes mellitus with diabetic chronic kidney disease"
    entry = condition(title, (ICD, "E11.22", title))
    assert result_of(inclusion, record(patient(), entry)) == "not-met"
