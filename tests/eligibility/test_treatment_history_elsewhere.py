"""A cancer patient whose record holds no anticancer therapy at all: treatment history elsewhere.

With the absence policy (`docs/eligibility-evaluation.md`, rule 2), a class of cancer drugs
missing from a medication list was `not-met`: an inclusion requiring prior anti-PD-1 therapy
ruled out a melanoma patient whose export held metformin and lisinopril — the infusions given
at another centre are not in it. For a patient with a cancer on record, the category that
absence is judged against is the cancer treatment history: none at all is `unknown`; other
anticancer drugs and none of the class is `not-met`, as before; without a cancer, as before.
"""

from __future__ import annotations

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, medication, patient, record, result_of

MELANOMA = condition("Melanoma of skin", (ICD, "C43.9", "Malignant melanoma of skin, unspecified"))
METFORMIN = medication("metformin 500 mg tablet", "2021-01-01", status="active")
CARBOPLATIN = medication("carboplatin 450 mg IV", "2025-02-01", "2025-06-01")


def test_no_anticancer_therapy_at_all_is_unknown_for_a_cancer_patient() -> None:
    required = compile_text("Prior treatment with anti-PD-1 therapy", exclusion=False)
    assert required is not None
    assert result_of(required, record(patient(), MELANOMA, METFORMIN)) == "unknown"


def test_other_anticancer_drugs_without_the_class_are_not_met() -> None:
    required = compile_text("Prior treatment with anti-PD-1 therapy", exclusion=False)
    assert required is not None
    assert result_of(required, record(patient(), MELANOMA, METFORMIN, CARBOPLATIN)) == "not-met"


def test_without_a_cancer_the_absence_policy_is_unchanged() -> None:
    required = compile_text("Prior treatment with anti-PD-1 therapy", exclusion=False)
    assert required is not None
    assert result_of(required, record(patient(), METFORMIN)) == "not-met"
