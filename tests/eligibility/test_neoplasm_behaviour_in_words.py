"""Neoplasms whose words or codes say they are benign, in situ or of unknown behaviour
(issue 13, red team).

"Benign neoplasm of right breast" is the ICD-10-CM title of D24.1, and a common problem-list
entry; its words reached the breast-cancer patterns ("neoplasm … breast") and it met NCT05361174's
"another primary malignancy within the previous 3 years" (a wrong `ineligible`) and would meet a
breast-cancer inclusion. "Neoplasm of unspecified behavior of breast" (D49.3: a lesion awaiting
its biopsy) may be a cancer: `unknown`, neither met nor not-met.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of
from tests.eligibility.test_real_world_records import (
    TIL_TRIAL,
    criterion,
    evaluate,
    melanoma_candidate,
)


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("Benign neoplasm of right breast", "D24.1", "not-met"),
        ("Melanoma in situ of back", "D03.59", "not-met"),
        ("Neoplasm of unspecified behavior of breast", "D49.3", "unknown"),
        ("Malignant neoplasm of unspecified site of right female breast", "C50.911", "met"),
    ],
)
def test_another_primary_malignancy_reads_the_behaviour(text, code, expected) -> None:
    entry = condition(text, (ICD, code, text), onset="2025-06-01")
    evaluation = evaluate(TIL_TRIAL, *melanoma_candidate(entry))
    assert criterion(evaluation, "exc-6").result == expected


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("Benign neoplasm of right breast", "D24.1", "not-met"),
        ("Neoplasm of unspecified behavior of breast", "D49.3", "unknown"),
        ("Malignant neoplasm of unspecified site of right female breast", "C50.911", "met"),
    ],
)
def test_a_breast_cancer_inclusion_reads_the_behaviour(text, code, expected) -> None:
    inclusion = compile_criterion("Histologically confirmed breast cancer", exclusion=False)
    assert inclusion is not None
    entry = condition(text, (ICD, code, text), onset="2025-06-01")
    assert result_of(inclusion, record(patient(), entry)) == expected


@pytest.mark.parametrize(
    ("bullet", "text", "code", "expected"),
    [
        # Definite diagnoses coded in the D37–D49 block: what the code says, not provisional.
        ("Diagnosis of myelodysplastic syndrome", "MDS (myelodysplastic syndrome)", "D46.9", "met"),
        ("Diagnosis of myelodysplastic syndrome", "Refractory anemia", "D46.4", "met"),
        # A neoplasm of the same block whose behaviour is uncertain stays what it may be.
        (
            "Diagnosis of myelodysplastic syndrome",
            "Neoplasm of uncertain behavior of lymphoid tissue",
            "D47.9",
            "not-met",
        ),
    ],
)
def test_a_definite_diagnosis_of_the_uncertain_behaviour_block_meets_its_inclusion(
    bullet, text, code, expected
) -> None:
    inclusion = compile_criterion(bullet, exclusion=False)
    assert inclusion is not None
    entry = condition(text, (ICD, code, text), onset="2025-06-01")
    assert result_of(inclusion, record(patient(), entry)) == expected
