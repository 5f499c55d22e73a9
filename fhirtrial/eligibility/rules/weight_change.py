"""Weight lost or changed over a stated recent period: "Weight loss above 20% of body weight in
the last 6 months", "unintentional weight loss of more than 10% within the past 3 months",
"Weight change more than 3 kg within the last 3 months", "Weight stable (±5kg) for at least 6
months".

Read as a `lab` criterion on the derived concept `body-weight-loss` — in % of body weight or in
kg (pounds converted, exact) — with the period as its window (days before enrolment). The
evaluator computes it from the body-weight Observations in the window (`evaluation.weight_loss`).
Only a loss above a bound ("> 20%", "15% or more") is read, and only with its period: "weight
loss > 10%" with no period says no time, and "less than 5% weight loss" (a stable weight)
cannot be shown by weights a record holds only now and then. A change (`body-weight-change`,
either way: the heaviest less the lightest weight in the window) is read the same way, and a
stable weight within a tolerance ("weight stable (±5 kg) for at least 6 months", "body weight
stable for 3 months prior (±3 kg)") as NOT a change beyond it, with the qualifier
`plus-or-minus`: the band lies around a weight the text does not name, so only weights that
change beyond it around every recorded weight show the bullet is not met; others leave it
unknown. A bound, unit or period the pattern does not read whole leaves the text unread.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Comparator, Criterion, Kind, Window
from fhirtrial.eligibility.rules.base import WORD_NUMBERS, Match, window_before

WEIGHT_LOSS = "body-weight-loss"
WEIGHT_CHANGE = "body-weight-change"
_LB_KG = 0.45359237  # the international avoirdupois pound, exact

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


_CHANGE = re.compile(
    rf"(?<![\w-])(?:(?:large|significant) )?(?:body )?weight (?:change|fluctuation)s?(?: of)?\s*"
    rf"{_VALUE}{_PERIOD}(?![\w-])"
)
_TOLERANCE = r"\(± ?(?P<num>\d{1,2}(?:\.\d)?) ?(?P<unit>kg|kilograms?|lbs?|pounds?|%)\)"
_STABLE_FOR = (
    r"(?:for|over|in|during) (?:>=\s*|>\s*|at least )?(?:the )?"
    r"(?:(?:last|past|previous|preceding|prior) )?"
    rf"(?P<n>\d{{1,3}}|{_NUMBER_WORDS}) (?P<period>day|week|month|year)s?(?: prior)?"
)
_STABLE = (
    # "weight stable (±5kg) for at least 6 months", "stable body weight (± 3 kg) in the last …"
    re.compile(
        rf"(?<![\w-])(?:(?:body )?weight stable|stable (?:body )?weight) {_TOLERANCE} "
        rf"{_STABLE_FOR}(?![\w-])"
    ),
    # "body weight stable for 3 months prior (±3 kg)"
    re.compile(
        rf"(?<![\w-])(?:(?:body )?weight stable|stable (?:body )?weight) {_STABLE_FOR} "
        rf"{_TOLERANCE}"
    ),
)


def find_weight_loss(text: str) -> list[Match]:
    if "weight" not in text:
        return []
    found: list[Match] = []
    if "loss" in text:
        for pattern in _PATTERNS:
            for match in pattern.finditer(text):
                criterion = _criterion(match)
                if criterion is not None:
                    found.append(Match(criterion, match.start(), match.end()))
    if "chang" in text or "fluctuat" in text:
        for match in _CHANGE.finditer(text):
            criterion = _criterion(match, WEIGHT_CHANGE)
            if criterion is not None:
                found.append(Match(criterion, match.start(), match.end()))
    if "stable" in text and "±" in text:
        for pattern in _STABLE:
            for match in pattern.finditer(text):
                criterion = _stable(match)
                if criterion is not None:
                    found.append(Match(criterion, match.start(), match.end()))
    return found


# "±5 kg" is a band around a weight the text does not name (the first, the current one): the
# weights may differ by more than the tolerance and all lie within it (`evaluation.weight_loss`).
PLUS_OR_MINUS = "plus-or-minus"


def _stable(match: re.Match[str]) -> Criterion | None:
    """NOT a change beyond the tolerance over the period."""
    amount = _amount(float(match["num"]), match["unit"].rstrip("s"))
    span = _period(match["n"], match["period"])
    if amount is None or span is None:
        return None
    value, unit = amount
    return Criterion(
        Kind.LAB,
        concept=WEIGHT_CHANGE,
        comparator=">",
        value=value,
        unit=unit,
        window=span,
        negated=True,
        qualifiers=(PLUS_OR_MINUS,),
    )


def _amount(number: float, unit: str) -> tuple[float, str] | None:
    if unit == "%":
        return (number, "%") if 0 < number < 100 else None
    if unit in ("kg", "kilogram"):
        return number, "kg"
    return round(number * _LB_KG, 3), "kg"  # lb, pound


def _period(n: str, period: str) -> Window | None:
    """The period before enrolment, None for none ("0 months")."""
    count = int(n) if n.isdigit() else WORD_NUMBERS[n]
    return window_before(count, period) if count > 0 else None


def _criterion(match: re.Match[str], concept: str = WEIGHT_LOSS) -> Criterion | None:
    symbol: Comparator = ">=" if match["num2"] else (">=" if match["cmp"] == ">=" else ">")
    number = float(match["num2"] or match["num"])
    amount = _amount(number, (match["unit2"] or match["unit"]).rstrip("s"))
    span = _period(match["n"], match["period"])
    if amount is None or span is None:
        return None
    value, canonical = amount
    return Criterion(
        Kind.LAB,
        concept=concept,
        comparator=symbol,
        value=value,
        unit=canonical,
        window=span,
    )
