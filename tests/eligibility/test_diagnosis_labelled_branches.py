"""Sub-bullets led by a diagnosis label are branches: a patient has one of the diseases.

"Meets the following disease activity criteria: - AML: must have received at least 1 prior
therapy for AML … - NHL/DLBCL: measurable disease …" (NCT03797261 inc-3, found by the cohort
helper of session 14) was all-of, so a patient with lymphoma failed the AML branch and was
ineligible. Labels that name no diagnosis ("Hematology:", "Renal:") keep the list all-of.

Expected verdicts and combinations were written from the clinical text before running the code.
"""

from __future__ import annotations

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import ICD, condition, patient, record, verdict_of_study

DISEASE_BRANCHES = """Inclusion Criteria:
  -  Age 18 years or older
  -  Meets the following disease activity criteria:
     -  AML: must have received at least 1 prior therapy for AML and be ineligible for cytotoxic
        therapy.
     -  NHL/DLBCL: measurable disease with a bidimensional lesion measuring at least 1.5 cm.
Exclusion Criteria:
  -  Active, uncontrolled infection.
"""

ORGAN_LABELS = """Inclusion Criteria:
  -  Adequate organ function:
     -  Hematology: absolute neutrophil count >= 1500/uL
     -  Renal: serum creatinine <= 1.5 mg/dL
"""


def _combination(text: str, link_id: str) -> str | None:
    for node in compile_outline(parse_outline(text)):
        if node.link_id == link_id:
            return node.combination
    raise AssertionError(link_id)


def test_diagnosis_labels_make_branches() -> None:
    assert _combination(DISEASE_BRANCHES, "inc-2") == "any-of"


def test_organ_labels_stay_all_of() -> None:
    assert _combination(ORGAN_LABELS, "inc-1") == "all-of"


def test_a_lymphoma_patient_is_not_held_to_the_leukaemia_branch() -> None:
    lymphoma = condition(
        "Diffuse large B-cell lymphoma",
        (ICD, "C83.30", "Diffuse large B-cell lymphoma, unspecified site"),
        onset="2025-02-01",
    )
    assert verdict_of_study(DISEASE_BRANCHES, record(patient(), lymphoma)) != "ineligible"
