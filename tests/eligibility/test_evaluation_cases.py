"""The labelled patient × criterion set: every case must come out as labelled (100 %)."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.evaluation import evaluate_study
from fhirtrial.patient.record import read_patient_bundle
from tests.eligibility.evaluation_case_helpers import (
    LabelledCase,
    evidence_variable,
    load_cases,
    patient_bundle,
)

CASES = load_cases()


def run(case: LabelledCase):
    bundle, patient_ref = patient_bundle(case.patient)
    record = read_patient_bundle(bundle, as_of=case.as_of)
    evaluation = evaluate_study(evidence_variable(case.characteristic), record, as_of=case.as_of)
    (result,) = evaluation.criteria
    return result, patient_ref


def test_the_labelled_set_is_large_and_varied() -> None:
    assert len(CASES) >= 40
    outcomes = {case.expected for case in CASES}
    assert outcomes == {"met", "not-met", "unknown", "not-applicable"}
    assert len({case.file for case in CASES}) >= 15


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_labelled_case(case: LabelledCase) -> None:
    result, patient_ref = run(case)
    assert result.result == case.expected, result.reason
    for ref in case.evidence:
        assert ref.replace("Patient/{patient}", patient_ref) in result.evidence, result.evidence
    if case.reason:
        assert case.reason.lower() in result.reason.lower(), result.reason
    assert result.reason  # every answer explains itself


def test_accuracy_on_the_labelled_set_is_100_percent() -> None:
    right = sum(run(case)[0].result == case.expected for case in CASES)
    print(f"\nevaluation accuracy: {right}/{len(CASES)} = {right / len(CASES):.1%}")
    assert right == len(CASES)
