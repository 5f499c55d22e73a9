"""Diagnoses that share their last words: "ischemic or hemorrhagic stroke".

"Cervical or uterine cancer", "persistent or permanent atrial fibrillation", "type 2 or
gestational diabetes", "hepatic, renal or cardiac failure": the words before the list word are
the first halves of names whose common head is written once, after the last item. No finder
reads "cervical" or "persistent" alone, so the bullet stayed text. `expand_shared_heads` writes
the head after every item ("cervical cancer or uterine cancer") when, and only when:

- each expanded item ("cervical cancer", "uterine cancer") is read on its own as one diagnosis,
  with no text part and no qualifier the bare head does not have (a judgement word such as
  "severe" is the finder's business, not a name);
- no item is read alone ("diabetes or heart disease" is a list of two diagnoses; so is
  "anorexia or bulimia nervosa" if "anorexia" were a concept — then the text stays as it is);
- no item is a function word ("history of or current stroke") or a word of time or state
  ("prior or current", "acute or chronic" stay with the finders that read them as qualifiers
  when the expansion would not be a name of its own), but for "active" before a named kind:
  "active or latent tuberculosis" is latent tuberculosis or active tuberculosis (the head with
  the qualifier `active`; not after "history of", "prior": a past active TB is no active one;
  not "current", which after "or" the finders read as no state at all);
- the list word is "or" (or "and/or", "/"): "ischemic and hemorrhagic stroke patients" may
  mean either population or both, and "liver and lung metastases" in an exclusion may exclude
  a patient with both or with either; all-of would fail a patient with one, any-of would
  exclude one whom the study meant to keep, so "and" stays text.

The caller tries the expansion only when the text as written is not understood, so no reading
that compiled before changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from fhirtrial.eligibility.model import Criterion, Kind

_WORD = r"[a-z][a-z0-9'-]*"
_ITEM = rf"{_WORD}(?: \d)?"
# "A or B HEAD", "A, B or C HEAD", "A/B HEAD": items of one word (or "type 2"), a head of one
# to three words after the last item.
_SHARED_HEAD = re.compile(
    rf"\b(?P<items>{_ITEM}(?:, {_ITEM})*)(?P<conj>,? and/or |,? or |,? and | ?/ ?)"
    rf"(?P<last>{_ITEM}) (?P<head>{_WORD}(?: {_WORD}){{0,2}})"
)
_CONNECTIVES = (" or ", " and ", "/")
_PREVIOUS_WORD = re.compile(r"\b([a-z][a-z0-9'-]*) $")
# Words that are no first half of a diagnosis name.
_NOT_ITEMS = frozenset(
    {
        *("of", "with", "without", "in", "on", "for", "to", "by", "from", "at", "as", "the"),
        *("a", "an", "any", "no", "not", "non", "or", "and", "nor", "other", "all", "both"),
        *("history", "prior", "previous", "past", "current", "currently", "recent", "known"),
        *("suspected", "active", "new", "ongoing", "present", "presence", "existing"),
        *("confirmed", "diagnosed", "documented", "treated", "untreated", "stable"),
        *("mild", "moderate", "severe", "significant", "serious", "uncontrolled", "controlled"),
        *("early", "late", "advanced", "major", "minor", "clinical", "clinically"),
        *("symptomatic", "asymptomatic", "is", "are", "has", "have", "had", "was", "were"),
        *("be", "been", "patients", "subjects", "participants", "women", "men", "people"),
        *("who", "which", "that", "this", "their", "his", "her", "its", "either"),
    }
)
# Words before the first item that leave the list's items as they are: leads and verbs.
_LEADS = frozenset(
    {
        *("of", "with", "without", "no", "any", "known", "have", "has", "had", "having"),
        *("diagnosed", "diagnosis", "including", "include", "includes", "as", "e.g", "eg"),
        *("for", "from", "by", "in", "suffering", "or", "and", "nor", "either", "patients"),
        *("subjects", "participants", "is", "are", "was", "were", "previous", "prior"),
        *("current", "documented", "confirmed", "suspected", "presence", "existing", "other"),
    }
)
# Words before the first item that qualify every item: "severe hepatic, renal or cardiac
# failure" is severe hepatic failure, severe renal failure or severe cardiac failure.
_SHARED_QUALIFIERS = frozenset(
    {
        *("severe", "significant", "serious", "uncontrolled", "unstable", "decompensated"),
        *("symptomatic", "untreated", "active", "chronic", "acute", "advanced", "progressive"),
        *("ongoing", "end-stage", "clinically"),
    }
)

_HISTORY_BEFORE = re.compile(r"\b(?:history|hx|h/o|prior|previous|previously|past|ever)\b")

Compile = Callable[[str], "Criterion | None"]


def expand_shared_heads(text: str, *, read: Compile) -> str | None:
    """``text`` with a shared head written after every item of its lists, or None when it
    has no list that the rules of the module docstring allow to expand.

    ``read`` compiles a short name in full (an inclusion reading, no partial parts)."""
    if not any(connective in text for connective in _CONNECTIVES):
        return None
    pieces: list[str] = []
    start = 0
    for found in _SHARED_HEAD.finditer(text):
        if found.start() < start:
            continue
        expanded = _expanded(found, text, read=read)
        if expanded is None:
            continue
        begin, written = expanded
        pieces += [text[start:begin], written]
        start = found.end()
    if not pieces:
        return None
    return "".join(pieces) + text[start:]


def first_half_concepts(text: str, *, read: Compile) -> frozenset[str]:
    """The diagnoses named by first halves joined before one head, with any list word: in
    "cervical and uterine cancer" uterine cancer is one of the alternatives, not a necessary
    part of the bullet, whichever way "and" is meant. Empty when the text has no such list."""
    if not any(connective in text for connective in _CONNECTIVES):
        return frozenset()
    concepts: set[str] = set()
    for found in _SHARED_HEAD.finditer(text):
        items = [*found["items"].split(", "), found["last"]]
        if any(item.split()[0] in _NOT_ITEMS for item in items):
            continue
        words = found["head"].split()
        if len(set(items)) < len(items) or set(items) & set(words):
            continue
        for size in range(1, len(words) + 1):
            head = " ".join(words[:size])
            names = [f"{item} {head}" for item in items]
            if all(_one_name(name, head, read) for name in names):
                concepts.update(_concept(name, read) for name in names)
                break
    return frozenset(concepts)


def _concept(name: str, read: Compile) -> str:
    criterion = _cached(name, read)
    return criterion.concept or "" if criterion is not None else ""


def _expanded(found: re.Match[str], text: str, *, read: Compile) -> tuple[int, str] | None:
    """(where the rewritten words begin, the words) for one list, or None."""
    conjunction = found["conj"].strip(", ")
    if conjunction == "and":
        return None
    joiner = " or "
    all_items = found["items"].split(", ")
    last = found["last"]
    if last.split()[0] in _NOT_ITEMS:
        return None
    words = found["head"].split()
    if len({*all_items, last}) <= len(all_items) or {*all_items, last} & set(words):
        return None  # "active bleeding or bleeding diathesis": a word of the head, not a half
    if all_items == ["active"]:
        if _HISTORY_BEFORE.search(text, 0, found.start()):
            return None  # "history of active or latent TB": a past active TB too, no state
        return _state_or_kind(found, all_items[0], last, words, read)
    for first in range(len(all_items)):
        items = all_items[first:]
        if any(item.split()[0] in _NOT_ITEMS for item in items):
            continue
        if first == 0:
            before = text[: found.start()]
            lead = _PREVIOUS_WORD.search(before[-40:]) if before.endswith(" ") else None
            shared = lead[1] if lead is not None and lead.end() == len(before[-40:]) else None
            if shared is not None and shared not in _LEADS and shared not in _SHARED_QUALIFIERS:
                return None
        else:
            shared = None
        for size in range(1, len(words) + 1):
            head = " ".join(words[:size])
            names = [f"{item} {head}" for item in (*items, last)]
            if not all(_one_name(name, head, read) for name in names):
                continue
            if any(_reads_alone(item, read) for item in items):
                return None
            begin = found.start() + len(", ".join(all_items[:first])) + (2 if first else 0)
            if shared in _SHARED_QUALIFIERS:
                begin -= len(shared) + 1
                names = [f"{shared} {name}" for name in names]
            rest = " ".join(words[size:])
            written = ", ".join(names[:-1]) + joiner + names[-1]
            return begin, f"{written} {rest}" if rest else written
    return None


def _state_or_kind(
    found: re.Match[str], state: str, kind: str, words: list[str], read: Compile
) -> tuple[int, str] | None:
    """ "Active or latent tuberculosis": active tuberculosis, or latent tuberculosis — the
    head in its active state (read with that qualifier) or a kind named by its own words."""
    for size in range(1, len(words) + 1):
        head = " ".join(words[:size])
        bare, active = _cached(head, read), _cached(f"{state} {head}", read)
        if bare is None or active is None or not _one_name(f"{kind} {head}", head, read):
            continue
        if (
            active.kind is Kind.CONDITION
            and active.concept == bare.concept
            and active.qualifiers == ("active",)
            and active.window is None
            and not active.negated
        ):
            rest = " ".join(words[size:])
            written = f"{kind} {head} or {state} {head}"  # a state first would go with both
            return found.start(), f"{written} {rest}" if rest else written
    return None


def _one_name(name: str, head: str, read: Compile) -> bool:
    """``name`` is read as one diagnosis with nothing left as text, and is not the bare
    ``head`` with a qualifier (a judgement, not a name)."""
    criterion = _cached(name, read)
    if criterion is None or criterion.kind is not Kind.CONDITION or criterion.negated:
        return False
    if criterion.qualifiers or criterion.window is not None:
        return False
    bare = _cached(head, read)
    return bare is None or bare.concept != criterion.concept


def _reads_alone(item: str, read: Compile) -> bool:
    return _cached(item, read) is not None


@lru_cache(maxsize=512)
def _memo(name: str, read: Compile) -> Criterion | None:
    return read(name)


def _cached(name: str, read: Compile) -> Criterion | None:
    return _memo(name, read)


# An adjective of a diagnosis ("diabetic", "hypertensive", "asthmatic", "ischemic"): the ends
# English gives such adjectives.
_ADJECTIVE = re.compile(r"(?:[a-z]+-)?[a-z]+(?:ic|ive|al|ous|ary|oid)")
_PERSONS = frozenset(
    {
        "patient", "patients", "subject", "subjects", "participant", "participants", "adult",
        "adults", "individual", "individuals", "person", "persons", "people", "volunteer",
        "volunteers", "women", "men", "children",
    }
)  # fmt: skip


def shares_the_next_head(item: str, following: Sequence[str]) -> bool:
    """Whether a list item ends in an adjective whose head is written after the items that
    follow it: "diabetic" in "diabetic or hypertensive nephropathy" and in "history of diabetic,
    hypertensive or other nephropathy" is a kind of nephropathy, not diabetes (read alone, an
    exclusion would turn away every patient with diabetes); "diabetic or hypertensive patients"
    names two populations."""
    words = item.strip(" .,;:").split()
    if not words or not _ADJECTIVE.fullmatch(words[-1]):
        return False
    for later in following:
        later_words = later.strip(" .,;:").split()
        if len(later_words) == 1 and _ADJECTIVE.fullmatch(later_words[0]):
            continue  # "hypertensive" in "diabetic, hypertensive or other nephropathy"
        return (
            len(later_words) >= 2
            and (later_words[0] == "other" or bool(_ADJECTIVE.fullmatch(later_words[0])))
            and later_words[-1] not in _PERSONS
        )
    return False
