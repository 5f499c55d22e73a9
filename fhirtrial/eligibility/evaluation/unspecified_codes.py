"""An entry coded as the unspecified member of a residual ICD-10-CM category may be any
diagnosis of its block.

Epic and Cerner problem lists often stop at "Unspecified osteoarthritis, unspecified site"
(M19.90), "Cardiac arrhythmia, unspecified" (I49.9) or "Disorder of thyroid, unspecified"
(E07.9). Such an entry may be the knee osteoarthritis (M17), atrial fibrillation (I48) or
Hashimoto's thyroiditis (E06.3) a criterion names in another category of the same block: the
criterion is unknown for that patient, never not met. The table
(`terminology/icd10cm_unspecified.json`, built by tools/build_icd10cm_unspecified.py) says
which codes are such entries and the block of every category.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib.resources import files


@cache
def _table() -> tuple[dict[str, str], frozenset[str]]:
    table = files("fhirtrial.eligibility.terminology").joinpath("icd10cm_unspecified.json")
    raw = json.loads(table.read_text(encoding="utf-8"))
    return raw["blocks"], frozenset(raw["unspecified"])


def _dotted(code: str) -> str:
    code = code.strip().upper()
    return f"{code[:3]}.{code[3:]}" if "." not in code and len(code) > 3 else code


def may_be_any_of(recorded: str, wanted: Iterable[str]) -> bool:
    """Whether the recorded ICD-10-CM code is an unspecified entry of the block of one of the
    ``wanted`` codes (class codes such as `M17*` are read as `M17`)."""
    blocks, unspecified = _table()
    code = _dotted(recorded)
    if code not in unspecified:
        return False
    block = blocks.get(code[:3])
    return block is not None and any(
        blocks.get(_dotted(w.rstrip("*"))[:3]) == block for w in wanted
    )


# Prefilter keys (`matching.keys`): a study requiring a diagnosis of a block must stay a
# candidate for a patient whose entry is an unspecified code of that block.
BLOCK_KEY_PREFIX = "icd10cm-unspecified-in:"


def block_keys_of_required(wanted: Iterable[str]) -> frozenset[str]:
    """The block keys of the ICD-10-CM codes a criterion requires."""
    blocks, _ = _table()
    found = {blocks.get(_dotted(w.rstrip("*"))[:3]) for w in wanted}
    return frozenset(f"{BLOCK_KEY_PREFIX}{b}" for b in found if b is not None)


def block_keys_of_recorded(recorded: Iterable[str]) -> frozenset[str]:
    """The block keys of the recorded ICD-10-CM codes that are unspecified entries."""
    blocks, unspecified = _table()
    found = {blocks.get(code[:3]) for code in map(_dotted, recorded) if code in unspecified}
    return frozenset(f"{BLOCK_KEY_PREFIX}{b}" for b in found if b is not None)
