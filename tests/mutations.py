"""Seeded mutations of valid JSON, for tests that malformed input is refused cleanly."""

from __future__ import annotations

import copy
import random
from typing import Any

# Values of every JSON type, and strings no FHIR or CT.gov field accepts.
REPLACEMENTS: tuple[Any, ...] = (
    None,
    "",
    0,
    -1,
    1.5,
    True,
    [],
    {},
    "x",
    [None],
    [{}],
    {"a": 1},
    "2020-13-01",
    "\u0000",
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key/index path below `node` (the first three items of each array)."""
    found: list[tuple] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*prefix, key))
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:3]):
            found.append((*prefix, index))
            found += paths(value, (*prefix, index))
    return found


def mutated(document: dict, path: tuple, value: Any) -> dict:
    """A copy of `document` with the value at `path` replaced."""
    out = copy.deepcopy(document)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def random_mutations(document: dict, count: int, seed: int, keep: tuple = ()) -> list[dict]:
    """`count` copies of `document`, each with one value replaced (never at a path in `keep`)."""
    rng = random.Random(seed)
    candidates = [p for p in paths(document) if p not in keep]
    return [
        mutated(document, rng.choice(candidates), rng.choice(REPLACEMENTS)) for _ in range(count)
    ]
