"""A recorded diagnosis that stops at a broader concept may be the narrower one asked for.

"Type 1 diabetes" is required and the problem list holds only "Diabetes mellitus" (SNOMED CT
73211009, no type): the entry may be type 1 diabetes, so the answer is `unknown`, not `not-met`.
An entry that names a narrower concept beside the broad one ("Type 2 diabetes mellitus" carries
`diabetes-type-2` and its ancestor `diabetes-mellitus`) says which it is, and so does another
entry of the record ("Diabetes mellitus" beside "Type 2 diabetes mellitus" is that one). Cancers
have their own rule (`cancers.less_specific_than`: site and histology are separate axes).
"""

from __future__ import annotations

from collections.abc import Iterable

from fhirtrial.eligibility import terminology

_MALIGNANCY = "malignant-neoplasm"


def stops_above(concepts: frozenset[str], wanted: str, record: Iterable[frozenset[str]]) -> bool:
    """Whether an entry with these concepts names, as its most specific concept, one that
    includes ``wanted`` (a concept outside the cancers) while no entry of the ``record`` (the
    concepts of each) names a narrower one under it."""
    vocabulary = terminology.terminology()
    above = vocabulary.ancestors(wanted)
    if not above or _MALIGNANCY in above or not (above & concepts):
        return False
    named = frozenset().union(*record) | concepts
    return any(
        not any(broad in vocabulary.ancestors(c) for c in named) for broad in above & concepts
    )


def possibly_narrower(concepts: frozenset[str]) -> frozenset[str]:
    """The concepts an entry may be without saying so: those under a concept it stops at
    ("Diabetes mellitus" may be type 1 or type 2), cancers aside (`cancers.descendants`)."""
    vocabulary = terminology.terminology()
    found: set[str] = set()
    for broad in concepts:
        if broad == _MALIGNANCY or _MALIGNANCY in vocabulary.ancestors(broad):
            continue
        if any(broad in vocabulary.ancestors(c) for c in concepts):
            continue
        found |= {c for c in vocabulary.concepts if broad in vocabulary.ancestors(c)}
    return frozenset(found)
