"""Evaluate a compiled study (EvidenceVariable JSON) against a patient record.

Per criterion: met | not-met | unknown | not-applicable, with a one-line reason and the patient
resources that decided it. Combination (top level is all-of): an inclusion not met or an
exclusion met → ineligible; otherwise any unknown → potential candidate; else eligible. When
criteria are tied to comparison groups (cohorts), the patient is evaluated once per group and
the study verdict is the best group's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from fhirtrial.eligibility.evaluation.ages import evaluate_age
from fhirtrial.eligibility.evaluation.clinical import (
    evaluate_breastfeeding,
    evaluate_corticosteroid_dose,
    evaluate_pregnancy,
    evaluate_prior_therapy,
    evaluate_vaccine,
)
from fhirtrial.eligibility.evaluation.cohorts import applies_to, comparison_group_aliases
from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext, EvaluationPolicy
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.evaluation.measures import (
    evaluate_biomarker,
    evaluate_healthy_volunteer,
    evaluate_lab,
    evaluate_life_expectancy,
    evaluate_performance_status,
    evaluate_sex,
)
from fhirtrial.eligibility.evaluation.medications import evaluate_allergy, evaluate_medication
from fhirtrial.eligibility.evaluation.obstetric import (
    OBSTETRIC_AGES,
    evaluate_obstetric_age,
    evaluate_obstetric_condition,
)
from fhirtrial.eligibility.evaluation.plan import PlanNode, plan_for
from fhirtrial.eligibility.evaluation.procedures import evaluate_procedure
from fhirtrial.eligibility.evaluation.results import (
    CohortResult,
    CriterionResult,
    Finding,
    Outcome,
    StudyEvaluation,
    score_of,
    verdict_of,
    verdict_rank,
)
from fhirtrial.eligibility.evaluation.scales import SCALES, evaluate_scale
from fhirtrial.eligibility.evaluation.scores import SCORES, evaluate_score
from fhirtrial.eligibility.evaluation.smoking import evaluate_smoking
from fhirtrial.eligibility.evaluation.spirometry import FEV1_FVC, evaluate_fev1_fvc
from fhirtrial.eligibility.evaluation.staging import evaluate_stage
from fhirtrial.eligibility.evaluation.value_defined import relieved
from fhirtrial.eligibility.evaluation.weight_loss import WEIGHT_CHANGES, evaluate_weight_loss
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.patient.record import PatientRecord

log = logging.getLogger(__name__)

_LEAVES: dict[Kind, Callable[[Criterion, EvalContext], Finding]] = {
    Kind.AGE: evaluate_age,
    Kind.SEX: evaluate_sex,
    Kind.HEALTHY_VOLUNTEER: evaluate_healthy_volunteer,
    Kind.CONDITION: evaluate_obstetric_condition,
    Kind.STAGE: evaluate_stage,
    Kind.PERFORMANCE_STATUS: evaluate_performance_status,
    Kind.PRIOR_THERAPY: evaluate_prior_therapy,
    Kind.BIOMARKER: evaluate_biomarker,
    Kind.LAB: lambda criterion, ctx: (
        evaluate_scale(criterion, ctx)
        if criterion.concept in SCALES
        else evaluate_score(criterion, ctx)
        if criterion.concept in SCORES
        else evaluate_obstetric_age(criterion, ctx)
        if criterion.concept in OBSTETRIC_AGES
        else evaluate_weight_loss(criterion, ctx)
        if criterion.concept in WEIGHT_CHANGES
        else evaluate_fev1_fvc(criterion, ctx)
        if criterion.concept == FEV1_FVC
        else evaluate_lab(criterion, ctx)
    ),
    Kind.CORTICOSTEROID_DOSE: evaluate_corticosteroid_dose,
    Kind.PREGNANCY: evaluate_pregnancy,
    Kind.BREASTFEEDING: evaluate_breastfeeding,
    Kind.VACCINE: evaluate_vaccine,
    Kind.MEDICATION: evaluate_medication,
    Kind.ALLERGY: evaluate_allergy,
    Kind.LIFE_EXPECTANCY: evaluate_life_expectancy,
    Kind.PROCEDURE: evaluate_procedure,
    Kind.SMOKING: evaluate_smoking,
}
_FLIP: dict[Outcome, Outcome] = {
    "met": "not-met",
    "not-met": "met",
    "unknown": "unknown",
    "not-applicable": "not-applicable",
}


def evaluate_study(
    evidence_variable: dict[str, Any],
    record: PatientRecord,
    *,
    as_of: date,
    comparison_groups: list[dict[str, Any]] | None = None,
    policy: EvaluationPolicy = DEFAULT_POLICY,
) -> StudyEvaluation:
    """Evaluate every criterion of the study for the patient, per comparison group if needed."""
    evaluation = _evaluate_plan(evidence_variable, record, as_of, comparison_groups, policy)
    death = _death(record, as_of)
    if death is None:
        return evaluation
    return replace(evaluation, verdict="ineligible", score=0.0, ruled_out=death)


def _death(record: PatientRecord, as_of: date) -> Finding | None:
    """A patient who has died is offered no trial (Patient.deceasedBoolean / deceasedDateTime)."""
    patient = record.patient
    if not patient.deceased:
        return None
    if patient.deceased_date is not None and patient.deceased_date > as_of:
        return None
    when = f" on {patient.deceased_date}" if patient.deceased_date else ""
    return Finding("met", f"the patient died{when} ({patient.ref})", (patient.ref,))


def _evaluate_plan(
    evidence_variable: dict[str, Any],
    record: PatientRecord,
    as_of: date,
    comparison_groups: list[dict[str, Any]] | None,
    policy: EvaluationPolicy,
) -> StudyEvaluation:
    plan = plan_for(evidence_variable)
    ctx = EvalContext(facts=facts_for(record), as_of=as_of, policy=policy)
    leaf_cache: dict[str, Finding] = {}
    groups = comparison_group_aliases(plan.cohort_keys, comparison_groups)
    if not groups:
        criteria = [_evaluate(node, ctx, None, leaf_cache) for node in plan.nodes]
        return StudyEvaluation(
            verdict=verdict_of(criteria),
            score=score_of(criteria),
            criteria=criteria,
            as_of=as_of.isoformat(),
        )
    cohorts = []
    for link_id, name, aliases in groups:
        criteria = [_evaluate(node, ctx, aliases, leaf_cache) for node in plan.nodes]
        cohorts.append(
            CohortResult(
                link_id=link_id,
                name=name,
                verdict=verdict_of(criteria),
                score=score_of(criteria),
                criteria=criteria,
            )
        )
    cohorts.sort(key=lambda c: (verdict_rank(c.verdict), c.score), reverse=True)
    best = cohorts[0]
    return StudyEvaluation(
        verdict=best.verdict,
        score=best.score,
        criteria=best.criteria,
        cohorts=cohorts,
        as_of=as_of.isoformat(),
    )


# ---------------------------------------------------------------- nodes


def _evaluate(
    node: PlanNode,
    ctx: EvalContext,
    cohort: frozenset[str] | None,
    cache: dict[str, Finding],
    *,
    member: bool = False,
) -> CriterionResult:
    if node.exclude:
        ctx = ctx.flipped()  # an exclusion, or a negated member: "met" now rules out
    if not applies_to(node, cohort):
        finding = Finding("not-applicable", f"applies to {node.cohort_label or node.cohort} only")
        children: tuple[CriterionResult, ...] = ()
    elif node.children:
        members = [child for child in node.children if applies_to(child, cohort)]
        children = _relieved(
            node,
            ctx,
            members,
            tuple(_evaluate(child, ctx, cohort, cache, member=True) for child in members),
        )
        finding = _combine(node, children)
    else:
        children = ()
        cached = cache.get(node.link_id)
        if cached is None:
            cached = cache[node.link_id] = _leaf(node, ctx)
        finding = cached
    if member and node.exclude:
        finding = Finding(_FLIP[finding.result], f"NOT ({finding.reason})", finding.evidence)
    return CriterionResult(
        link_id=node.link_id,
        result=finding.result,
        reason=finding.reason,
        evidence=list(finding.evidence),
        exclude=node.exclude and not member,
        description=node.description,
        cohort=node.cohort_label or node.cohort,
        children=children,
    )


def _leaf(node: PlanNode, ctx: EvalContext) -> Finding:
    criterion = node.criterion
    if criterion is None or not criterion.computable:
        return Finding("unknown", "not computable from the criterion text; needs manual review")
    try:
        return evaluate_criterion(criterion, ctx)
    except Exception as error:  # a bad record must give "unknown", never a failed $match
        log.exception("criterion %s failed", node.link_id)
        return Finding("unknown", f"could not be evaluated ({type(error).__name__}: {error})")


def evaluate_criterion(criterion: Criterion, ctx: EvalContext) -> Finding:
    """One typed criterion (a combination of criteria included) against the patient."""
    if criterion.kind is Kind.COMBINATION:
        parts = []
        for child in criterion.children:
            found = evaluate_criterion(child, ctx.flipped() if child.negated else ctx)
            if child.negated:
                found = Finding(_FLIP[found.result], f"NOT ({found.reason})", found.evidence)
            parts.append(found)
        code = criterion.combination or "all-of"
        if not ctx.excluding:
            parts = relieved(code, criterion.children, parts)
        return combine_findings(code, criterion.threshold, parts)
    leaf = _LEAVES.get(criterion.kind)
    if leaf is None:
        return Finding("unknown", f"criterion kind {criterion.kind.value} is not computable")
    return leaf(criterion, ctx)


def _relieved(
    node: PlanNode,
    ctx: EvalContext,
    members: list[PlanNode],
    children: tuple[CriterionResult, ...],
) -> tuple[CriterionResult, ...]:
    """A diagnosis its sibling value defines is not `not-met` for being uncoded where that
    would count against the patient (`value_defined`)."""
    if ctx.excluding or (node.combination or "all-of") != "all-of":
        return children
    results = {c.result for c in children}
    if "not-met" not in results or "met" not in results:
        return children  # nothing to relieve (the common case: no tree built)
    findings = [Finding(c.result, c.reason, tuple(c.evidence)) for c in children]
    after = relieved("all-of", [_criterion_of(m) for m in members], findings)
    return tuple(
        c if a is f else replace(c, result=a.result, reason=a.reason, evidence=list(a.evidence))
        for c, f, a in zip(children, findings, after, strict=True)
    )


def _criterion_of(node: PlanNode) -> Criterion | None:
    """The typed criterion a member node stands for (its `exclude` as negation)."""
    if node.children:
        parts = [_criterion_of(child) for child in node.children]
        if any(part is None for part in parts):
            return None
        return Criterion(
            Kind.COMBINATION,
            children=tuple(p for p in parts if p is not None),
            combination=node.combination or "all-of",
            threshold=node.threshold,
            negated=node.exclude,
        )
    if node.criterion is None or not node.criterion.computable:
        return None
    return replace(node.criterion, negated=node.exclude) if node.exclude else node.criterion


def _combine(node: PlanNode, children: tuple[CriterionResult, ...]) -> Finding:
    findings = [Finding(c.result, f"{c.link_id}: {c.reason}", tuple(c.evidence)) for c in children]
    return combine_findings(node.combination or "all-of", node.threshold, findings)


def combine_findings(code: str, threshold: int | None, parts: list[Finding]) -> Finding:
    """Three-valued all-of / any-of / at-least / at-most (docs/eligibility-evaluation.md,
    "Combinations"). A `not-applicable` member is left out; a combination none of whose members
    applies is itself `not-applicable` — it says nothing about this patient, so it neither
    includes nor excludes ("pregnant or breastfeeding" for a man)."""
    if code == "at-least" and (threshold or 1) > len(parts):
        # "at least three of the following four" whose list the text did not give in full (the
        # members were run into the lead-in's prose): the listed members cannot reach the
        # threshold, yet the patient may meet the ones that were not listed.
        return Finding(
            "unknown", f"at least {threshold} of a list of which only {len(parts)} were read"
        )
    applicable = [p for p in parts if p.result != "not-applicable"]
    if not applicable:
        reasons = "; ".join(p.reason for p in parts[:2])
        return Finding(
            "not-applicable", f"no member applies: {reasons}" if reasons else "no member applies"
        )
    parts = applicable
    met = [p for p in parts if p.result == "met"]
    not_met = [p for p in parts if p.result == "not-met"]
    unknown = [p for p in parts if p.result == "unknown"]
    if code == "any-of":
        if met:
            return _summary("met", "any of", met[:1], len(parts))
        if unknown:
            return _summary("unknown", "any of", unknown, len(parts))
        return _summary("not-met", "any of", not_met, len(parts))
    if code == "all-of":
        if not_met:
            return _summary("not-met", "all of", not_met[:1], len(parts))
        if unknown:
            return _summary("unknown", "all of", unknown[:1], len(parts))
        return _summary("met", "all of", met, len(parts))
    needed = threshold or 1
    if code == "at-least":
        if len(met) >= needed:
            return _summary("met", f"at least {needed} of", met[:needed], len(parts))
        if len(met) + len(unknown) < needed:
            return _summary("not-met", f"at least {needed} of", not_met, len(parts))
        return _summary("unknown", f"at least {needed} of", unknown, len(parts))
    if code == "at-most":
        if len(met) > needed:
            return _summary("not-met", f"at most {needed} of", met, len(parts))
        if len(met) + len(unknown) <= needed:
            return _summary("met", f"at most {needed} of", not_met, len(parts))
        return _summary("unknown", f"at most {needed} of", unknown, len(parts))
    return Finding("unknown", f"combination {code!r} is not understood")


def _summary(result: Outcome, how: str, deciding: list[Finding], total: int) -> Finding:
    reasons = "; ".join(p.reason for p in deciding[:2])
    evidence = tuple(dict.fromkeys(ref for p in deciding for ref in p.evidence))
    return Finding(result, f"{how} {total}: {reasons}" if reasons else f"{how} {total}", evidence)
