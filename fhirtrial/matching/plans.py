"""Every candidate study's evaluation plan, kept in memory for the whole catalog.

`evaluation.plan.plan_for` caches plans in an LRU sized for ~20,000 studies; a larger catalog
evicted every plan on every match and rebuilt them all (building one costs more than evaluating
it). Here one plan per EvidenceVariable id is kept as long as the process runs, replaced when the
match index names a newer version. Equal leaf criteria of different studies are kept as one
object, so that `evaluation.lean.LeafOutcomes` evaluates them once per patient (and the catalog
holds each distinct criterion once); so are equal combinations of them, walked once per patient
(at 30,000 studies ~4,600 combinations of a heavy patient's candidates are ~660 distinct).
What the plans weigh at 30,000 studies: bench/README.md.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from typing import Any

from fhirtrial.eligibility.evaluation.lean import Compiled, LeanPlan, lean_plan
from fhirtrial.eligibility.evaluation.plan import PlanNode, build_plan
from fhirtrial.eligibility.model import Criterion


class PlanStore:
    def __init__(self) -> None:
        self._plans: dict[str, tuple[int, LeanPlan]] = {}
        self._criteria: dict[Criterion, Criterion] = {}
        self._combinations: dict[Any, Compiled] = {}

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
        return plan

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
