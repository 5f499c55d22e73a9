"""A recorded diagnosis without an ICD-10-CM code whose words name an ICD-10-CM title may be it.

Diagnoses named by their ICD-10-CM title (`icd10cm:M17`, "Osteoarthritis of knee") are found by
the code's subtree or by the title itself. Epic exports a problem under its IMO code, Cerner and
HIEs under SNOMED CT only, in the clinician's words: "Primary osteoarthritis of right knee (HCC)",
"Plaque psoriasis", "Gouty arthritis of left great toe". No code places such an entry, and its
words are not the title — but they hold every word of it, so it may be that diagnosis: the
evaluator answers `unknown` rather than `not-met` (which on an inclusion hides the study from a
patient who has the disease), and the prefilter keeps the patient.

A title word is held by a word of the entry that is it or, for words of four letters or more,
starts with it ("gouty" holds "gout", "knees" holds "knee"). "Non-alcoholic" does not hold
"alcoholic".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.evaluation.inclusion_terms import filed_by_inclusion_term
from fhirtrial.eligibility.terminology import ICD_SET_JOIN, ICD_TITLE_PREFIX, title_name
from fhirtrial.lru import LRU
from fhirtrial.patient.items import ConditionItem
from fhirtrial.patient.values import ICD10CM

_WORD = re.compile(r"[a-z0-9]+")
_FILLER_WORDING = (
    "of and or the in with due to other unspecified specified not elsewhere classified by "
    "for on a an at as from nos"
)
_FILLER = frozenset(_FILLER_WORDING.split())
_STEM_MIN = 4
_CACHE: LRU[str, frozenset[str]] = LRU(20_000)


def _words(text: str) -> list[str]:
    # "non-alcoholic" is one word: its second half is what it denies.
    return _WORD.findall(re.sub(r"\bnon-", "non", text.lower()))


@cache
def _titles_by_word() -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    """Each title's first significant word → (concept id, the title's significant words). The
    titles, the heads and the names of sets of codes ("osteoarthritis" M15+…+M19) are indexed;
    a set is also named wherever a title of one of its codes is (`titles_named_in`)."""
    vocabulary = terminology.terminology()
    index: dict[str, list[tuple[str, frozenset[str]]]] = {}
    named = [*vocabulary.icd_titles.items(), *vocabulary.icd_heads.items()]
    named += [(c, n) for n, c in vocabulary.icd_variants.items() if ICD_SET_JOIN in c]
    for code, title in named:
        words = [w for w in _words(title_name(title)) if w not in _FILLER]
        if words:
            index.setdefault(words[0], []).append((ICD_TITLE_PREFIX + code, frozenset(words)))
    return {word: tuple(entries) for word, entries in index.items()}


def titles_named_in(text: str) -> frozenset[str]:
    """The `icd10cm:` concepts whose title's significant words the text all holds."""
    found = _CACHE.get(text)
    if found is None:
        found = _titles_named_in(text)
        _CACHE.put(text, found)
    return found


def _titles_named_in(text: str) -> frozenset[str]:
    words = set(_words(text))
    held = set(words)
    for word in words:
        held.update(word[:end] for end in range(_STEM_MIN, len(word)))
    index = _titles_by_word()
    found = {
        concept_id for word in held for concept_id, needed in index.get(word, ()) if needed <= held
    }
    vocabulary = terminology.terminology()
    for concept_id in list(found):
        found |= vocabulary.icd_sets_holding(concept_id[len(ICD_TITLE_PREFIX) :])
    return frozenset(found)


def has_icd10cm_code(item: ConditionItem) -> bool:
    return any(c.system == ICD10CM and c.code for c in item.code.codings)


def titles_an_entry_may_be(item: ConditionItem) -> frozenset[str]:
    """For an entry without an ICD-10-CM code: the titles its words may name (none otherwise)."""
    # Asked for each entry by every condition criterion of a match (~200 at 30,000 studies):
    # remembered per entry object, which the cache holds so that its id is not reused.
    cached = _TITLES.get(id(item))
    if cached is not None and cached[0] is item:
        return cached[1]
    titles: frozenset[str] = frozenset()
    if not has_icd10cm_code(item):
        titles = titles.union(*(titles_named_in(t) for t in item.code.texts))
    if len(_TITLES) >= _TITLES_HELD:
        _TITLES.clear()
    _TITLES[id(item)] = (item, titles)
    return titles


_TITLES: dict[int, tuple[ConditionItem, frozenset[str]]] = {}
_TITLES_HELD = 4096


def entries_that_may_be(items: Iterable[ConditionItem], concept: str) -> list[ConditionItem]:
    """The entries that may be the diagnosis of ``concept`` while no code of theirs lies in its
    subtree (the caller asks only when none does): an entry without an ICD-10-CM code whose
    words name the title, one coded under another heading of ICD-10-CM whose code's title is
    a kind of it (`kind_filed_elsewhere`), or one coded under a wider code whose inclusion terms
    name a kind of it (`inclusion_terms`: "Primary progressive aphasia" under G31.01). For a
    hand-made concept only the last: a code the sweep found may be it (O13 for hypertension)."""
    if not concept.startswith(ICD_TITLE_PREFIX):
        return [item for item in items if filed_by_inclusion_term(item, concept)]
    return [
        item
        for item in items
        if concept in titles_an_entry_may_be(item)
        or kind_filed_elsewhere(item, concept)
        or filed_by_inclusion_term(item, concept)
    ]


# A kind of a disease ICD-10-CM files under another heading: "Congenital hydrocephalus" Q03
# beside hydrocephalus G91, "Chronic gout" M1A beside gout M10, "Congenital glaucoma" Q15.0
# beside glaucoma H40, "Osteomyelitis of vertebra" M46.2 beside osteomyelitis M86. Only these
# shapes: a name merely held by a title is often another disease ("Lupus anticoagulant
# syndrome", "Color blindness").
_KIND_BEFORE = ("congenital", "chronic", "acute", "recurrent", "primary", "secondary")


def kind_filed_elsewhere(item: ConditionItem, concept: str) -> bool:
    """Whether the title of the entry's ICD-10-CM code (or of the nearest code above it that
    has one) is a kind of the title of ``concept``: "<kind word> <name>", or "<name> of / in
    …". The code says which diagnosis it is, so its title is read, never the entry's words."""
    codes = [c.code.strip().upper() for c in item.code.codings if c.system == ICD10CM and c.code]
    if not codes:
        return False
    try:
        name = title_name(terminology.terminology().concept(concept).display)
    except KeyError:
        return False
    for code in codes:
        title = _code_title(code)
        if title is None:
            continue
        said = title_name(title)
        if said == name or any(said == f"{kind} {name}" for kind in _KIND_BEFORE):
            return True
        if said.startswith((f"{name} of ", f"{name} in ")):
            return True
    return False


def _code_title(code: str) -> str | None:
    """The title of the code or of the nearest code above it in the shipped titles table."""
    titles = terminology.terminology().icd_titles
    if "." not in code and len(code) > 3:
        code = f"{code[:3]}.{code[3:]}"
    while code:
        if code in titles:
            return titles[code]
        code = code[:-1].rstrip(".")
    return None
