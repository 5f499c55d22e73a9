"""Procedures whose time or event is phrased in a way the assembly does not read, reworded to the
form it does (tried only on a bullet that did not compile as written):

- A passive verb between the procedure and its window: "major surgery was performed within 4
  weeks prior to enrollment", "radiotherapy has been performed within the last 6 months",
  "patients in whom CABG was done within 3 months" → "<procedure> within N …". The verb says no
  more than that the procedure was done; the window dates it.
- The time written before the procedure, at the start of the bullet: "≤ 4 weeks from major
  surgery", "within 6 months of CABG", "less than 3 months since prior radiotherapy" →
  "<procedure> within N …": the procedure lies in the last N. Never "the / their … procedure"
  (the study's own operation: "within 30 days of the procedure"), never after other words
  ("antibiotics within 30 days of surgery" dates the antibiotics, not the surgery), and only an
  upper bound ("at least 4 weeks since surgery" is `rules.procedures`' negated window).
- Another case after "or" in an exclusion: "major surgery within 4 weeks or planned during the
  study", "… or not recovered from it" → any-of(<procedure reading>, TEXT): the procedure in
  the window excludes, the other case is left to a reader. An inclusion keeps the text.
- A trailing judgement no record decides: "major surgery within 4 weeks and not fully
  recovered", "… with complications" → all-of(<procedure reading>, TEXT): in an exclusion it
  excludes nobody by itself, in an inclusion the procedure is still necessary.

A reworded bullet is kept only when its reading dates a procedure (`dates_a_procedure`); a
procedure needed or to come ("planned surgery") is refused by `rules.procedures` as ever.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import CombinationCode, Criterion, Kind
from fhirtrial.eligibility.rules.base import WORD_NUMBERS, has_any

_NUMBER = r"(?:\d+|" + "|".join(WORD_NUMBERS) + r")"
_UNIT = r"(?:day|week|month|year)s?"
# "was performed", "has been done", "were carried out", "performed" right before a window.
_PASSIVE = re.compile(
    r"(?<=[a-z)])(?<!\bbe)(?<!\bbeing)(?<!\bnot)(?<!\bwill)(?<!\bto)"
    r" (?:(?:is|was|were|has been|have been|had been) )?(?:performed|done|carried out|undertaken"
    r"|conducted)"
    rf"(?= (?:with)?in (?:the )?(?:(?:past|last|previous|preceding) )?{_NUMBER} {_UNIT}\b)"
)
_IN_WHOM = re.compile(r"^(?:(?:patients?|subjects?|participants?|those|individuals) )?in whom ")
_PASSIVE_WORDS = (" performed", " done", " carried out", " undertaken", " conducted")
# "<= 4 weeks from major surgery", "within 6 months of cabg", "< 3 months since prior radiotherapy".
_BEFORE = re.compile(
    rf"^(?:(?:patients?|subjects?|participants?) )?(?:<=|<|within|fewer than|less than|under)"
    rf" ?(?P<n>{_NUMBER}) (?P<unit>{_UNIT}) (?:from|since|of|following) "
    # Not the study's own operation ("the procedure", "their surgery", "index surgery").
    r"(?!(?:the|their|his|her|this|that|index|study|planned|scheduled|intended)\b)"
    r"(?P<rest>[a-z].*?)[.;]?$"
)
_EVENT = re.compile(r" (?=(?:prior to|before) )")
_BEFORE_WORDS = ("from ", "since ", "of ", "following ")
# "… and not fully recovered", "… with complications": what no record decides.
_JUDGEMENT = re.compile(
    r"(?:,? (?:and|but) (?:(?:has|have|had|is|are) )?(?:not|never) (?:yet )?(?:fully |completely )?"
    r"recovered(?: from (?:it|them|the (?:surgery|procedure|operation)|(?:its |their |the )?"
    r"(?:side )?effects?(?: of (?:the |that |such )?(?:surgery|procedure|operation))?))?"
    r"|,? (?:and |but )?without (?:full|complete) recovery"
    r"|,? with (?:(?:post-?operative|surgical|significant|major) )?complications?)"
    r"\s*[.;]?$"
)
_JUDGEMENT_WORDS = ("recover", "complication")
# "… or planned during the study", "… or not recovered from it": another case beside the
# procedure, which no record decides; in an exclusion any-of(<procedure reading>, TEXT).
_OTHER_CASE = re.compile(
    r",? or (?:(?:has|have|is|are) )?(?:(?:not|never) (?:yet )?(?:fully |completely )?recovered"
    r"|(?:planned|anticipated|expected|scheduled)\b|(?:an? )?(?:anticipated|expected) need\b)"
    r"[^;]*?[.;]?$"
)
_OTHER_WORDS = ("recover", "planned", "anticipated", "expected", "scheduled")


def reworded_procedure(text: str) -> str | None:
    """The bullet with its procedure's time reworded to "<procedure> within N …", or None."""
    reworded = text
    if has_any(reworded, _PASSIVE_WORDS):
        passive = _PASSIVE.sub("", reworded)
        reworded = _IN_WHOM.sub("", passive) if passive != reworded else reworded
    if has_any(reworded, _BEFORE_WORDS) and (before := _BEFORE.match(reworded)):
        window = f"within {before['n']} {before['unit']}"
        head, *event = _EVENT.split(before["rest"], maxsplit=1)
        reworded = f"{head} {window}" + (f" {event[0]}" if event else "")
    return reworded if reworded != text else None


def judgement_tail(text: str) -> tuple[str, str] | None:
    """(the bullet without its trailing judgement, the judgement), or None."""
    if not has_any(text, _JUDGEMENT_WORDS):
        return None
    tail = _JUDGEMENT.search(text)
    if tail is None or tail.start() == 0:
        return None
    return text[: tail.start()], tail[0].strip(" ,.;")


def other_case_tail(text: str) -> tuple[str, str] | None:
    """(the bullet without its trailing "or planned …" case, that case), or None."""
    if " or " not in text or not has_any(text, _OTHER_WORDS):
        return None
    tail = _OTHER_CASE.search(text)
    if tail is None or tail.start() == 0:
        return None
    return text[: tail.start()], tail[0].strip(" ,.;")


def dates_a_procedure(criterion: Criterion) -> bool:
    """Whether a procedure in the reading is dated by a window."""
    if criterion.kind is Kind.COMBINATION:
        return any(dates_a_procedure(child) for child in criterion.children)
    return criterion.kind is Kind.PROCEDURE and criterion.window is not None


def names_a_procedure(criterion: Criterion) -> bool:
    """Whether the reading has a procedure in it."""
    if criterion.kind is Kind.COMBINATION:
        return any(names_a_procedure(child) for child in criterion.children)
    return criterion.kind is Kind.PROCEDURE


def with_text(reading: Criterion, words: str, combination: CombinationCode) -> Criterion:
    """all-of / any-of(reading, TEXT words)."""
    which = Criterion(Kind.TEXT, source_text=words)
    return Criterion(Kind.COMBINATION, children=(reading, which), combination=combination)
