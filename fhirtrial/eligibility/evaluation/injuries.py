"""Injuries named in criteria ("hip fracture", "fractures", "burns", "concussion", "ankle
sprain"): when they happened, and entries that may be them without saying so.

The everyday names of injuries are sets of ICD-10-CM codes (`terminology/icd10cm_common_names.json`,
tools/build_icd10cm_common_names.py). Records write injuries in ways the codes alone misread:

- **An injury is an event.** A problem list keeps "Closed fracture of neck of right femur"
  (S72.001A) active for years. Read as "present at some time in the window", a hip fracture of
  2019 left open met "hip fracture within the past 6 months" and ruled the patient out. A
  window on an injury asks when it happened, as for a myocardial infarction
  (`evaluation.events`): by the entry's onset; a history or sequela entry ("Personal history of
  (healed) traumatic fracture" Z87.81, "…, sequela") dated before the window is not one in it,
  and one dated in it cannot say when the injury was (`unknown`).
- **A healed fracture is often a history code of no site.** Z87.81 (traumatic) and Z87.31-
  (osteoporosis, other pathological, stress fracture) do not say which bone broke: for a named
  fracture ("history of hip fracture") such an entry may be it — `unknown`, never `not-met`,
  which on an inclusion would hide the study from the patient it is for.
- **Cerner and HIEs send injuries in SNOMED CT only**, in words: "Fracture of neck of femur",
  "Burn of forearm", "Sprain of ankle". An entry without an ICD-10-CM code whose words name the
  injury's kind (a fracture, a burn, a sprain …) may be the one asked for: `unknown`.

An injury concept is `traumatic-brain-injury` or a set holding a code of the injury chapter's
injuries and burns (S00–T34) or a fracture code of the musculoskeletal chapter (osteoporotic,
pathological, stress, fatigue, periprosthetic fractures, collapsed vertebra). Poisonings and
toxic effects (T36–T65: "lead poisoning") are exposures, not events of one day, and stay as any
diagnosis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.terminology import ICD_TITLE_PREFIX, icd_set_codes
from fhirtrial.patient.items import ConditionItem
from fhirtrial.patient.values import ICD10CM

# The fracture codes of the musculoskeletal and perinatal chapters, and the fracture categories
# of the injury chapter (a fracture of a region: S02 skull and face … S92 foot).
_FRACTURES_OUTSIDE_INJURIES: tuple[str, ...] = (
    *("M80", "M84.3", "M84.4", "M84.5", "M84.6", "M48.4", "M48.5", "M97", "P13.0", "P13.4"),
)
_FRACTURE_CATEGORIES = frozenset(f"S{region}2" for region in range(10))
# A healed fracture of no stated site: traumatic, osteoporotic, other pathological, stress.
_FRACTURE_HISTORY = ("Z87.81", "Z87.31")
# The kinds of injury whose names an uncoded entry's words may hold: (codes, word stems).
_KINDS = (
    (("T2", "T30", "T31"), ("burn",)),
    (("S06.0",), ("concussion",)),
    (("S93.4",), ("sprain",)),
    (("S13.4",), ("whiplash", "sprain")),
    (("S83.51", "M23.61"), ("cruciate", "acl")),
    (("M75.1",), ("rotator cuff",)),
)
_FRACTURE_WORDS = ("fractur", "broken")
# Injuries whose lasting deficit a problem list codes instead of the injury: (the injury's
# codes, the deficit's codes). Years after a spinal cord injury the entry is "Paraplegia,
# complete" (G82.21) or "Quadriplegia, C5-C7 complete" (G82.51), with no S code of the cord.
_LASTING_DEFICITS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("S14.0", "S14.1", "S24.0", "S24.1", "S34.0", "S34.1"), ("G82.2", "G82.5")),
)
# The words of those deficits in an entry with no ICD-10-CM code (SNOMED CT "Paraplegia").
_DEFICIT_WORDS: dict[str, tuple[str, ...]] = {
    "G82.2": ("paraplegi", "paraparesis"),
    "G82.5": ("tetraplegi", "quadriplegi", "tetraparesis", "quadriparesis"),
}


def _is_fracture_code(code: str) -> bool:
    return code[:3] in _FRACTURE_CATEGORIES or code.startswith(_FRACTURES_OUTSIDE_INJURIES)


def _is_injury_code(code: str) -> bool:
    if code.startswith("S") or _is_fracture_code(code):
        return True
    return code.startswith("T") and code[1:3].isdigit() and int(code[1:3]) <= 34


# Hand-made concepts that are injuries (conditions.json: S06*).
_INJURY_CONCEPTS = frozenset({"traumatic-brain-injury"})


@cache
def is_injury(concept: str) -> bool:
    """Whether the concept is an injury: a set of injury codes (`icd10cm:S72.0+S72.1+S72.2`)
    or a hand-made injury concept (`traumatic-brain-injury`)."""
    if concept in _INJURY_CONCEPTS:
        return True
    return any(_is_injury_code(code) for code in icd_set_codes(concept))


@cache
def _words_of(concept: str) -> tuple[str, ...]:
    """The word stems an uncoded entry of this injury names it by ("fractur" …)."""
    codes = icd_set_codes(concept)
    if codes and all(_is_fracture_code(c) or c.startswith(_FRACTURE_HISTORY) for c in codes):
        return _FRACTURE_WORDS  # a fracture, not an injury holding some ("head injury")
    for prefixes, words in _KINDS:
        if any(code.startswith(prefixes) for code in codes):
            return words
    return ()


def _icd_codes(item: ConditionItem) -> list[str]:
    return [c.code.strip().upper() for c in item.code.codings if c.system == ICD10CM and c.code]


@cache
def _deficits_of(concept: str) -> tuple[str, ...]:
    """The codes of the lasting deficits that may stand for the injury ``concept``."""
    codes = icd_set_codes(concept)
    return tuple(
        deficit
        for injuries, deficits in _LASTING_DEFICITS
        if any(code.startswith(injuries) for code in codes)
        for deficit in deficits
    )


def _may_be(item: ConditionItem, concept: str) -> bool:
    codes = _icd_codes(item)
    if codes:
        deficits = _deficits_of(concept)
        if deficits and any(code.startswith(deficits) for code in codes):
            return True  # paraplegia for a spinal cord injury: it may be its cause
        return _words_of(concept) == _FRACTURE_WORDS and any(
            code.startswith(_FRACTURE_HISTORY) for code in codes
        )
    pattern = _uncoded_names(concept)
    return pattern is not None and any(pattern.search(text) for text in _lowered_texts(item))


@cache
def _uncoded_names(concept: str) -> re.Pattern[str] | None:
    """What an entry with no ICD-10-CM code names the injury by: any of its kind's word stems,
    or of its lasting deficits', at the start of a word (None: no words)."""
    words = _words_of(concept) + tuple(
        word for deficit in _deficits_of(concept) for word in _DEFICIT_WORDS.get(deficit, ())
    )
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + ")")


def _lowered_texts(item: ConditionItem) -> list[str]:
    return [t.lower() for t in item.code.texts]


def injury_entries_that_may_be(items: Iterable[ConditionItem], concept: str) -> list[ConditionItem]:
    """Entries that may be the injury ``concept`` names while no code of theirs lies in its set
    (the caller asks only when none does): a healed fracture of no site for a named fracture,
    an uncoded entry naming the injury's kind."""
    if not is_injury(concept):
        return []
    return [item for item in items if _may_be(item, concept)]


@cache
def _injury_concepts() -> tuple[str, ...]:
    vocabulary = terminology.terminology()
    concepts = {ICD_TITLE_PREFIX + code for code in vocabulary.icd_variants.values()}
    return tuple(sorted(c for c in concepts if is_injury(c) and (_words_of(c) or _deficits_of(c))))


_DEFICIT_CODES = tuple(code for _, deficits in _LASTING_DEFICITS for code in deficits)


def injuries_an_entry_may_be(item: ConditionItem) -> frozenset[str]:
    """The injury concepts the entry may be without a code of theirs (for the prefilter)."""
    codes = _icd_codes(item)
    if codes:
        if not any(c.startswith((*_FRACTURE_HISTORY, *_DEFICIT_CODES)) for c in codes):
            return frozenset()
        return frozenset(c for c in _injury_concepts() if _may_be(item, c))
    # No code: what `_may_be` asks of each concept, one search per distinct list of words
    texts = _lowered_texts(item)
    return frozenset(
        concept
        for pattern, concepts in _injuries_by_names()
        if any(pattern.search(text) for text in texts)
        for concept in concepts
    )


@cache
def _injuries_by_names() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """The injury concepts grouped by the pattern an uncoded entry names them by."""
    grouped: dict[re.Pattern[str], list[str]] = {}
    for concept in _injury_concepts():
        pattern = _uncoded_names(concept)
        if pattern is not None:
            grouped.setdefault(pattern, []).append(concept)
    return tuple((pattern, tuple(concepts)) for pattern, concepts in grouped.items())
