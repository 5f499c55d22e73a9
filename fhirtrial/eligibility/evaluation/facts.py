"""A patient record seen through the criterion terminology: concept id → the patient's items.

Codes are matched across systems through the packaged terminology (`concepts_for`): a SNOMED CT
diagnosis and an ICD-10-CM one land on the same concept, and so does an ICD-10-CM descendant of
a class code (`C43*`). An item whose codes name no known concept falls back to its text (the
display or CodeableConcept.text, then member ingredient names for drugs); such matches are kept
apart so that a reason can say the match was made by name.

Built once per record and cached (the record is immutable), so a `$match` over many studies
pays for it once.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar

from fhirtrial.eligibility import terminology
from fhirtrial.lru import LRU
from fhirtrial.patient.items import (
    ConditionItem,
    ImmunizationItem,
    MedicationItem,
    ObservationItem,
    ProcedureItem,
)
from fhirtrial.patient.record import PatientRecord
from fhirtrial.patient.values import Concept

Item = TypeVar("Item")

_CODE_CACHE: LRU[tuple[str, str], frozenset[str]] = LRU(100_000)
_TEXT_CACHE: LRU[str, frozenset[str]] = LRU(100_000)


def concepts_of_code(system: str, code: str) -> frozenset[str]:
    key = (system, code)
    found = _CODE_CACHE.get(key)
    if found is None:
        found = terminology.concepts_for(system, code)
        _CODE_CACHE.put(key, found)
    return found


def concepts_of_text(text: str) -> frozenset[str]:
    found = _TEXT_CACHE.get(text)
    if found is None:
        found = terminology.concepts_for_text(text) | _member_names_in(text)
        _TEXT_CACHE.put(text, found)
    return found


def concepts_of(concept: Concept) -> frozenset[str]:
    found: set[str] = set()
    for system, code in concept.keys:
        found |= concepts_of_code(system, code)
    return frozenset(found)


@cache
def _member_name_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Ingredient / vaccine names of class members: "Pembrolizumab 25 MG/ML" names its class."""
    patterns = []
    for concept in terminology.terminology().concepts.values():
        for member in concept.members:
            if member.display and len(member.display) > 3:
                name = re.escape(member.display.lower())
                patterns.append((re.compile(rf"(?<![\w-]){name}(?![\w-])"), concept.id))
    return tuple(patterns)


def _member_names_in(text: str) -> frozenset[str]:
    lowered = text.lower()
    found = {cid for pattern, cid in _member_name_patterns() if pattern.search(lowered)}
    return terminology.terminology().with_ancestors(found) if found else frozenset()


@dataclass(frozen=True, slots=True)
class Matches(Generic[Item]):
    items: tuple[Item, ...]
    by_text: bool

    def __bool__(self) -> bool:
        return bool(self.items)


class ConceptIndex(Generic[Item]):
    """Items of one category by concept id: coded matches, and text matches as a fallback."""

    def __init__(
        self, items: Iterable[Item], concepts: Callable[[Item], Iterable[Concept]]
    ) -> None:
        self.items: tuple[Item, ...] = tuple(items)
        self._coded: dict[str, list[Item]] = {}
        self._text: dict[str, list[Item]] = {}
        for item in self.items:
            item_concepts = tuple(concepts(item))
            coded: set[str] = set()
            for concept in item_concepts:
                coded |= concepts_of(concept)
            for concept_id in coded:
                self._coded.setdefault(concept_id, []).append(item)
            texts = {t for c in item_concepts for t in _texts(c)}
            by_text: set[str] = set()
            for text in texts:
                by_text |= concepts_of_text(text)
            for concept_id in by_text - coded:
                self._text.setdefault(concept_id, []).append(item)

    def find(self, concept_id: str) -> Matches[Item]:
        coded = self._coded.get(concept_id)
        if coded:
            return Matches(tuple(coded), by_text=False)
        return Matches(tuple(self._text.get(concept_id, ())), by_text=True)

    def find_all(self, concept_id: str) -> Matches[Item]:
        """Coded and text matches together (for counting events such as therapy lines)."""
        coded = self._coded.get(concept_id, [])
        text = self._text.get(concept_id, [])
        return Matches(tuple(coded) + tuple(i for i in text if i not in coded), by_text=not coded)

    def __len__(self) -> int:
        return len(self.items)


def _texts(concept: Concept) -> tuple[str, ...]:
    texts = [concept.text] if concept.text else []
    texts += [c.display for c in concept.codings if c.display]
    return tuple(texts)


class PatientFacts:
    def __init__(self, record: PatientRecord) -> None:
        self.record = record
        self.conditions: ConceptIndex[ConditionItem] = ConceptIndex(
            record.conditions, lambda c: (c.code,)
        )
        self.observations: ConceptIndex[ObservationItem] = ConceptIndex(
            record.observations, lambda o: (o.code,)
        )
        self.medications: ConceptIndex[MedicationItem] = ConceptIndex(
            record.medications, MedicationItem.all_concepts
        )
        self.procedures: ConceptIndex[ProcedureItem] = ConceptIndex(
            record.procedures, lambda p: (p.code,)
        )
        self.immunizations: ConceptIndex[ImmunizationItem] = ConceptIndex(
            record.immunizations, lambda i: (i.vaccine,)
        )


_FACTS: LRU[int, tuple[weakref.ref[PatientRecord], PatientFacts]] = LRU(64)


def facts_for(record: PatientRecord) -> PatientFacts:
    """The (cached) concept view of a record."""
    entry = _FACTS.get(id(record))
    if entry is not None and entry[0]() is record:
        return entry[1]
    facts = PatientFacts(record)
    _FACTS.put(id(record), (weakref.ref(record), facts))
    return facts
