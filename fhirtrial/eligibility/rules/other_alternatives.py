"""An exclusion read in full up to a last alternative no record decides: any-of(head, TEXT).

"History of gastrointestinal surgery or other gastrointestinal disorder that might affect
absorption", "Crohn's disease or other conditions which may affect the absorption of the study
drug", "Pregnant or suspected pregnancy", "Diabetes mellitus or known/suspected motility
disorders of the gut": the words before the last "or" read in full; after it comes another kind
of patient ("other …", a suspicion) that no structured datum decides. In an exclusion each
alternative excludes on its own, so the bullet means any-of(head, TEXT): a patient with the
head's diagnosis is excluded, one without it is `unknown` (the TEXT member is never met, never
not met). Where the class after "other" reads in full, the consequence narrows it: "… or other
gastrointestinal disorder that might affect absorption" adds all-of(`gastrointestinal-disease`,
TEXT).

The head must be an alternative as written, which nothing after it may qualify. The reading
refuses:

- a last item that opens with anything but "other" / "any other", "(known or) suspected",
  "suspicious", "suspicion of", "possible", "presumed", "probable": any other item may be a
  criterion of its own, another reader's, and a bare "… or condition that may alter retinal
  perfusion" may be a doublet ("eye disease or condition") the clause qualifies whole;
- a last item the finders read anything in ("… or other malignancy within 5 years"), unless,
  after a suspicion word, it names exactly what the head reads ("Pregnant or suspected
  pregnancy");
- anything after the last "or" that may reach back over the head: a number or comparator, a
  window or a time ("within", "prior", "recent", "during", "months"), a requirement ("requiring
  treatment": "Diabetes or other disease requiring medication" may mean treated diabetes), a
  companion ("with", "associated with", "secondary to", "due to"), a site ("in the", "at the",
  "involving"), an exception or an allowance, examples ("such as", "e.g."), other people
  (family, partner), a new sentence or a ";" — only a relative clause that states a possible
  consequence ("that may affect …", "which could interfere …", "that might prevent …") is
  said of the vague class the head is named as a member of;
- a head that is not affirmed in full (a negation, a TEXT member, a reading without its own
  narrowing words), that says "another", "other", "different" ("History of another eye disease":
  other than the study's, which its codes do not leave out), that spans sentences, whose last
  connective has only filler after it, or that names only who ("Women or other …") or a use of
  any medication.

It is read in exclusion bullets only, after every reader before `narrowed_by_purpose` refused
(it is called from there, with the same full reader).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.any_medication import CONCEPT as ANY_MEDICATION
from fhirtrial.eligibility.rules.base import has_any
from fhirtrial.eligibility.rules.narrowing_words import CLAUSE_BREAK, NEGATION, affirmed

_TRIGGERS = (" other ", "suspect", " suspicio", " possible ", " presumed ", " probable ")
_SUSPICION = (
    r"(?:(?:known|confirmed|documented)\s*(?:/|or|and/or)\s*)?"
    r"(?:suspected|suspicious(?: of)?|suspicion of|possible|presumed|probable)"
)
# "other …" ("or any other", "or some other"): the head is named as one of the class. A bare
# "or condition that may …" is refused: "eye disease or condition that may alter perfusion"
# is a doublet the clause may qualify whole.
_VAGUE = r"(?:any |some )?other"
# The last alternative: ", or other …", " or suspected …", " and/or known condition that …".
_LAST_ITEM = re.compile(
    rf",?\s*(?<![\w-])(?:or|and/or) (?:(?P<suspicion>{_SUSPICION})|{_VAGUE})(?![\w-])"
)
# A relative clause stating a possible consequence: said of the vague class only.
_CONSEQUENCE = re.compile(
    r",?\s*(?:that|which) (?:in the [\w' ]+ )?(?:may|might|could|would|can|will)(?: possibly"
    r"| potentially| likely)? (?:affect|interfere|limit|prevent|preclude|compromise|confound"
    r"|impact|influence|alter|predispose|hinder|impair|disturb|bias|jeopardi[sz]e|modify"
    r"|change|increase|contribute|pose)\w*(?: (?:with|to|on|in))?\b"
)
_REACHING = re.compile(
    r"\d|[<>≤≥=;]|\.\s+\S|\b(?:less|more|greater|fewer|under|over|above|below) than\b"
    r"|\b(?:within|prior|previous|recent\w*|during|since|before|after|last|past|current\w*"
    r"|days?|weeks?|months?|years?|hours?|requir\w*|need\w*|with|without|associated|secondary"
    r"|due|caused|involving|in the|at the|on the|except\w*|other than|unless|apart from"
    r"|excluding|allowed|permitted|acceptable|eligible|such as|e\.g|i\.e|includ\w*|like"
    r"|defined|family|relatives?|partners?|spouses?|mother|father|sibling\w*|not|no|non"
    r"|never|free|negative)\b"
)
# "History of another eye disease or other …": the head excludes what the study names.
_OTHER = re.compile(r"\b(?:an?other|other|else|different|additional|further|second)\b")


def other_alternative(
    normalized: str,
    text: str,
    read: Callable[[str], Criterion | None],
    found: Callable[[str], set[Kind]],
    *,
    head_refused: Callable[[str], bool],
) -> Criterion | None:
    """any-of(head read in full, TEXT) for an exclusion "head or other / suspected …", or None.

    ``read`` reads a normalized exclusion clause in full (never without its own narrowing
    words: "Severe asthma or other …" must not read as asthma); ``found`` gives the kinds of
    what the finders read in a text; ``head_refused`` is the check `narrowing_clauses` makes of
    a head whose last connective has only filler after it."""
    if not has_any(normalized, _TRIGGERS):
        return None
    items = list(_LAST_ITEM.finditer(normalized))
    if len(items) != 1 or items[0].start() == 0:
        return None
    match = items[0]
    head = normalized[: match.start()].rstrip(" ,")
    tail = normalized[match.end() :].rstrip(" .;,")
    consequence = _CONSEQUENCE.search(tail)
    said_of_class = tail[: consequence.start()] if consequence else tail
    if _REACHING.search(said_of_class) or (
        consequence and _REACHING.search(tail[consequence.end() :])
    ):
        return None
    if NEGATION.search(head) or CLAUSE_BREAK.search(head) or _OTHER.search(head):
        return None
    if head_refused(head):
        return None
    reading = read(head)
    if reading is None or not affirmed(reading) or _names_only_who(reading):
        return None
    if consequence and found(tail[consequence.end() :]):
        return None  # "… that may predispose to seizure or tumours": maybe another alternative
    listed = reading.kind is Kind.COMBINATION and reading.combination == "any-of"
    members = reading.children if listed and not reading.cohort else (reading,)
    residue = Criterion(Kind.TEXT, source_text=text)
    if found(said_of_class):
        if match.group("suspicion") and not consequence and _same(read(said_of_class), reading):
            return _any_of((*members, residue), text)  # "Pregnant or suspected pregnancy"
        # "… or other gastrointestinal disorder that might affect absorption": the class read
        # in full, narrowed by the consequence: all-of(class, TEXT), one more alternative.
        kind = read(said_of_class.strip()) if consequence and not match.group("suspicion") else None
        if kind is None or not affirmed(kind) or _names_only_who(kind):
            return None  # "… or other malignancy": an alternative the finders read, not text
        narrowed = Criterion(
            Kind.COMBINATION, children=(kind, residue), combination="all-of", source_text=text
        )
        return _any_of((*members, narrowed), text)
    return _any_of((*members, residue), text)


def _any_of(children: tuple[Criterion, ...], text: str) -> Criterion:
    return Criterion(Kind.COMBINATION, children=children, combination="any-of", source_text=text)


def _names_only_who(criterion: Criterion) -> bool:
    """Whether a reading names only who (an age, a sex) or a use of any medication."""
    if criterion.kind is Kind.COMBINATION:
        return all(_names_only_who(child) for child in criterion.children)
    return criterion.kind in (Kind.AGE, Kind.SEX) or criterion.concept == ANY_MEDICATION


def _same(suspected: Criterion | None, reading: Criterion) -> bool:
    """Whether the suspicion names what the head reads ("Pregnant or suspected pregnancy")."""
    return suspected is not None and _key(suspected) == _key(reading)


def _key(criterion: Criterion) -> tuple[object, ...]:
    if criterion.kind is Kind.COMBINATION:
        return (criterion.combination, tuple(sorted(map(repr, map(_key, criterion.children)))))
    return (criterion.kind, criterion.concept, criterion.value_concept, criterion.negated)
