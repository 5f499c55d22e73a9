"""A catalog of studies with distinct criteria compiled from real eligibility texts.

Used by `bench/match.py --real-criteria`. Each study is a real ClinicalTrials.gov record of
tests/data (its conditions, sites, status, ages, sex; one of `match.DISEASES` substituted for its
first condition, as the replica catalog does) whose compiled criteria are replaced by

- the inclusion criteria compiled from one real text of `TEXTS` (1,357 texts from all disease
  areas), and
- the exclusion criteria compiled from another,

a different (inclusion text, exclusion text) pair for every study, so no two studies share
compiled criteria, while every leaf of the catalog is a leaf the compiler produced from a real
text. The record's own demographic characteristics (age, sex, healthy volunteers) stay. Each
text is compiled once (`map_study` of the template record with that text as its eligibility
criteria, ~22 ms) and its top-level characteristics are spliced.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from fhirtrial.mappers.ctgov import map_study

TEXTS = Path("/work/shared/data/criteria/eligibility-texts.ndjson")
_INCLUSION, _EXCLUSION = "inc-", "exc-"


def real_texts(path: Path = TEXTS) -> list[str]:
    return [json.loads(line)["eligibilityCriteria"] for line in path.open()]


def compiled_parts(
    template: dict[str, Any], texts: list[str]
) -> list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """(inclusion characteristics, exclusion characteristics) compiled from each text."""
    parts = []
    record = copy.deepcopy(template)
    eligibility = record["protocolSection"].setdefault("eligibilityModule", {})
    for text in texts:
        eligibility["eligibilityCriteria"] = text
        resources = map_study(record).resources
        characteristics = _evidence_variable(resources).get("characteristic", [])
        parts.append(
            (
                [c for c in characteristics if c.get("linkId", "").startswith(_INCLUSION)],
                [c for c in characteristics if c.get("linkId", "").startswith(_EXCLUSION)],
            )
        )
    return parts


def pair(number: int, texts: int) -> tuple[int, int]:
    """The (inclusion text, exclusion text) of study `number`: distinct pairs, never one text
    with itself, for up to texts × (texts - 1) studies."""
    inclusion = number % texts
    return inclusion, (inclusion + 1 + number // texts) % texts


def with_criteria(
    resources: list[dict[str, Any]],
    inclusions: list[dict[str, Any]],
    exclusions: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The study's resources, its EvidenceVariable's compiled criteria replaced (in place)."""
    evidence_variable = _evidence_variable(resources)
    own = [
        c
        for c in evidence_variable.get("characteristic", [])
        if not c.get("linkId", "").startswith((_INCLUSION, _EXCLUSION))
    ]
    evidence_variable["characteristic"] = own + inclusions + exclusions
    return resources


def _evidence_variable(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in resources if r["resourceType"] == "EvidenceVariable")


def leaves(characteristic: dict[str, Any]) -> Iterator[bytes]:
    """A characteristic's computable leaves (those with a definition; a text-only leaf is
    "unknown" without evaluation) as canonical JSON without linkId and description: two leaves
    with equal keys are evaluated alike."""
    members = (characteristic.get("definitionByCombination") or {}).get("characteristic")
    if members:
        for member in members:
            yield from leaves(member)
        return
    if not any(key.startswith("definition") for key in characteristic):
        return
    leaf = {k: v for k, v in characteristic.items() if k not in ("linkId", "description")}
    yield orjson.dumps(leaf, option=orjson.OPT_SORT_KEYS)


def leaf_sharing(evidence_variables: list[list[dict[str, Any]]]) -> dict[str, float]:
    """Computable leaves in all, distinct ones, and the share of leaves a per-request leaf cache
    would not have to evaluate (1 - distinct/all)."""
    counts: Counter[bytes] = Counter()
    for characteristics in evidence_variables:
        for characteristic in characteristics:
            counts.update(leaves(characteristic))
    total = sum(counts.values())
    return {
        "leaves": total,
        "distinct_leaves": len(counts),
        "repeated_share": round(1 - len(counts) / total, 3) if total else 0.0,
    }
