"""Which recorded diagnoses are in a group of diagnoses read literally ("neurological disease").

A group (terminology/diagnosis_groups.json) is named for an ICD-10-CM range, its extent ("G00-G99")
and holds a core, the diagnoses no clinician would argue about. A recorded diagnosis is read
three ways:

- ``core``: one of its ICD-10-CM codes lies in the core, or one of its SNOMED CT codes is a core
  code, or a diagnosis it names (by code or words: a hand-made concept or an ICD-10-CM title,
  the most specific ones only) has all its ICD-10-CM codes in the core ("Major depressive
  disorder" in SNOMED CT or in words is a mental disorder);
- ``periphery``: not in the core, but a code of it, or of a diagnosis it names, lies in the
  extent ("Migraine" G43.909 for "neurological disease"): it may or may not count, so a criterion
  on the group is unknown for it, never met and never not met;
- neither: it is no diagnosis of the group.

Groups are kept out of the code index of the other concepts (`terminology.DIAGNOSIS_GROUPS`): a
code of the extent does not make a record carry the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.terminology.groups import (
    core_codes,
    extent_codes,
    groups,
    in_core,
    meets_extent,
)
from fhirtrial.patient.items import ConditionItem
from fhirtrial.patient.values import ICD10CM, SNOMED

Reading = Literal["core", "periphery"]


@dataclass(frozen=True, slots=True)
class Placed:
    """How a recorded diagnosis stands to a group."""

    reading: Reading
    by_code: bool
    """Placed by a code of the entry (or a diagnosis its codes name), not by its words only."""
    code: str | None
    """The entry's ICD-10-CM code that placed it, for the reason, when one did."""


def _dotted(code: str) -> str:
    stripped = code.strip().upper()
    if len(stripped) > 3 and "." not in stripped:
        return f"{stripped[:3]}.{stripped[3:]}"
    return stripped


@cache
def _code_reading(group: str, code: str) -> Reading | None:
    if in_core(group, code):
        return "core"
    return "periphery" if meets_extent(group, code) else None


@cache
def _concept_reading(group: str, concept_id: str) -> Reading | None:
    """A diagnosis concept is in the core when all its ICD-10-CM codes are, in the periphery
    when one of them meets the extent."""
    try:
        concept = terminology.concept(concept_id)
    except KeyError:
        return None
    codes = [c.code for c in concept.codings if c.system == ICD10CM]
    if not codes or concept.value_set == terminology.DIAGNOSIS_GROUPS:
        return None
    if all(in_core(group, c) for c in codes):
        return "core"
    return "periphery" if any(meets_extent(group, c) for c in codes) else None


def _most_specific(concepts: frozenset[str]) -> list[str]:
    """The concepts no other of the set lies under ("autoimmune disease" beside "multiple
    sclerosis" says nothing more of the entry)."""
    vocabulary = terminology.terminology()
    return [c for c in concepts if not any(c in vocabulary.ancestors(o) for o in concepts)]


def place(
    group: str, item: ConditionItem, concepts: frozenset[str], coded: frozenset[str]
) -> Placed | None:
    """How a recorded diagnosis stands to ``group``: ``concepts`` are those of its codes and
    words, ``coded`` those of its codes alone."""
    icd = [_dotted(c) for c in item.code.codes_in(ICD10CM)]
    readings: list[tuple[Reading, bool, str | None]] = []
    for code in icd:
        reading = _code_reading(group, code)
        if reading is not None:
            readings.append((reading, True, code))
    snomed = item.code.codes_in(SNOMED)
    if not core_codes(group, SNOMED).isdisjoint(snomed):
        readings.append(("core", True, None))
    elif not extent_codes(group, SNOMED).isdisjoint(snomed):
        # "Disorder of nervous system" says no more than the group's name.
        readings.append(("periphery", True, None))
    named = _most_specific(concepts)
    if icd:
        # The ICD-10-CM code says more than the concepts it maps to (B07.9 viral wart is an
        # `infection`, whose codes reach skin infections): only the entry's words add to it.
        named = [c for c in named if c not in coded]
    for concept_id in named:
        reading = _concept_reading(group, concept_id)
        if reading is not None:
            readings.append((reading, concept_id in coded, None))
    for wanted in ("core", "periphery"):
        found = [r for r in readings if r[0] == wanted]
        if found:
            by_code = any(r[1] for r in found)
            shown = next((r[2] for r in found if r[2] is not None), None)
            return Placed(wanted, by_code, shown)
    return None


def groups_of(item: ConditionItem, concepts: frozenset[str], coded: frozenset[str]) -> set[str]:
    """Every group a recorded diagnosis is in, or may be in (core or periphery)."""
    return {g for g in groups() if place(g, item, concepts, coded) is not None}
