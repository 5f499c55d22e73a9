"""Tobacco smoking status: "Current smokers", "Non-smoker in the past year", "History of smoking
(current or former)", "Active smoking or stopped smoking less than six months ago".

EHRs record smoking as a status (the US Core Smoking Status observation: current / former /
never), never as an amount or a quit date. So only what a status decides is read here:

- ``current-smoker``: smokes now ("smokers", "smoking", "active smoker", "current cigarette
  smokers"); "non-smoker" is NOT current-smoker;
- ``ever-smoker``: current or former ("history of smoking", "current or former smokers");
  "never smoked" is NOT ever-smoker;
- a window: smoked at some time in it ("Non-smoker in the past year": NOT current-smoker within
  the last 365 days; "… or stopped smoking less than six months ago": current-smoker within 180
  days). The evaluation decides it from the statuses' dates, or leaves it unknown.

Anything else a bullet says stays over and keeps it text: amounts ("> 20 cigarettes per week",
"pack-years", "heavy smokers"), other products ("e-cigarettes", "vaporisers", "tobacco use",
"nicotine"), cannabis, cessation programmes, a wish to quit, how the status was assessed. A
"former" / "ex-" / "previous" smoker is not read (its quit date decides most such bullets).
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind, Window
from fhirtrial.eligibility.rules.base import (
    DURATION_NUMBER,
    DURATION_UNIT,
    Match,
    window_before,
    word_number,
)

CURRENT = "current-smoker"
EVER = "ever-smoker"

_PRODUCT = r"(?:(?:tobacco|cigarette) )?"
# Words before "smoker" that make it someone else than a current smoker (or a product we do
# not read): the name is then not matched at all, and the bullet stays text.
_NOT_CURRENT_BEFORE = (
    r"(?<!former )(?<!ex-)(?<!ex )(?<!previous )(?<!prior )(?<!past )(?<!quit )(?<!passive )"
    r"(?<!never )(?<!non )(?<!non-)(?<!e-)(?<!recent )(?<!occasional )(?<!daily )"
    r"(?<!heavy )(?<!light )(?<!social )(?<!regular )(?<!hand )(?<!chain )"
)
_EVER = re.compile(
    r"(?<![\w-])(?:(?:(?:a |any )?(?:history of|prior|previous|past) " + _PRODUCT + r"smoking"
    r"|" + _PRODUCT + r"smoking history"
    r"|(?:current or (?:former|ex-?|past|previous)|(?:former|ex-?|past|previous) or current) "
    + _PRODUCT
    + r"smokers?"
    r"|ever[- ]smokers?)(?: \((?:current or former|former or current)\))?)(?![\w-])"
)
_NEVER = re.compile(r"(?<![\w-])never[- ]smok(?:ers?|ed)(?: tobacco| cigarettes)?(?![\w-])")
# "Non-smoker", "non-smoking", "Non-smoker in the past year", "Non-smoker for at least 1 year".
_NON = re.compile(
    r"(?<![\w-])non-?smok(?:ers?|ing)"
    r"(?: (?:in|during|within|for) (?:at least |>= ?)?(?:the )?(?:(?:past|last|previous) )?"
    r"(?:" + DURATION_NUMBER + r" )?" + DURATION_UNIT + r")?(?![\w-])"
)
# "Active smoking or stopped smoking less than six months ago", "Current smokers, or ex-smokers
# ceasing < 6 months ago", "Current or recent (within 12 months) smoker": smoked in the window.
_RECENT = re.compile(
    r"(?<![\w-])(?:(?:current|active) (?:smokers?|smoking),? (?:or|and/or) (?:(?:ex-?|former) ?"
    r"smokers? (?:who )?(?:have )?)?(?:stopped|quit|ceased|ceasing|quitting|stopping)"
    r"(?: smoking)? (?:< ?|<= ?|within (?:the )?(?:(?:past|last) )?)"
    + DURATION_NUMBER
    + " "
    + DURATION_UNIT
    + r"(?: ago)?"
    r"|current or recent \(within "
    + DURATION_NUMBER.replace("?P<n>", "?P<n2>")
    + " "
    + DURATION_UNIT.replace("?P<unit>", "?P<unit2>")
    + r"\) "
    + _PRODUCT
    + r"smokers?)(?![\w-])"
)
_CURRENT = re.compile(
    r"(?<![\w-])"
    + _NOT_CURRENT_BEFORE
    + r"(?:(?:current|active) )?"
    + _PRODUCT
    + r"(?:smokers?|smoking)(?![\w-])"
)


def find_smoking(text: str) -> list[Match]:
    if "smok" not in text:
        return []
    found: list[Match] = []
    for match in _EVER.finditer(text):
        found.append(_match(match, EVER))
    for match in _NEVER.finditer(text):
        found.append(_match(match, EVER, negated=True))
    for match in _NON.finditer(text):
        window = None
        if match["unit"]:
            n = word_number(match["n"]) if match["n"] else 1
            if n is None:
                continue
            window = window_before(n, match["unit"])
        found.append(_match(match, CURRENT, negated=True, window=window))
    for match in _RECENT.finditer(text):
        number, unit = match["n"] or match["n2"], match["unit"] or match["unit2"]
        n = word_number(number)
        if n is None:
            continue
        found.append(_match(match, CURRENT, window=window_before(n, unit)))
    for match in _CURRENT.finditer(text):
        found.append(_match(match, CURRENT))
    return found


def _match(
    match: re.Match[str], concept: str, *, negated: bool = False, window: Window | None = None
) -> Match:
    criterion = Criterion(Kind.SMOKING, concept=concept, negated=negated, window=window)
    return Match(criterion, match.start(), match.end())
