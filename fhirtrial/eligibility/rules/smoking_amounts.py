"""Smokers named with an amount: "Smokers of more than 10 cigarettes a day", "Smoker > 5
cigarettes per day", "Smokers (>20 cigarettes per week)", "Heavy smokers", "A smoking history of
>10 pack years", "30 pack year history of smoking".

EHRs record a smoking status, not an amount (`rules.smoking`), so these stay text there. But an
amount of at least some cigarettes a day needs a current smoker, and pack-years need a smoker at
some time: the bullet means all-of(status, TEXT) — not met for a never smoker (an inclusion he
cannot meet, an exclusion that does not touch him), unknown for a smoker, whose amount no
record states. Read in inclusions and exclusions alike, as the whole bullet only.

Refused: an upper bound ("less than 10 cigarettes", "≤ 10", "up to"), which non-smokers may
meet; a negation, a former or quitting smoker, another product (e-cigarettes, cigars, cannabis),
an alternative ("or"), and any other words.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.narrowing_words import kind_of
from fhirtrial.eligibility.rules.smoking import CURRENT, EVER

_LEAD = (
    r"(?:(?:patients?|subjects?|participants?|individuals?|adults?|people|persons?|those|who"
    r"|are|is|be|must|currently|current|active|a|an|any|self-reported|reported)\s+)*"
)
_AT_LEAST = r"(?:more than|greater than|over|at least|a minimum of|minimum of|>=|>|≥)\s*"
_COUNT = r"\d+(?:\.\d+)?"
_CIGARETTES = r"(?:cigarettes?|cigs?)"
_PER = r"(?:\s*(?:a|per|/|each|every|in a)\s*(?:day|d|week|wk))"
_SMOKERS = r"(?:cigarette\s+)?smokers?"
_CURRENT_AMOUNT = re.compile(
    rf"^{_LEAD}(?:"
    rf"{_SMOKERS}(?:\s+(?:of|smoking|who smoke))?\s+{_AT_LEAST}{_COUNT}\s*{_CIGARETTES}{_PER}?"
    rf"|{_SMOKERS}\s*\(\s*{_AT_LEAST}{_COUNT}\s*{_CIGARETTES}{_PER}?\s*\)"
    rf"|smok(?:e|es|ing)\s+{_AT_LEAST}{_COUNT}\s*{_CIGARETTES}{_PER}?"
    r"|(?:heavy|daily|regular|habitual)\s+(?:cigarette\s+)?smokers?"
    r")\s*[.;]?$"
)
_PACK_YEARS = r"pack[- ]?(?:years?|yrs?)"
_EVER_AMOUNT = re.compile(
    rf"^{_LEAD}(?:"
    r"(?:(?:a\s+)?(?:smoking|tobacco smoking|cigarette smoking) history"
    r"|history of (?:cigarette )?smoking|smokers?|smoked)"
    rf"(?:\s+of)?\s+{_AT_LEAST}{_COUNT}\s*{_PACK_YEARS}(?:\s+in (?:a )?lifetime)?"
    rf"|(?:{_AT_LEAST})?{_COUNT}[- ]?{_PACK_YEARS}(?:\s+(?:history of (?:cigarette )?smoking"
    r"|smoking history))"
    r")\s*[.;]?$"
)
_CHEAP = ("smok", "pack")


def smoking_amount(normalized: str, text: str) -> Criterion | None:
    """all-of(current smoker / ever smoker, TEXT) for a bullet that is only a smoker named with
    a lower bound on what he smokes; None otherwise."""
    if not any(word in normalized for word in _CHEAP):
        return None
    if _CURRENT_AMOUNT.match(normalized):
        status = CURRENT
    elif _EVER_AMOUNT.match(normalized):
        status = EVER
    else:
        return None
    return kind_of(Criterion(Kind.SMOKING, concept=status, source_text=text), text)
