"""Weight lost over a stated recent period: "Weight loss above 20% of body weight in the last 6
months", "unintentional weight loss of more than 10% within the past 3 months", "loss of ≥ 5 kg
of body weight during the previous 6 months".

Read as a `lab` criterion on the derived concept `body-weight-loss` — in % of body weight or in
kg (pounds converted, exact) — with the period as its window (days before enrolment). The
evaluator computes it from the body-weight Observations in the window (`evaluation.weight_loss`).
Only a loss above a bound ("> 20%", "15% or more") is read, and only with its period: "weight
loss > 10%" with no period says no time, and "less than 5% weight loss" (a stable weight)
cannot be shown by weights a record holds only now and then. A bound, unit or period the
pattern does not read whole leaves the text unread.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Comparator, Criterion, Kind, Window
from fhirtrial.eligibility.rules.base import WORD_NUMBERS, Match

WEIGHT_LOSS = "body-weight-loss"
_LB_KG = 0.45359237  # the international avoirdupois pound, exact
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

_QUALIFIERS = r"(?:(?:recent|unintentional|unintended|involuntary|unexplained|significant) )*"
_OF_BODY_WEIGHT = (
    r"(?: of (?:the |their |his or her |usual |total |baseline |initial )*(?:body )?weight)?"
)
_UNIT = r"(?P<unit>%|kg|kilograms?|lbs?|pounds?)"
_VALUE = (
    rf"(?:(?P<cmp>>=|>)\s*(?:the )?(?P<num>\d{{1,3}}(?:\.\d)?)\s*{_UNIT}"
    rf"|(?P<num2>\d{{1,3}}(?:\.\d)?)\s*(?P<unit2>%|kg|kilograms?|lbs?|pounds?)"
    r" or (?:more|greater|higher))"
)
_NUMBER_WORDS = "|".join(WORD_NUMBERS)
_PERIOD = (
    r",?\s*(?:(?:with)?in |during |over |in )?(?:the )?"
    r"(?:(?:last|past|previous|preceding|prior) )"
    rf"(?P<n>\d{{1,3}}|{_NUMBER_WORDS}) (?P<period>day|week|month|year)s?"
    r"(?: (?:before|prior to|preceding) (?:the )?(?:enrol\w*|screening|study entry"
    r"|randomi[sz]ation|inclusion|baseline)(?: visit)?)?"
)
_PATTERNS = (
    # "weight loss > 20% of body weight in the last 6 months", "weight loss 15% or more past …"
    re.compile(
        rf"(?<![\w-]){_QUALIFIERS}(?:body )?weight loss(?: of)?\s*{_VALUE}{_OF_BODY_WEIGHT}"
        rf"{_PERIOD}(?![\w-])"
    ),
    # "loss of > 10% of body weight within the past 3 months"
    re.compile(
        rf"(?<![\w-]){_QUALIFIERS}loss of\s*{_VALUE} of (?:(?:their|usual|total|baseline|initial)"
        rf" )*(?:body )?weight{_PERIOD}(?![\w-])"
    ),
)


def find_weight_loss(text: str) -> list[Match]:
    if "loss" not in text or "weight" not in text:
        return []
    found: list[Match] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            criterion = _criterion(match)
            if criterion is not None:
                found.append(Match(criterion, match.start(), match.end()))
    return found


def _criterion(match: re.Match[str]) -> Criterion | None:
    symbol: Comparator = ">=" if match["num2"] else (">=" if match["cmp"] == ">=" else ">")
    number = float(match["num2"] or match["num"])
    unit = (match["unit2"] or match["unit"]).rstrip("s")
    if unit == "%":
        if not 0 < number < 100:
            return None
        value, canonical = number, "%"
    elif unit in ("kg", "kilogram"):
        value, canonical = number, "kg"
    else:  # lb, pound
        value, canonical = round(number * _LB_KG, 3), "kg"
    n = match["n"]
    count = int(n) if n.isdigit() else WORD_NUMBERS[n]
    days = count * _UNIT_DAYS[match["period"]]
    if days <= 0:
        return None
    return Criterion(
        Kind.LAB,
        concept=WEIGHT_LOSS,
        comparator=symbol,
        value=value,
        unit=canonical,
        window=Window(-days, 0),
    )
