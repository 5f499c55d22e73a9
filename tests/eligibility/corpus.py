"""The 1,357 real eligibility texts (tests/data/criteria), split into development and held-out.

Rules are developed and checked on `development_texts()`; the 49 studies of the frozen held-out
sample (tests/eligibility/heldout/README.md) are only ever scored, never read to write a rule.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "data" / "criteria" / "eligibility-texts.ndjson"
HELDOUT = Path(__file__).resolve().parent / "heldout"


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@cache
def all_texts() -> tuple[dict, ...]:
    return tuple(_read(CORPUS))


@cache
def heldout_ids() -> frozenset[str]:
    return frozenset(row["nctId"] for row in _read(HELDOUT / "texts.ndjson"))


def development_texts() -> list[dict]:
    """Every text of the corpus but the held-out studies."""
    held = heldout_ids()
    return [row for row in all_texts() if row["nctId"] not in held]
