"""The catalog's evaluation plans: built when a `$match` needs them, or ahead of it at start.

Without a warm-up, the first `$match` of a process reads every candidate study's criteria and
builds its plan (about 25 s at 30,000 studies on the bench machine, ADR 0017) inside that
request's time budget. `warm_plans` does the same work in the background when the server
starts, in pieces that let requests through; a match arriving meanwhile waits for it rather
than building the same plans a second time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from fhirtrial.eligibility.evaluation.lean import LeanPlan
from fhirtrial.matching.index.sync import sync_index
from fhirtrial.matching.plans import PlanStore
from fhirtrial.matching.resource_cache import load_current
from fhirtrial.matching.service import MatchService
from fhirtrial.offload import off_loop

log = logging.getLogger("fhirtrial.matching")

# Plans built per turn of the CPU worker (~2 ms each): concurrent requests take turns between.
_PLANS_PER_PIECE = 100
# EvidenceVariables the warm-up reads from the database at a time.
_WARM_READ = 500


async def after_warm_up(matching: MatchService) -> None:
    """Returns once the start-up build of the plans (if one runs) has ended."""
    warming = matching.warming
    if warming is not None and not warming.done() and asyncio.current_task() is not warming:
        await asyncio.wait({warming})  # not shielded work of ours: its failure is only logged


async def plans_for(matching: MatchService, wanted: dict[str, int]) -> dict[str, LeanPlan]:
    """EvidenceVariable id → its plan, for the wanted (id → version) pairs; plans not held yet
    are built from the resources (read from the cache or the database) and kept."""
    await after_warm_up(matching)
    store = matching.plans
    found: dict[str, LeanPlan] = {}
    missing: dict[str, int | None] = {}
    for ev, version in wanted.items():
        plan = store.get(ev, version)
        if plan is None:
            missing[ev] = version
        else:
            found[ev] = plan
    if not missing:
        return found
    resources = await load_current(
        matching.database, matching.resources, "EvidenceVariable", missing
    )
    pending = [(ev, wanted[ev], resource) for ev, resource in resources.items()]
    for start in range(0, len(pending), _PLANS_PER_PIECE):
        piece = pending[start : start + _PLANS_PER_PIECE]
        found.update(await off_loop(_build_plans, store, piece))
    return found


async def warm_plans(matching: MatchService) -> int:
    """Bring the match index up to date and build the plan of every indexed study's criteria;
    how many plans the process then holds."""
    await sync_index(matching)
    wanted: list[tuple[str, int]] = []
    for entry in list(matching.index.mirror.entries.values()):
        ev, version = entry.get("ev"), entry.get("ev_v")
        if ev and version is not None:
            wanted.append((ev, version))
    wanted.sort()
    for start in range(0, len(wanted), _WARM_READ):
        await plans_for(matching, dict(wanted[start : start + _WARM_READ]))
    return len(matching.plans)


def start_warm_up(
    matching: MatchService, then: Callable[[], None] | None = None
) -> asyncio.Task[int]:
    """The warm-up as a task of the server's lifespan, kept on the service for `plans_for`;
    `then` runs when it has built the plans (the server freezes them for the collector)."""

    async def warm() -> int:
        try:
            built = await warm_plans(matching)
        except Exception:  # the first match builds what it needs, as without a warm-up
            log.exception("Building the catalog's evaluation plans at start failed")
            return len(matching.plans)
        log.info("Evaluation plans of %d studies' criteria built", built)
        if then is not None:
            then()
        return built

    matching.warming = asyncio.create_task(warm(), name="match-plans-warm-up")
    return matching.warming


def _build_plans(
    store: PlanStore, piece: list[tuple[str, int, dict[str, Any]]]
) -> dict[str, LeanPlan]:
    built = {}
    for ev, version, evidence_variable in piece:
        try:
            built[ev] = store.put(ev, version, evidence_variable)
        except Exception:  # the evaluation of these criteria fails alike (matcher)
            log.exception("Reading the criteria %s failed", ev)
    return built
