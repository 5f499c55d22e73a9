"""A study's verdict and score without its explanation: what `$match` needs to rank candidates.

`evaluate_study` builds a `CriterionResult` (reason, evidence, children) for every criterion;
ranking 30,000 candidates needs only the verdict and the score. `verdict_and_score` walks the
same plan with the same rules (`evaluator._evaluate`, `combine_findings`, `verdict_of`,
`score_of`, the best comparison group, a death) on outcomes alone, and evaluates each distinct
leaf criterion once per patient: `LeafOutcomes` is shared by every study of one request (a
leaf's finding depends only on the criterion and the context, `EvalContext`). Where the value-
defined relief of an all-of (`value_defined.relieved`) may change a member, the node is
evaluated by the evaluator itself. tests/matching/test_lean_evaluation.py checks that the answers
equal `evaluate_study`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fhirtrial.eligibility.evaluation.cohorts import applies_to, comparison_group_aliases
from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext, EvaluationPolicy
from fhirtrial.eligibility.evaluation.evaluator import _FLIP, _death, _evaluate, _leaf
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.evaluation.plan import PlanNode, StudyPlan
from fhirtrial.eligibility.evaluation.results import Outcome, Verdict, verdict_rank
from fhirtrial.patient.record import PatientRecord

Cohort = frozenset[str] | None


class LeafOutcomes:
    """One patient's context and the outcome of every leaf criterion evaluated so far, keyed by
    the criterion object (plans that share criteria share outcomes: `matching.plans` interns
    equal criteria) and by whether it is asked as an exclusion."""

    def __init__(
        self, record: PatientRecord, as_of: date, policy: EvaluationPolicy = DEFAULT_POLICY
    ) -> None:
        including = EvalContext(facts=facts_for(record), as_of=as_of, policy=policy)
        self.contexts = (including, including.flipped())
        self.record = record
        self.as_of = as_of
        self.dead = _death(record, as_of) is not None
        # id(criterion) → outcome, asked as an inclusion [0] or as an exclusion [1]
        self._outcomes: tuple[dict[int, Outcome], dict[int, Outcome]] = ({}, {})
        # The criteria behind the keys stay alive as long as the ids are used.
        self._held: list[object] = []

    def outcome(self, node: PlanNode, excluding: bool) -> Outcome:
        criterion = node.criterion
        if criterion is None or not criterion.computable:
            return "unknown"  # what evaluator._leaf answers, without a reason to build
        outcomes = self._outcomes[excluding]
        found = outcomes.get(id(criterion))
        if found is None:
            found = outcomes[id(criterion)] = _leaf(node, self.contexts[excluding]).result
            self._held.append(criterion)
        return found


@dataclass(frozen=True, slots=True)
class LeanPlan:
    """A plan read once for the lean pass. Without comparison groups, the top-level criteria
    no record can decide (text only, or combinations of text only: the same outcome for every
    patient) are counted once into `fixed`; the others are listed."""

    plan: StudyPlan
    fixed: tuple[int, int, bool, bool]
    """Of the fixed criteria: applicable, passing, any unknown, any failing."""
    leaves: tuple[tuple[PlanNode, bool], ...]
    """Top-level leaf criteria a record may decide, with whether each is an exclusion."""
    combinations: tuple[PlanNode, ...]
    """Top-level combinations a record may decide."""


def lean_plan(plan: StudyPlan) -> LeanPlan:
    applicable = passing = 0
    unknown = failing = False
    leaves, combinations = [], []
    for node in plan.nodes:
        fixed = _fixed_outcome(node, excluding=False, member=False)
        if fixed is None:
            if node.children:
                combinations.append(node)
            else:
                leaves.append((node, node.exclude))
            continue
        if fixed == "not-applicable":
            continue
        applicable += 1
        if fixed == "unknown":
            unknown = True
        elif (fixed == "met") == node.exclude:
            failing = True
        else:
            passing += 1
    return LeanPlan(
        plan, (applicable, passing, unknown, failing), tuple(leaves), tuple(combinations)
    )


def _fixed_outcome(node: PlanNode, *, excluding: bool, member: bool) -> Outcome | None:
    """`_outcome` of a node (no comparison groups) whose leaves are all text only, for every
    patient; None when a leaf is computable. (No relief: that needs a met and a not-met.)"""
    inner = excluding != node.exclude
    result: Outcome
    if node.children:
        parts = [_fixed_outcome(child, excluding=inner, member=True) for child in node.children]
        known = [part for part in parts if part is not None]
        if len(known) < len(parts):
            return None
        result = combine_outcomes(node.combination or "all-of", node.threshold, known)
    elif node.criterion is None or not node.criterion.computable:
        result = "unknown"
    else:
        return None
    if member and node.exclude:
        result = _FLIP[result]
    return result


def lean_verdict_and_score(
    lean: LeanPlan, leaves: LeafOutcomes, comparison_groups: list[dict[str, Any]] | None = None
) -> tuple[Verdict, float]:
    """`verdict_and_score(lean.plan, ...)`, faster for a plan without cohorts."""
    if lean.plan.cohort_keys:
        return verdict_and_score(lean.plan, leaves, comparison_groups)
    if leaves.dead:
        return "ineligible", 0.0
    applicable, passing, unknown, failing = lean.fixed
    outcomes = leaves._outcomes
    for node, exclude in lean.leaves:
        result = outcomes[exclude].get(id(node.criterion))
        if result is None:
            result = leaves.outcome(node, exclude)
        if result == "not-applicable":
            continue
        applicable += 1
        if result == "unknown":
            unknown = True
        elif (result == "met") == exclude:
            failing = True
        else:
            passing += 1
    # The tally is written out here, above and in `_study` on purpose: a shared helper taking the
    # outcomes made a warm match at 30,000 studies ~20% slower (bench/match_profile.py, 137 →
    # ~165 ms in process).
    for node in lean.combinations:
        result = _outcome(node, leaves, None, excluding=False, member=False)
        if result == "not-applicable":
            continue
        applicable += 1
        if result == "unknown":
            unknown = True
        elif (result == "met") == node.exclude:
            failing = True
        else:
            passing += 1
    verdict: Verdict = "ineligible" if failing else "potential-candidate" if unknown else "eligible"
    return verdict, round(passing / applicable, 4) if applicable else 1.0


def verdict_and_score(
    plan: StudyPlan,
    leaves: LeafOutcomes,
    comparison_groups: list[dict[str, Any]] | None = None,
) -> tuple[Verdict, float]:
    """`evaluate_study(...).verdict, .score` for the study whose plan this is."""
    groups = comparison_group_aliases(plan.cohort_keys, comparison_groups)
    if not groups:
        best = _study(plan, leaves, None)
    else:
        cohorts = [_study(plan, leaves, aliases) for _, _, aliases in groups]
        cohorts.sort(key=lambda c: (verdict_rank(c[0]), c[1]), reverse=True)
        best = cohorts[0]
    if leaves.dead:
        return "ineligible", 0.0
    return best


def criterion_outcomes(plan: StudyPlan, leaves: LeafOutcomes, cohort: Cohort) -> list[Outcome]:
    """The outcome of each top-level criterion (`StudyEvaluation.criteria[i].result`) for the
    comparison group with these aliases (None: no groups)."""
    return [_outcome(node, leaves, cohort, excluding=False, member=False) for node in plan.nodes]


def _study(plan: StudyPlan, leaves: LeafOutcomes, cohort: Cohort) -> tuple[Verdict, float]:
    failing = unknown = False
    applicable = passing = 0
    for node, result in zip(plan.nodes, criterion_outcomes(plan, leaves, cohort), strict=True):
        if result == "not-applicable":
            continue
        applicable += 1
        if result == "unknown":
            unknown = True
        elif (result == "met") == node.exclude:
            failing = True
        else:
            passing += 1
    verdict: Verdict = "ineligible" if failing else "potential-candidate" if unknown else "eligible"
    return verdict, round(passing / applicable, 4) if applicable else 1.0


def _outcome(
    node: PlanNode, leaves: LeafOutcomes, cohort: Cohort, *, excluding: bool, member: bool
) -> Outcome:
    """`evaluator._evaluate(node, ...).result`; `excluding` is the context's before the node."""
    inner = excluding != node.exclude
    result: Outcome
    if not applies_to(node, cohort):
        result = "not-applicable"
    elif node.children:
        parts = [
            _outcome(child, leaves, cohort, excluding=inner, member=True)
            for child in node.children
            if applies_to(child, cohort)
        ]
        code = node.combination or "all-of"
        if not inner and code == "all-of" and "met" in parts and "not-met" in parts:
            # a member may be relieved (value_defined): the evaluator decides, with its reasons
            context = leaves.contexts[excluding]
            return _evaluate(node, context, cohort, {}, member=member).result
        result = combine_outcomes(code, node.threshold, parts)
    else:
        result = leaves.outcome(node, inner)
    if member and node.exclude:
        result = _FLIP[result]
    return result


def combine_outcomes(code: str, threshold: int | None, parts: list[Outcome]) -> Outcome:
    """`evaluator.combine_findings(...).result`, from the members' outcomes alone."""
    if code == "at-least" and (threshold or 1) > len(parts):
        return "unknown"
    met = not_met = unknown = 0
    for part in parts:
        if part == "met":
            met += 1
        elif part == "not-met":
            not_met += 1
        elif part == "unknown":
            unknown += 1
    if not (met or not_met or unknown):
        return "not-applicable"
    if code == "any-of":
        return "met" if met else "unknown" if unknown else "not-met"
    if code == "all-of":
        return "not-met" if not_met else "unknown" if unknown else "met"
    needed = threshold or 1
    if code == "at-least":
        if met >= needed:
            return "met"
        return "not-met" if met + unknown < needed else "unknown"
    if code == "at-most":
        if met > needed:
            return "not-met"
        return "met" if met + unknown <= needed else "unknown"
    return "unknown"
