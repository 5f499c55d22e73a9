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

from dataclasses import dataclass, field
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
        # `leaf_key(criterion, excluding)` → outcome
        self.known: dict[int, Outcome] = {}
        # id of a compiled combination → (it, its outcome): plans share equal combinations
        # (`lean_plan(..., shared=)`), each is walked once per patient. The combination is
        # held, so that its id is not reused by another while the ids are used.
        self.combined: dict[int, tuple[Compiled, Outcome]] = {}
        # The criteria behind the keys stay alive as long as the ids are used.
        self._held: list[object] = []

    def outcome(self, node: PlanNode, excluding: bool) -> Outcome:
        criterion = node.criterion
        if criterion is None or not criterion.computable:
            return "unknown"  # what evaluator._leaf answers, without a reason to build
        key = leaf_key(criterion, excluding)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = _leaf(node, self.contexts[excluding]).result
            self._held.append(criterion)
        return found


def leaf_key(criterion: object, excluding: bool) -> int:
    """One int for a criterion asked as an inclusion or as an exclusion: its id, doubled. Keys
    are only compared while the criterion is alive (held by a plan, or by `LeafOutcomes`)."""
    return id(criterion) << 1 | excluding


@dataclass(frozen=True, slots=True)
class LeanPlan:
    """A plan read once for the lean pass. Without comparison groups, the top-level criteria
    no record can decide (text only, or combinations of text only: the same outcome for every
    patient) are counted once into `fixed`; the others are listed."""

    plan: StudyPlan
    fixed: tuple[int, int, bool, bool]
    """Of the fixed criteria: applicable, passing, any unknown, any failing."""
    leaves: tuple[tuple[int, PlanNode, bool], ...]
    """Top-level leaf criteria a record may decide: `leaf_key`, node, whether an exclusion."""
    combinations: tuple[Compiled, ...]
    """Top-level combinations a record may decide, compiled for `_run`."""
    views: dict[Any, tuple[tuple[Compiled, ...], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """With comparison groups: per list of groups (`_groups_key`), each group's applicable
    top-level criteria compiled for `_run` (built by the first match that asks)."""
    shared: dict[Any, Compiled] | None = field(default=None, compare=False, repr=False)
    """The combinations other plans share (`share`), for the views too."""


def lean_plan(plan: StudyPlan, shared: dict[Any, Compiled] | None = None) -> LeanPlan:
    """`shared`: combinations compiled for other plans (`share`), taken where equal (the
    plans' equal criteria must be one object: `matching.plans` interns them)."""
    applicable = passing = 0
    unknown = failing = False
    leaves, combinations = [], []
    for node in plan.nodes:
        fixed = _fixed_outcome(node, excluding=False, member=False)
        if fixed is None:
            if node.children:
                compiled = _compiled(node, excluding=False, member=False)
                combinations.append(_shared(compiled, shared))
            else:
                leaves.append((leaf_key(node.criterion, node.exclude), node, node.exclude))
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
        plan,
        (applicable, passing, unknown, failing),
        tuple(leaves),
        tuple(combinations),
        shared=shared,
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
    """`verdict_and_score(lean.plan, ...)`, from the plan read once."""
    if leaves.dead:
        return "ineligible", 0.0
    if lean.plan.cohort_keys:
        return _best_group(lean, leaves, comparison_groups)
    applicable, passing, unknown, failing = lean.fixed
    known = leaves.known
    for key, node, exclude in lean.leaves:
        result = known.get(key)
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
    # The tally is written out here, above, in `_best_group` and in `_study` on purpose: a shared
    # helper taking the outcomes made a warm match at 30,000 studies ~20% slower
    # (bench/match_profile.py, 137 → ~165 ms in process).
    for compiled in lean.combinations:
        result = _run(compiled, leaves)
        if result == "not-applicable":
            continue
        applicable += 1
        if result == "unknown":
            unknown = True
        elif (result == "met") == compiled[1].exclude:
            failing = True
        else:
            passing += 1
    verdict: Verdict = "ineligible" if failing else "potential-candidate" if unknown else "eligible"
    return verdict, round(passing / applicable, 4) if applicable else 1.0


def _best_group(
    lean: LeanPlan, leaves: LeafOutcomes, comparison_groups: list[dict[str, Any]] | None
) -> tuple[Verdict, float]:
    """`verdict_and_score` of a plan with cohorts: the best group's verdict and score."""
    views = _group_views(lean, comparison_groups)
    best: tuple[Verdict, float] | None = None
    for view in views:
        failing = unknown = False
        applicable = passing = 0
        for compiled in view:
            result = _run(compiled, leaves)
            if result == "not-applicable":
                continue
            applicable += 1
            if result == "unknown":
                unknown = True
            elif (result == "met") == compiled[1].exclude:
                failing = True
            else:
                passing += 1
        verdict: Verdict = (
            "ineligible" if failing else "potential-candidate" if unknown else "eligible"
        )
        answer = verdict, round(passing / applicable, 4) if applicable else 1.0
        if best is None or (verdict_rank(answer[0]), answer[1]) > (verdict_rank(best[0]), best[1]):
            best = answer
    assert best is not None  # a plan with cohorts has a group for each (cohorts.py)
    return best


_VIEWS_PER_PLAN = 4  # lists of groups remembered per plan (a study's groups rarely change)


def _group_views(
    lean: LeanPlan, comparison_groups: list[dict[str, Any]] | None
) -> tuple[tuple[Compiled, ...], ...]:
    key = _groups_key(comparison_groups)
    views = lean.views.get(key) if key is not None else None
    if views is None:
        groups = comparison_group_aliases(lean.plan.cohort_keys, comparison_groups)
        cohorts: list[Cohort] = [aliases for _, _, aliases in groups] or [None]
        views = tuple(
            tuple(
                _shared(_compiled(node, excluding=False, member=False, cohort=cohort), lean.shared)
                for node in lean.plan.nodes
                if applies_to(node, cohort)
            )
            for cohort in cohorts
        )
        if key is not None:
            if len(lean.views) >= _VIEWS_PER_PLAN:
                lean.views.clear()
            lean.views[key] = views
    return views


def _groups_key(comparison_groups: list[dict[str, Any]] | None) -> Any:
    """What `comparison_group_aliases` reads of the groups, hashable; None if it cannot be."""
    key = tuple(
        (g.get("linkId"), g.get("name"), g.get("description")) if isinstance(g, dict) else None
        for g in comparison_groups or ()
    )
    try:
        hash(key)
    except TypeError:
        return None
    return key


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


Compiled = tuple[Any, ...]
"""A plan node read once for `_run`: (leaf key or None, node, flip, members or None,
combination code, threshold, relief context or None, member, the group's aliases or None)."""


def _compiled(node: PlanNode, *, excluding: bool, member: bool, cohort: Cohort = None) -> Compiled:
    """`node` as `_run` walks it for the group with these aliases (None: no groups), members
    that do not apply to the group left out; `excluding` is the context's before the node."""
    inner = excluding != node.exclude
    flip = member and node.exclude
    if not node.children:
        criterion = node.criterion
        computable = criterion is not None and criterion.computable
        key = leaf_key(criterion, inner) if computable else None
        return (key, node, flip, None, None, None, None, member, cohort)
    code = node.combination or "all-of"
    members = tuple(
        _compiled(child, excluding=inner, member=True, cohort=cohort)
        for child in node.children
        if applies_to(child, cohort)
    )
    # where a member may be relieved (value_defined), `_outcome` asks the evaluator
    relief = excluding if not inner and code == "all-of" else None
    return (None, node, flip, members, code, node.threshold, relief, member, cohort)


def share(compiled: Compiled, shared: dict[Any, Compiled]) -> Compiled:
    """The compiled node of `shared` equal to this one (added if none is): equal in everything
    `_run` and the tally read — each leaf's criterion object and context, member negations,
    combination code, threshold, relief, group, the node's exclusion — so that it answers the
    same for every patient. Members are shared first, so a node's shape names them by id (the
    objects `shared` holds, whose ids are not reused while it holds them)."""
    key, node, flip, members, code, threshold, relief, member, cohort = compiled
    if members is None:
        shape: tuple[Any, ...] = (key, id(node.criterion), flip, member, node.exclude, cohort)
    else:
        parts = tuple(share(part, shared) for part in members)
        if any(kept is not own for kept, own in zip(parts, members, strict=True)):
            compiled = (key, node, flip, parts, code, threshold, relief, member, cohort)
        members = parts
        shape = (
            tuple(id(part) for part in members),
            code,
            threshold,
            relief,
            flip,
            member,
            node.exclude,
            cohort,
        )
    return shared.setdefault(shape, compiled)


def _shared(compiled: Compiled, shared: dict[Any, Compiled] | None) -> Compiled:
    return compiled if shared is None else share(compiled, shared)


def _run(compiled: Compiled, leaves: LeafOutcomes) -> Outcome:
    """`_outcome(node, leaves, cohort, ...)` of a compiled node: what applies to the group was
    chosen when it was compiled, so the walk over a catalog's plans reads no node attributes."""
    key, node, flip, members, code, threshold, relief, member, cohort = compiled
    result: Outcome
    if members is None:
        if key is None:
            result = "unknown"
        else:
            found = leaves.known.get(key)
            result = leaves.outcome(node, bool(key & 1)) if found is None else found
        return _FLIP[result] if flip else result
    walked = leaves.combined.get(id(compiled))
    if walked is not None and walked[0] is compiled:
        return walked[1]
    parts = [_run(part, leaves) for part in members]
    if relief is not None and "met" in parts and "not-met" in parts:
        result = _evaluate(node, leaves.contexts[relief], cohort, {}, member=member).result
    else:
        result = combine_outcomes(code, threshold, parts)
        if flip:
            result = _FLIP[result]
    leaves.combined[id(compiled)] = (compiled, result)
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
