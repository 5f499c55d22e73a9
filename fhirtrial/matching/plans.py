"""Every candidate study's evaluation plan, kept in memory for the whole catalog.

`evaluation.plan.plan_for` caches plans in an LRU sized for ~20,000 studies; a larger catalog
evicted every plan on every match and rebuilt them all (building one costs more than evaluating
it). Here one plan per EvidenceVariable id is kept as long as the process runs, replaced when the
match index names a newer version. Equal leaf criteria of different studies are kept as one
object, so that `evaluation.lean.LeafOutcomes` evaluates them once per patient (and the catalog
holds each distinct criterion once); so are equal combinations of them, walked once per patient
(at 30,000 studies ~4,600 combinations of a heavy patient's candidates are ~660 distinct).
What the plans weigh at 30,000 studies: bench/README.md. A plan replaced by a newer version
leaves criteria and combinations no plan holds; when those held for sharing have doubled, they
are read again from the plans (a server syncing the catalog for months would otherwise keep
every criterion it ever read).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from typing import Any

from fhirtrial.eligibility.evaluation.lean import Compiled, LeanPlan, lean_plan, share
from fhirtrial.eligibility.evaluation.plan import PlanNode, build_plan
from fhirtrial.eligibility.model import Criterion

# Criteria and combinations held for sharing before the first compaction. The bench catalog of
# 30,000 studies holds 3,524 (it reuses 1,357 real texts; a real catalog would hold tens of
# thousands), and compacting it (walking every plan) took 0.28 s in the CPU worker.
COMPACT_ABOVE = 200_000


class PlanStore:
    def __init__(self, compact_above: int = COMPACT_ABOVE) -> None:
        self._plans: dict[str, tuple[int, LeanPlan]] = {}
        self._criteria: dict[Criterion, Criterion] = {}
        self._combinations: dict[Any, Compiled] = {}
        self._compact_above = compact_above
        self.compactions = 0

    def __len__(self) -> int:
        return len(self._plans)

    def get(self, evidence_variable_id: str, version: int) -> LeanPlan | None:
        found = self._plans.get(evidence_variable_id)
        if found is None or found[0] != version:
            return None
        return found[1]

    def put(
        self, evidence_variable_id: str, version: int, evidence_variable: dict[str, Any]
    ) -> LeanPlan:
        built = build_plan(evidence_variable, (evidence_variable_id, version))
        nodes = tuple(self._shared(node) for node in built.nodes)
        plan = lean_plan(replace(built, nodes=nodes), self._combinations)
        self._plans[evidence_variable_id] = (version, plan)
        if self.held_for_sharing() > self._compact_above:
            self._compact()
        return plan

    def held_for_sharing(self) -> int:
        return len(self._criteria) + len(self._combinations)

    def _shared(self, node: PlanNode) -> PlanNode:
        criterion = node.criterion
        if criterion is not None:
            with suppress(TypeError):  # a criterion holding an unhashable value stays as it is
                criterion = self._criteria.setdefault(criterion, criterion)
        return replace(
            node,
            criterion=criterion,
            children=tuple(self._shared(child) for child in node.children),
        )

    def _compact(self) -> None:
        """Hold for sharing only what the current plans hold (each object as it is)."""
        criteria: dict[Criterion, Criterion] = {}
        combinations: dict[Any, Compiled] = {}
        for _, lean in self._plans.values():
            for node in lean.plan.nodes:
                _collect_criteria(node, criteria)
            for compiled in lean.combinations:
                share(compiled, combinations)
        self._criteria = criteria
        # in place: plans hold this table to share their groups' views (`LeanPlan.shared`)
        self._combinations.clear()
        self._combinations.update(combinations)
        self._compact_above = max(self._compact_above, 2 * self.held_for_sharing())
        self.compactions += 1


def _collect_criteria(node: PlanNode, criteria: dict[Criterion, Criterion]) -> None:
    if node.criterion is not None:
        with suppress(TypeError):
            criteria.setdefault(node.criterion, node.criterion)
    for child in node.children:
        _collect_criteria(child, criteria)
