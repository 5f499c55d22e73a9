"""A diagnosis ICD-10-CM files, by an inclusion term, under a wider code of another heading.

A common name (`terminology/icd10cm_common_names.json`) holds only codes that are wholly the
named diagnosis. Some kinds of it ICD-10-CM files elsewhere, under a code wider than the name,
and says so only in an inclusion term: "Primary progressive aphasia" under G31.01 Pick's
disease, "Sciatica due to intervertebral disc disorder" under M51.1 (disc disorders with
radiculopathy), "Lupus panniculitis" under L93.2. A patient coded there may have the named
diagnosis or not; holding no code of the set, he was `not-met`, and an inclusion naming the
diagnosis ("Diagnosed with sciatica by GP") called him ineligible. Such an entry may be the
diagnosis: the answer it would give if it were, but never `met` (`diagnoses._may_be`), and the
prefilter keeps the patient. The table is `terminology/icd10cm_may_be.json`
(tools/build_icd10cm_may_be.py). Its `elsewhere` part does the same for codes a sweep of the
release found outside a concept's codes that may or may not be it: gestational hypertension
O13 for "hypertension", gestational diabetes O24.4 for "diabetes mellitus", "Personal history
of pulmonary embolism" Z86.711 coded without the words.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from fhirtrial.patient.items import ConditionItem
from fhirtrial.patient.values import ICD10CM


@cache
def _table() -> dict[str, tuple[str, ...]]:
    """Concept id → the codes outside its set that may be it (inclusion terms; `elsewhere`)."""
    text = files("fhirtrial.eligibility.terminology").joinpath("icd10cm_may_be.json").read_text()
    document = json.loads(text)
    table: dict[str, tuple[str, ...]] = {}
    for part in ("names", "elsewhere"):
        for entry in document.get(part, {}).values():
            table[entry["concept"]] = table.get(entry["concept"], ()) + tuple(entry["codes"])
    return table


def _dotted(code: str) -> str:
    code = code.strip().upper()
    return f"{code[:3]}.{code[3:]}" if "." not in code and len(code) > 3 else code


def _codes(item: ConditionItem) -> list[str]:
    return [_dotted(c.code) for c in item.code.codings if c.system == ICD10CM and c.code]


def _under(code: str, heads: tuple[str, ...]) -> bool:
    return any(code == head or code.startswith(head) for head in heads)


def filed_by_inclusion_term(item: ConditionItem, concept: str) -> bool:
    """Whether the entry is coded under a code whose inclusion terms name a kind of ``concept``."""
    heads = _table().get(concept)
    return heads is not None and any(_under(code, heads) for code in _codes(item))


def concepts_by_inclusion_term(item: ConditionItem) -> frozenset[str]:
    """The concepts the entry may be by an inclusion term of its code (for the prefilter)."""
    codes = _codes(item)
    if not codes:
        return frozenset()
    return frozenset(
        concept for concept, heads in _table().items() if any(_under(c, heads) for c in codes)
    )
