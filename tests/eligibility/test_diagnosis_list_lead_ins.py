"""An inclusion lead-in that lists diagnoses ("Admitting respiratory conditions … as listed below:
- COPD exacerbation - Decompensated heart failure - Pneumonia") asks for one of them. Read as
all-of, every patient who lacks any listed diagnosis was ruled out: a COPD exacerbation without
heart failure was ineligible."""

from __future__ import annotations

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import ICD, condition, patient, record, verdict_of_study

TEXT = """Inclusion Criteria:
  1. Age 18 years or older;
  2. Physician diagnosis of COPD;
  3. Admitting respiratory conditions sensitive to the Readmission Program as listed below:
       -  COPD exacerbation
       -  Asthma/COPD overlap
       -  Decompensated heart failure
       -  Pneumonia
Exclusion Criteria:
  1. Life expectancy <3 months;
"""


def _lead_in(text: str, link_id: str) -> str:
    nodes = compile_outline(parse_outline(text))
    return next(n.combination for n in nodes if n.link_id == link_id)


def test_a_list_of_diagnoses_is_one_of_them() -> None:
    assert _lead_in(TEXT, "inc-3") == "any-of"


def test_a_copd_exacerbation_without_heart_failure_is_not_ruled_out() -> None:
    person = record(
        patient(),
        condition(
            "Chronic obstructive pulmonary disease with (acute) exacerbation",
            (ICD, "J44.1", "Chronic obstructive pulmonary disease with (acute) exacerbation"),
            onset="2020-02-01",
        ),
    )
    assert verdict_of_study(TEXT, person) != "ineligible"


def test_other_lead_ins_keep_all_of() -> None:
    labs = """Inclusion Criteria:
  -  Adequate organ function as follows:
       -  Platelets >= 100,000/uL
       -  Hemoglobin >= 9 g/dL
"""
    assert _lead_in(labs, "inc-1") == "all-of"
    both = """Inclusion Criteria:
  -  Patients with:
       -  Type 2 diabetes
       -  Hypertension
"""
    assert _lead_in(both, "inc-1") == "all-of"
