"""A recent childbirth: "Have given birth within the past 3 months", "< 6 months post-partum",
"childbirth within the past year", "delivered within the last 6 weeks": the `procedure` concept
`childbirth` (a delivery; a record shows it by a delivery procedure, ICD-10-CM Z37- outcome of
delivery, O80 / O82 delivery encounters), with the window the words give.

Read only with a window, since a birth at any time ("has given birth") is parity, not this
concept's question, and only where the words say the birth is past: a past verb ("gave birth",
"have given birth", "delivered"), "post-partum" after a bound ("< 6 months post-partum",
"within 6 weeks postpartum", "less than 3 months after delivery"), or a noun with a window that
looks back ("childbirth within the past year", "delivery in the last 6 months"). A bare "delivery
within 7 days" in a labour study is the birth to come, and is not read; nor is a birth needed,
planned or expected.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind, Window
from fhirtrial.eligibility.rules.base import (
    WINDOW_LAST,
    WINDOW_WITHIN,
    WORD_NUMBERS,
    Match,
    has_any,
    window_before,
    word_number,
)

TRIGGERS = ("birth", "deliver", "partum")
_NUMBER = r"(?P<n>\d+|" + "|".join(WORD_NUMBERS) + r")"
_UNIT = r"(?P<unit>day|week|month|year)s?"
# A past verb: any window after it looks back.
# "Delivered" alone may be a drug's or a dose's ("radiotherapy delivered within 4 weeks"): only
# with a woman or an auxiliary before it, or "a baby" after it.
_WOMAN = r"(?:women|woman|females?|mothers?|patients?|participants?|subjects?)"
_GAVE_BIRTH = re.compile(
    rf"(?<![\w-])(?:{_WOMAN} (?:who|that) )?(?:(?:have|has|had) (?:recently )?"
    rf"(?:given birth|delivered)|gave birth|delivered a baby)(?![\w-])"
    rf"|(?<![\w-]){_WOMAN} (?:who|that) (?:recently )?delivered(?![\w-])"
)
# A noun: only a window that says it looks back ("within the past year", "in the last 6 months").
_BIRTH_NOUN = re.compile(
    r"(?<![\w-])(?:childbirth|child birth|parturition"
    # Not a drug's, a dose's or a service's delivery.
    r"|(?<!drug )(?<!insulin )(?<!oxygen )(?<!dose )(?<!care )(?<!service )(?<!treatment )"
    r"(?<!therapy )(?<!radiation )(?<!medication )delivery)(?![\w-])"
)
_LOOKS_BACK = re.compile(r"\b(?:past|last|previous|preceding|prior|before|ago)\b")
# "< 6 months post-partum", "within 6 weeks postpartum", "less than 3 months after delivery",
# "within 6 weeks of delivery".
_POSTPARTUM = re.compile(
    rf"(?<![\w-])(?:<|<=|≤|less than|within|up to|under) ?{_NUMBER} {_UNIT}"
    r" (?:post[- ]?partum|after (?:delivery|childbirth|giving birth|birth)"
    r"|(?:of|since|from) (?:delivery|childbirth|giving birth))(?![\w-])"
)
_PREGNANCY_BEFORE = re.compile(r"(?<![\w-])pregnan(?:cy|t) ?(?:or|and/or|/) ?$")
_NOT_DONE = re.compile(
    r"\b(?:planned|planning|plan|expected|expecting|anticipated|scheduled|will|due|imminent"
    r"|impending|risk|threatened|need\w*|requir\w*|indicat\w*|candidates?|awaiting|intend\w*"
    r"|future|next|until|before)\b"
)


def find_childbirth(text: str) -> list[Match]:
    if not has_any(text, TRIGGERS):
        return []
    found: list[Match] = []
    if "partum" in text or "after" in text or " of " in text or "since" in text:
        for match in _POSTPARTUM.finditer(text):
            n = word_number(match["n"])
            if n is None or _not_done(text, match.start()):
                continue
            found.append(_birth(window_before(n, match["unit"]), match.start(), match.end()))
    for pattern, past in ((_GAVE_BIRTH, True), (_BIRTH_NOUN, False)):
        for match in pattern.finditer(text):
            if _not_done(text, match.start()) or any(
                m.start <= match.start() < m.end for m in found
            ):
                continue
            dated = _window_after(text, match.end(), past=past)
            if dated is None:
                continue
            window, end = dated
            birth = _birth(window, match.start(), end)
            if pregnancy := _PREGNANCY_BEFORE.search(text, 0, match.start()):
                # "Pregnancy or childbirth within the past year": the window is the pregnancy's
                # too (read alone, a pregnancy that ended otherwise would be lost).
                pregnant = Criterion(Kind.PREGNANCY, concept="pregnancy", window=window)
                either = Criterion(
                    Kind.COMBINATION, children=(pregnant, birth.criterion), combination="any-of"
                )
                birth = Match(either, pregnancy.start(), end)
            found.append(birth)
    return found


def _window_after(text: str, end: int, *, past: bool) -> tuple[Window, int] | None:
    if within := WINDOW_WITHIN.match(text, end + 1):
        n = word_number(within["n"])
        if n is not None and (past or _LOOKS_BACK.search(within[0])):
            return window_before(n, within["unit"]), within.end()
    if last := WINDOW_LAST.match(text, end + 1):
        return window_before(1, last["unit"]), last.end()
    return None


def _birth(window: Window, start: int, end: int) -> Match:
    return Match(Criterion(Kind.PROCEDURE, concept="childbirth", window=window), start, end)


def _not_done(text: str, start: int) -> bool:
    before = text[:start]
    clause = before[max(before.rfind(c) for c in ",;.:(") + 1 :]
    return _NOT_DONE.search(clause) is not None
