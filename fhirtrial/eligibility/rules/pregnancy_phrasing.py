"""Pregnancy and breastfeeding as bullets word them around the state itself.

`conditions.find_pregnancy` finds the words "pregnant", "pregnancy", "breastfeeding",
"lactating"; these readings add what real bullets say next to them:

- the state denied in one word: "Non-pregnant and not lactating", "Non-pregnant patients"
  (NOT pregnancy, NOT breastfeeding);
- a negative pregnancy test required of women who could be pregnant: "Females of childbearing
  potential: negative urine pregnancy test", "WOCBP must have a negative pregnancy test at
  inclusion" — NOT pregnancy: a record that shows a current pregnancy fails it, and a man or a
  woman who cannot be pregnant is not pregnant (the evaluator finds pregnancy not applicable to
  a man, so the criterion neither includes nor excludes him);
- the woman the state is said of: "Female patients with a positive pregnancy test", "Positive
  pregnancy test in a female", "pregnancy women" — a pregnancy says the sex already.

A test with a window ("within 14 days prior to …", "on Day 1") or an alternative ("either
surgically sterilized or …") is left to the residual check: the extra words keep it text.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.base import Match

_NON_STATE = re.compile(
    r"(?<![\w-])non-?(?P<state>pregnant|lactating|breast-?feeding|nursing)(?![\w-])"
)
_WOMEN = r"(?:females?|women|woman)"
_WHO = r"(?:patients?|subjects?|participants?|individuals?)"
_CHILDBEARING = (
    rf"(?:(?:all )?(?:{_WOMEN}|{_WHO}) (?:of|with) (?:child[- ]?bearing|reproductive) potential"
    r"(?: \(wocbp\))?|wocbp(?: \([a-z -]+\))?)"
)
_SPECIMEN = r"(?:serum|urine|urinary|blood|plasma|beta[- ]?hcg|β-hcg|hcg)"
# "Females of childbearing potential: negative urine pregnancy test", "WOCBP (…) must have a
# negative pregnancy test at inclusion", "Women of childbearing potential must have a negative
# serum or urine pregnancy test".
_NEGATIVE_TEST = re.compile(
    rf"(?:(?:for )?{_CHILDBEARING}\s*:?\s*(?:(?:must|should|will|need to|needs to) (?:have|show)"
    r"|with|having|need|needs)?\s*)?(?:an? )?(?:documented )?negative "
    rf"(?:{_SPECIMEN}(?: or {_SPECIMEN}|/{_SPECIMEN})? )?pregnancy test(?:s| results?)?"
    r"(?: (?:at|before) (?:inclusion|screening|baseline|enrol+ment|registration|study entry"
    r"|randomi[sz]ation))?"
)
# The woman before the state: "Female patients with a positive pregnancy test", "Women who are
# currently breastfeeding", "women that have been pregnant within 2 years" (a
# pregnancy with a window: `conditions.find_pregnancy` keeps "been pregnant" only with one).
_WOMAN_BEFORE = re.compile(
    rf"(?<![\w-]){_WOMEN}(?: {_WHO})? (?:with (?:an? )?|(?:who|that) (?:have|has) (?:an? )?"
    rf"|(?:who|that) (?:are|is) (?:currently )?|(?:who|that) (?:have|has|had) been )"
    rf"(?:positive (?:{_SPECIMEN} )?)?$"
)
# … and after it: "pregnancy women", "Positive pregnancy test in a female", "(for females)".
_WOMAN_AFTER = re.compile(
    rf"^(?: {_WOMEN}\b| test (?:in (?:an? )?(?:female|woman)\b|\((?:for |in )?{_WOMEN}\)))"
)


def pregnancy_phrasings(text: str, states: list[Match]) -> list[Match]:
    """The readings above, for a normalized text whose plain ``states`` (pregnancy and
    breastfeeding matches) are already found: each one longer than the plain match it contains,
    so that the longest reading is kept."""
    found: list[Match] = []
    if "non" in text:
        for match in _NON_STATE.finditer(text):
            kind = Kind.PREGNANCY if match["state"] == "pregnant" else Kind.BREASTFEEDING
            found.append(Match(_state(kind, negated=True), match.start(), match.end()))
    if "negative" in text and "test" in text:
        found.extend(
            Match(_state(Kind.PREGNANCY, negated=True), m.start(), m.end())
            for m in _NEGATIVE_TEST.finditer(text)
        )
    if has_woman(text):
        for state in states:
            start, end = state.start, state.end
            if before := _WOMAN_BEFORE.search(text, max(0, start - 60), start):
                start = before.start()
            if after := _WOMAN_AFTER.match(text[end:]):
                end += after.end()
            if (start, end) != (state.start, state.end):
                found.append(Match(state.criterion, start, end))
    return found


def has_woman(text: str) -> bool:
    return "female" in text or "wom" in text


def _state(kind: Kind, *, negated: bool) -> Criterion:
    concept = "pregnancy" if kind is Kind.PREGNANCY else "breastfeeding"
    return Criterion(kind, concept=concept, negated=negated)


def either_state(criterion: Criterion) -> Criterion:
    """Pregnancy and breastfeeding side by side name two states, either of which the bullet
    means: "Pregnancy/nursing", "pregnant/breastfeeding", "Pregnancy-Lactation", "Pregnant and
    lactating women" (a sub-bullet read as an inclusion), "Pregnant of breastfeeding women" (a
    slip for "or"). An all-of of the two asks for a woman who is both, so in an exclusion it
    let a pregnant woman through: any-of. Denials ("Not pregnant/nursing": all-of(NOT, NOT)),
    windows and qualifiers keep their reading."""
    if (
        criterion.kind is not Kind.COMBINATION
        or criterion.combination != "all-of"
        or criterion.negated
        or len(criterion.children) != 2
    ):
        return criterion
    kinds = {child.kind for child in criterion.children}
    if kinds != {Kind.PREGNANCY, Kind.BREASTFEEDING} or any(
        child.negated or child.window is not None or child.qualifiers or child.cohort
        for child in criterion.children
    ):
        return criterion
    return evolve(criterion, combination="any-of")
