"""A study's EvidenceVariable read once into an evaluation plan (typed criteria), then cached.

Reading FHIR JSON into `Criterion` objects costs more than evaluating them; the plan is cached
by the EvidenceVariable's url/id, version and ``meta.versionId`` (and a cheap fingerprint of
its characteristics, so that an edited resource without a new version is never served stale).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from fhirtrial.eligibility.fhir_reader import ReadCharacteristic, read_characteristic
from fhirtrial.eligibility.model import CombinationCode, Criterion
from fhirtrial.lru import LRU

# Least recently used plans are dropped first. Sized for a catalog of ~20,000 studies (what a plan
# weighs: bench/README.md): clearing a smaller cache on every overflow made large catalogs rebuild
# every plan on every match.
_PLAN_CACHE: LRU[tuple[Any, ...], StudyPlan] = LRU(20_000)


@dataclass(frozen=True, slots=True)
class PlanNode:
    link_id: str
    description: str | None
    exclude: bool
    """For a top-level node: an exclusion criterion. For a member: the member is negated."""
    criterion: Criterion | None
    cohort: str | None
    cohort_label: str | None
    manual_review: bool
    combination: CombinationCode | None
    threshold: int | None
    children: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class StudyPlan:
    key: tuple[Any, ...]
    nodes: tuple[PlanNode, ...]
    cohort_keys: tuple[str, ...]
    """Every cohort a node is tied to, in order (worked out once: each evaluation asks)."""


def _cohort_keys(nodes: tuple[PlanNode, ...]) -> tuple[str, ...]:
    keys: list[str] = []
    for node in nodes:
        for key in _cohorts_in(node):
            if key not in keys:
                keys.append(key)
    return tuple(keys)


def _cohorts_in(node: PlanNode) -> Iterator[str]:
    if node.cohort:
        yield node.cohort
    for child in node.children:
        yield from _cohorts_in(child)


def plan_for(evidence_variable: dict[str, Any]) -> StudyPlan:
    key = _cache_key(evidence_variable)
    plan = _PLAN_CACHE.get(key)
    if plan is None:
        plan = build_plan(evidence_variable, key)
        _PLAN_CACHE.put(key, plan)
    return plan


def build_plan(evidence_variable: dict[str, Any], key: tuple[Any, ...] = ()) -> StudyPlan:
    characteristics = evidence_variable.get("characteristic")
    if not isinstance(characteristics, list):
        characteristics = []
    nodes = []
    for position, raw in enumerate(characteristics, start=1):
        if not isinstance(raw, dict):
            continue
        read = read_characteristic(raw)
        nodes.append(_node(read, fallback_id=f"characteristic-{position}", parent=None))
    return StudyPlan(key=key, nodes=tuple(nodes), cohort_keys=_cohort_keys(tuple(nodes)))


def _node(
    read: ReadCharacteristic, *, fallback_id: str, parent: ReadCharacteristic | None
) -> PlanNode:
    cohort = read.comparison_group or read.cohort_label
    if cohort is None and read.criterion is not None:
        cohort = read.criterion.cohort
    link_id = read.link_id or fallback_id
    return PlanNode(
        link_id=link_id,
        description=read.description,
        exclude=_member_negated(read, parent) if parent is not None else read.exclude,
        criterion=read.criterion,
        cohort=cohort,
        cohort_label=read.cohort_label,
        manual_review=read.manual_review,
        combination=read.combination,
        threshold=read.threshold,
        children=tuple(
            _node(child, fallback_id=f"{link_id}.{i}", parent=read)
            for i, child in enumerate(read.children, start=1)
        ),
    )


def _member_negated(child: ReadCharacteristic, parent: ReadCharacteristic) -> bool:
    """Whether a combination member is negated: its own ``exclude`` (docs/eligibility-model.md).

    Members never repeat the top-level exclusion: the sub-bullets of an exclusion bullet are
    written ``exclude: false`` (they list what excludes) and the combination's own ``exclude``
    applies the exclusion. Reading a member's ``exclude`` relative to its parent's negated every
    member of an exclusion combination ("transplant or cell therapy" excluded everyone who had
    neither).
    """
    del parent
    return child.exclude


def _cache_key(evidence_variable: dict[str, Any]) -> tuple[Any, ...]:
    meta = evidence_variable.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    identity = evidence_variable.get("url") or evidence_variable.get("id")
    version = evidence_variable.get("version") or meta.get("versionId")
    if identity and version:
        return (identity, version, meta.get("versionId"), meta.get("lastUpdated"))
    # Unversioned (e.g. posted inline to $match): key by content.
    content = orjson.dumps(evidence_variable.get("characteristic"), option=orjson.OPT_SORT_KEYS)
    return (identity, hashlib.blake2b(content, digest_size=16).digest())
