"""Evaluate compiled eligibility criteria (EvidenceVariable JSON) against a patient record.

Public API (what `$match` calls)::

    evaluate_study(evidence_variable, record, *, as_of, comparison_groups=None) -> StudyEvaluation

The evidence rules (absence of records, stale values, clinical status) are documented in
docs/eligibility-evaluation.md and gathered in `EvaluationPolicy`.
"""

from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvaluationPolicy
from fhirtrial.eligibility.evaluation.evaluator import evaluate_criterion, evaluate_study
from fhirtrial.eligibility.evaluation.results import (
    CohortResult,
    CriterionResult,
    Finding,
    Outcome,
    StudyEvaluation,
    Verdict,
)

__all__ = [
    "DEFAULT_POLICY",
    "CohortResult",
    "CriterionResult",
    "EvaluationPolicy",
    "Finding",
    "Outcome",
    "StudyEvaluation",
    "Verdict",
    "evaluate_criterion",
    "evaluate_study",
]
