"""A lead-in's own requirement is read without the words that announce its sub-bullets
(`lead_in_phrases`).

"Histologically confirmed breast cancer patients, fulfilling any of the following:" was
all-of(breast cancer, TEXT) and "Patients with type 2 diabetes meeting all of the following:"
text: the announcement is no criterion, so the bullet was unknown for every patient though its
sub-bullets were read. A lead-in whose sub-bullets define or exemplify its words ("Serious
immunodeficiency, defined as one of the following:") stays as it was.
"""

from __future__ import annotations

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    observation,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

TEXT = """Inclusion Criteria:

1. Patients with type 2 diabetes meeting all of the following:
   a. HbA1c 7-10%
   b. BMI 25-40
2. Histologically confirmed breast cancer patients, fulfilling any of the following:
   a. Bone metastases indicated by PET-CT
   b. Histologically proven bone metastases
3. Individuals 50 to 77 years old who meet either of the following criteria:
   a. Hypertension
   b. Diabetes

Exclusion Criteria:

1. Serious immunodeficiency, defined as one of the following:
   a. HIV infection
   b. Neutropenia
"""


def test_the_lead_ins_own_words_are_read() -> None:
    nodes = compile_outline(parse_outline(TEXT))
    own = {node.link_id: signature(node.criterion) for node in nodes}
    assert own["inc-1"] == "condition:diabetes-type-2"
    assert own["inc-2"] == "condition:breast-cancer"
    assert own["inc-3"] == "age:50..77a"
    assert own["exc-1"] is None  # the sub-bullets define it


DIABETES = condition(
    "Type 2 diabetes mellitus (HCC)",
    (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
    onset="2015-03-01",
)


def _values(hba1c: float, bmi: float) -> list[dict]:
    unit = "http://unitsofmeasure.org"
    return [
        observation(
            (LOINC, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"),
            "2026-10-15",
            valueQuantity={"value": hba1c, "unit": "%", "system": unit},
        ),
        observation(
            (LOINC, "39156-5", "Body mass index (BMI) [Ratio]"),
            "2026-10-15",
            valueQuantity={"value": bmi, "unit": "kg/m2", "system": unit},
        ),
    ]


def test_a_diabetic_patient_meeting_every_sub_bullet_is_eligible() -> None:
    text = (
        "Inclusion Criteria:\n\n1. Patients with type 2 diabetes meeting all of the following:\n"
        "   a. HbA1c 7-10%\n   b. BMI 25-40\n"
    )
    assert verdict_of_study(text, record(patient(), DIABETES, *_values(8.1, 31))) == "eligible"
    assert verdict_of_study(text, record(patient(), DIABETES, *_values(11.2, 31))) == "ineligible"
