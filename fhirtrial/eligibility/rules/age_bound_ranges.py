"""Age ranges in years with a comparator on one end: "Children age 4 to < 17 years" (4 up to,
not including, 17), "Age: > 8 - 40 years" (older than 8, up to 40), or on both ("aged between
>= 20 and <= 45 years old").

The plain range ("Age 4-17 years") is `ages`' job; a comparator inside it made both ends stay
text, or left one bound read alone. Each end keeps its own comparator: the bare end is inclusive
as in a plain range ("4 to" is >= 4, "- 40 years" is <= 40), the other is as written. Each needs
the age said as one: an age word right before ("age", "aged", "ages") or "years old" / "of age"
after. Ages at another moment ("age at onset …") are `OTHER_AGE`'s, and refuse here too.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, comparator, has_any

_YEARS = r"(?:years?|yrs?)"
_AGE_BEFORE = r"(?:\bage[ds]?\b(?<!gestational age)(?<!gestation age)(?<!bone age)\s*:?\s*)"
_AFTER = r"(?P<old>(?:[- ](?:old|of age))?)"
# "age 4 to < 17 years", "4-<17 years old": the upper end has the comparator.
_LOW_THEN_BOUND = re.compile(
    rf"(?P<age>{_AGE_BEFORE})?(?<![\w.,-])(?P<low>\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:-|to)\s*"
    rf"(?P<cmp><=|<)\s*(?P<high>\d{{1,3}})\s*{_YEARS}{_AFTER}"
)
# "age: > 8 - 40 years", ">= 18 to 65 years old": the lower end has the comparator.
_BOUND_THEN_HIGH = re.compile(
    rf"(?P<age>{_AGE_BEFORE})?(?P<cmp>>=|>)\s*(?P<low>\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:-|to)\s*"
    rf"(?P<high>\d{{1,3}})\s*{_YEARS}{_AFTER}"
)
# "aged between >= 20 and <= 45 years old": both ends as written.
_BETWEEN_BOUNDS = re.compile(
    rf"(?P<age>{_AGE_BEFORE})?between\s*(?P<c1>>=|>)\s*(?P<low>\d{{1,3}})\s*(?:{_YEARS}\s*)?"
    rf"and\s*(?P<c2><=|<)\s*(?P<high>\d{{1,3}})\s*{_YEARS}{_AFTER}"
)
# An age at some other moment, or someone else's: the whole bullet is left alone.
_REFUSAL = re.compile(
    r"\b(?:at|when|upon) (?:the )?(?:time of |date of )?(?:onset|diagnos\w*|symptom\w*)"
    r"|\bonset\b|\bdiagnosed\b|\bgestation|\bbone age|\bmental age|\bcorrected age"
)


def find_age_bound_ranges(text: str) -> list[Match]:
    if not ("<" in text or ">" in text) or not has_any(text, ("year", "yr")):
        return []
    if _REFUSAL.search(text):
        return []
    found: list[Match] = []
    for pattern, upper in ((_LOW_THEN_BOUND, True), (_BOUND_THEN_HIGH, False)):
        for match in pattern.finditer(text):
            if not (match["age"] or match["old"]):
                continue  # "4 to < 17 years" alone may be a duration
            low, high = int(match["low"]), int(match["high"])
            if not low < high <= 120:
                continue
            symbol = match["cmp"]
            first = _age(">=" if upper else symbol, low)
            second = _age(symbol if upper else "<=", high)
            both = Criterion(Kind.COMBINATION, children=(first, second), combination="all-of")
            found.append(Match(both, match.start(), match.end()))
    if "between" in text:
        for match in _BETWEEN_BOUNDS.finditer(text):
            low, high = int(match["low"]), int(match["high"])
            if not (match["age"] or match["old"]) or not low < high <= 120:
                continue
            first, second = _age(match["c1"], low), _age(match["c2"], high)
            both = Criterion(Kind.COMBINATION, children=(first, second), combination="all-of")
            found.append(Match(both, match.start(), match.end()))
    return found


def _age(symbol: str, value: int) -> Criterion:
    return Criterion(Kind.AGE, comparator=comparator(symbol), value=float(value), unit="a")
