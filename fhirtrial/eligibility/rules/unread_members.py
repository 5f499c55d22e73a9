"""An exclusion list of diagnoses with items the rules do not read, the first among them.

"Diagnosis of cognitive disorders, psychotic disorders, bipolar disorder, or active substance
abuse", "Cirrhosis, chronic active hepatitis or liver failure": each item is a diagnosis that
excludes on its own. `rules.partial` reads such a list as any-of(items read…, TEXT) only when
the first item is read (a lead before an item not read may govern the items after it) and when
no finder at all (the ICD-10-CM title speller included, `list_members.names_anything`) reads a
word in an item not read; otherwise the whole bullet stays text. In an exclusion the items read
are sufficient on their own whatever the others say, and a lead of plain words ("diagnosis of",
"history of", "patients with") says the same of every item, so this module reads the list as
any-of(items read…, TEXT): a patient with bipolar disorder is excluded, one whose record holds
none of the items read is `unknown` (TEXT stands for the items not read, never met, never
not-met). It is read in exclusion bullets only, after every other reader refused.

That holds only when no word of one item reaches another, so the reading refuses:

- anything but "," / "or" / "and/or" between the items ("and", "/": which items hold together
  is not said), a ";", ":" or "(" (other readers' shapes), a number or comparator (a bound no
  member would account for), a negation, a window, a history-dating or hedging word and every
  word of `partial._LIST_REFUSAL` ("such as", "unless", "family", "suspected", "that would …");
- a word before the first item that is not a plain lead ("patients with", "history of",
  "known", "presence of", "having"): a qualifier there may govern every item ("uncontrolled
  diabetes, hypertension or …" is no list of plain hypertension);
- a word after the last item that could reach back over the list ("… in the paretic limb",
  "… requiring treatment", "… secondary to …"): `partial._REACHING_ANYWHERE`;
- an item not read that is no diagnosis name (a drug, procedure, measure: a leaf of another kind
  the form would lack; more than five words; one word, an abbreviation the finders do not expand
  or a head whose name is in the item before: "infarction or angina"), a bare modifier of the
  next item's head ("cardiac or hepatic disease": "A or B HEAD" is another reader's), or one in
  which the compiler's finders read a concept ("cardiac heart failure": a label codes it), or
  one that may share a head noun or a lead with an item read beside it ("asthma, or acute
  failure": `partial._shares_a_head`'s test);
- a first item with words before its name other than a plain lead, or read with a qualifier,
  and any item before an item read that opens with a qualifier, modifiers before a one-word
  head or a title's classifying first word ("chronic active hepatitis, cirrhosis",
  "uncontrolled epilepsy, asthma", "neuromuscular scoliosis, kyphosis"): they may reach the
  items after it;
- an item read that is not a positive diagnosis a list may hold (`list_members.may_be_listed`:
  a bare "cancer" in a cancer study may mean its own), or a list whose items read are only
  classes an unread name could narrow (`list_members.generic_class`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import has_any
from fhirtrial.eligibility.rules.icd_titles import classifying_first_word
from fhirtrial.eligibility.rules.list_members import (
    LOOKS_DECIDABLE,
    generic_class,
    may_be_listed,
    names_a_diagnosis,
)
from fhirtrial.eligibility.rules.partial import (
    _HARMLESS_LEAD_WORDS,
    _HEAD_NOUNS,
    _LIST_NEGATION,
    _LIST_REFUSAL,
    _LIST_WINDOW,
    _NARROWING_QUALIFIER,
    _REACHING_ANYWHERE,
    _SUBJECT_LEAD,
    _lead,
    _names_across,
)
from fhirtrial.eligibility.rules.shared_heads import shares_the_next_head
from fhirtrial.eligibility.rules.shared_modifiers import leading_modifiers

_SEPARATOR = re.compile(r"\s*,\s*(?:or|and/or)\s+|\s*,\s*|\s+(?:or|and/or)\s+")
_REFUSED_MARKS = (";", ":", "(", "/", " and ", " and,", "&", " no ", "non-", "other")
# "(CHF)", "(COPD)": an abbreviation after a name restates it.
_ABBREVIATED = re.compile(r"\s*\((?:[a-z][a-z0-9-]{1,7})\)(?=[\s,.]|$)")
# Lead words that say no more than that the patient has the first item now.
_LEAD_WORDS = _HARMLESS_LEAD_WORDS | {
    *("having", "pre-existing", "preexisting", "comorbid", "co-morbid", "coexisting"),
    *("co-existing", "concomitant", "as", "were", "was", "suffering", "from"),
}
_NUMBER = re.compile(r"[0-9<>≤≥=%]")
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_CONDITION_KINDS = frozenset({Kind.CONDITION})
_MAX_ITEM_WORDS = 5


def unread_members(
    normalized: str,
    text: str,
    read: Callable[[str], Criterion | None],
    found: Callable[[str], set[str]],
) -> Criterion | None:
    """any-of(the items read in full…, TEXT) for an exclusion list of diagnoses, or None.

    ``read`` reads a normalized piece in full as an exclusion bullet, or returns None;
    ``found`` gives the concepts the compiler's finders read in a piece."""
    if "," not in normalized and " or " not in normalized:
        return None
    said = normalized.strip(" .;,")
    if "(" in said:
        said = _ABBREVIATED.sub("", said)
    if has_any(said, _REFUSED_MARKS) or _NUMBER.search(said):
        return None
    if _LIST_REFUSAL.search(said) or _LIST_NEGATION.search(said) or _LIST_WINDOW.search(said):
        return None
    items = [item.strip() for item in _SEPARATOR.split(said)]
    if len(items) < 2 or len(items) > 8 or not all(items):
        return None
    if _REACHING_ANYWHERE.search(items[-1]):
        return None  # a clause or place after the list may reach every item
    if not any(_diagnosis_name(item, first=False) for item in items):
        return None  # no item could be a name left to TEXT (before the costly readings)
    readings: list[Criterion | None] = []
    for item in items:  # read one by one: the first refusal stops the costly readings
        reading = read(item)
        if reading is not None and not may_be_listed(reading, _CONDITION_KINDS):
            return None
        if reading is None and (not _diagnosis_name(item, first=False) or found(item)):
            return None  # (a name the finders read in it: "cardiac heart failure" is one)
        readings.append(reading)
    members: list[Criterion] = []
    unread = False
    for index, (item, reading) in enumerate(zip(items, readings, strict=True)):
        read_after = any(later is not None for later in readings[index + 1 :])
        if reading is not None:
            if shares_the_next_head(item, items[index + 1 :]):
                return None  # "diabetic or hypertensive nephropathy": no diabetes of its own
            if index == 0 and (not _plain(_lead(item)) or _qualified(reading)):
                return None  # "uncontrolled diabetes, …": the qualifier may govern the list
            if read_after and _may_reach_on(item):
                return None  # "neuromuscular scoliosis, kyphosis": maybe neuromuscular kyphosis
            members.extend(_members(reading))
            continue
        if (index == 0 or read_after) and not _diagnosis_name(item, first=True):
            return None  # "chronic active hepatitis, cirrhosis": "chronic" may reach on
        if _shares_a_head(items, readings, index):
            return None
        unread = True
    if not members or not unread or all(map(generic_class, members)):
        return None
    return Criterion(
        Kind.COMBINATION,
        children=(*members, Criterion(Kind.TEXT, source_text=text)),
        combination="any-of",
        source_text=text,
    )


def _may_reach_on(item: str) -> bool:
    """Whether the words opening an item read may qualify the items after it: a qualifier
    ("active", "chronic"), modifiers before a one-word head, or a title's classifying first
    word (`icd_titles.classifying_first_word`)."""
    subject = _SUBJECT_LEAD.match(item)
    start = subject.end() if subject else 0
    return (
        _NARROWING_QUALIFIER.match(item, start) is not None
        or leading_modifiers(item[start:]) is not None
        or classifying_first_word(item[start:])
    )


def _shares_a_head(items: list[str], readings: list[Criterion | None], index: int) -> bool:
    """Whether an item not read may share a head noun or a lead with an item read beside it
    ("asthma, or acute failure", "liver disease or failure", "kidney or liver disease")."""
    item = items[index]
    words = item.split()
    if len(words) <= 2 and words[-1] in _HEAD_NOUNS and _NARROWING_QUALIFIER.match(item):
        return True
    if index + 1 < len(items) and readings[index + 1] is not None:
        head = items[index + 1].split()[-1]
        if _names_across(f"{item} {head}", len(item)):
            return True
    if index and readings[index - 1] is not None:
        before = items[index - 1].split()
        lead = " ".join(before[:-1])
        if lead and _names_across(f"{lead} {item}", len(lead)):
            return True
    return False


def _members(reading: Criterion) -> tuple[Criterion, ...]:
    if reading.kind is Kind.COMBINATION and reading.combination == "any-of":
        return reading.children
    return (reading,)


def _qualified(reading: Criterion) -> bool:
    if reading.kind is Kind.COMBINATION:
        return any(map(_qualified, reading.children))
    return bool(reading.qualifiers)


def _plain(lead: tuple[str, ...] | list[str]) -> bool:
    return all(word in _LEAD_WORDS for word in lead)


def _diagnosis_name(item: str, *, first: bool) -> bool:
    """Whether an item not read names a diagnosis on its own (no bare modifier of a head after
    it, no leaf of another kind, no abbreviation, no clause); ``first``: the first item or one
    before an item read, with no words but a plain lead before its name ("chronic active
    hepatitis, cirrhosis": "chronic" may reach the items after it)."""
    words = _WORD.findall(item)
    named = [word for word in words if word not in _LEAD_WORDS]
    if len(named) < 2 or len(words) > _MAX_ITEM_WORDS:
        return False  # one word: an abbreviation, or a head whose name is in the item before
    if _REACHING_ANYWHERE.search(item):
        return False
    if not LOOKS_DECIDABLE.search(item) or not names_a_diagnosis(item):
        return False  # a bare modifier ("cardiac or hepatic disease"), a drug, a procedure
    if first:
        name = LOOKS_DECIDABLE.search(item)
        return name is not None and _plain(_WORD.findall(item[: name.start()]))
    return True
