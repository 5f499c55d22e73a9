"""Packaged terminology: concept id → codings across code systems, and the reverse lookups.

Data files (one value set each, with `sources` naming code system versions) live next to this
module: conditions, therapies, observations, stages, biomarkers. Nothing is fetched at run time.

- `codings(concept)`: the codings that define a concept (written into FHIR).
- `members(concept)`: member codes of a class (RxNorm ingredients of a drug class, CVX vaccines).
- `concepts_for(system, code)`: every concept a patient's code satisfies, including ancestors
  (`includes`), ICD-10-CM / ATC descendants (codes written `C43*`) and class membership.
- `concepts_for_text(text)`: synonym matching, the last-resort path for uncoded data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fhirtrial.eligibility.model import Coding

_DATA_DIR = Path(__file__).parent
_VALUE_SET_FILES = ("conditions", "therapies", "observations", "stages", "biomarkers")
AJCC_SYSTEM = "http://cancerstaging.org"
RXNORM_SYSTEM = "http://www.nlm.nih.gov/research/umls/rxnorm"
_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}


@dataclass(frozen=True)
class Concept:
    id: str
    value_set: str
    display: str
    codings: tuple[Coding, ...]
    members: tuple[Coding, ...]
    includes: tuple[str, ...]
    synonyms: tuple[str, ...]
    unit: str | None


class Terminology:
    def __init__(self, documents: dict[str, dict]) -> None:
        self.sources: dict[str, dict[str, str]] = {}
        self.concepts: dict[str, Concept] = {}
        self.prednisone_factors: dict[str, float] = {}
        for name, document in documents.items():
            self.sources[name] = document.get("sources", {})
            for concept_id, raw in document["concepts"].items():
                self.concepts[concept_id] = _concept(concept_id, name, raw)
            factors = document.get("prednisoneEquivalence", {}).get("factors", {})
            self.prednisone_factors.update({code: float(f) for code, f in factors.items()})
        self._parents = self._index_parents()
        self._exact: dict[tuple[str, str], set[str]] = {}
        self._prefix: dict[tuple[str, str], set[str]] = {}
        for concept in self.concepts.values():
            for coding in (*concept.codings, *concept.members):
                if coding.code.endswith("*"):
                    key = (coding.system, _normalize_code(coding.system, coding.code[:-1]))
                    self._prefix.setdefault(key, set()).add(concept.id)
                else:
                    key = (coding.system, _normalize_code(coding.system, coding.code))
                    self._exact.setdefault(key, set()).add(concept.id)
        self._synonyms = self._compile_synonyms()

    def _index_parents(self) -> dict[str, set[str]]:
        parents: dict[str, set[str]] = {}
        for concept in self.concepts.values():
            for child in concept.includes:
                parents.setdefault(child, set()).add(concept.id)
        return parents

    def _compile_synonyms(self) -> list[tuple[re.Pattern[str], str]]:
        pairs = [
            (synonym.lower(), concept.id)
            for concept in self.concepts.values()
            for synonym in concept.synonyms
        ]
        pairs.sort(key=lambda pair: -len(pair[0]))
        return [(re.compile(rf"(?<![\w-]){re.escape(s)}(?![\w-])"), cid) for s, cid in pairs]

    def with_ancestors(self, concept_ids: set[str]) -> frozenset[str]:
        result = set(concept_ids)
        stack = list(concept_ids)
        while stack:
            for parent in self._parents.get(stack.pop(), ()):
                if parent not in result:
                    result.add(parent)
                    stack.append(parent)
        return frozenset(result)

    def concepts_for(self, system: str, code: str) -> frozenset[str]:
        normalized = _normalize_code(system, code)
        found = set(self._exact.get((system, normalized), ()))
        for end in range(1, len(normalized) + 1):
            found.update(self._prefix.get((system, normalized[:end]), ()))
        return self.with_ancestors(found)

    def concepts_for_text(self, text: str) -> frozenset[str]:
        lowered = text.lower()
        found = {concept_id for pattern, concept_id in self._synonyms if pattern.search(lowered)}
        return self.with_ancestors(found)


def _concept(concept_id: str, value_set: str, raw: dict) -> Concept:
    return Concept(
        id=concept_id,
        value_set=value_set,
        display=raw.get("display", concept_id),
        codings=tuple(Coding(c["system"], c["code"], c.get("display")) for c in raw["codings"]),
        members=tuple(
            Coding(c["system"], c["code"], c.get("display")) for c in raw.get("members", [])
        ),
        includes=tuple(raw.get("includes", ())),
        synonyms=tuple(raw.get("synonyms", ())),
        unit=raw.get("unit"),
    )


def _normalize_code(system: str, code: str) -> str:
    """AJCC stage codes come as "c3C", "IIIC", "pIV", "4": compare them as roman upper case."""
    if system != AJCC_SYSTEM:
        return code
    stripped = code.strip()
    if len(stripped) > 1 and stripped[0] in "cpyr" and not stripped[1].islower():
        stripped = stripped[1:]
    stripped = stripped.upper()
    if stripped[:1] in _ROMAN:
        stripped = _ROMAN[stripped[0]] + stripped[1:]
    return stripped


@cache
def terminology() -> Terminology:
    documents = {
        name: json.loads((_DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        for name in _VALUE_SET_FILES
    }
    return Terminology(documents)


def concept(concept_id: str) -> Concept:
    return terminology().concepts[concept_id]


def codings(concept_id: str) -> tuple[Coding, ...]:
    """Codings that define the concept; class codes written `L01FF*` are returned as `L01FF`."""
    return tuple(
        Coding(c.system, c.code.rstrip("*"), c.display) for c in concept(concept_id).codings
    )


def members(concept_id: str) -> tuple[Coding, ...]:
    return concept(concept_id).members


def concepts_for(system: str, code: str) -> frozenset[str]:
    return terminology().concepts_for(system, code)


def concepts_for_text(text: str) -> frozenset[str]:
    return terminology().concepts_for_text(text)


def prednisone_equivalent_factor(rxnorm_ingredient: str) -> float | None:
    """mg prednisone per mg of the ingredient (None when the ingredient is not a glucocorticoid)."""
    return terminology().prednisone_factors.get(rxnorm_ingredient)


def canonical_unit(concept_id: str) -> str | None:
    return concept(concept_id).unit


def sources() -> dict[str, dict[str, str]]:
    """Value set name → {code system URI: source and version}."""
    return terminology().sources
