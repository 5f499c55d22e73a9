"""Shared pieces of the rules: text normalization, comparators, numbers, windows, `Match`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fhirtrial.eligibility.model import Comparator, Criterion, Window

_REPLACEMENTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[≥⩾]|=>|>/=|>\s=|> or =|\bgreater than/equal to\b", ">="),
        (r"[≤⩽]|=<|</=|<\s=|< or =|\bless than/equal to\b", "<="),
        (r"[×✕]", "x"),
        (r"[–—−]", "-"),
        (r"[’`]", "'"),
        (r"⁹", "^9"),
        (r"\b10\*\*9\b", "10^9"),
        (r"ﬁ", "fi"),
        (r"ﬀ", "ff"),
        (r"ﬂ", "fl"),
        (r"\bgreater than or equal to\b|\bequal to or greater than\b|\bno less than\b", ">="),
        (r"\bless than or equal to\b|\bequal to or less than\b", "<="),
        (r"\bno more than\b|\bnot more than\b|\bnot exceeding\b|\bat most\b|\bup to\b", "<="),
        (r"\bat least\b|\ba minimum of\b|\bminimum of\b|\bminimum\b", ">="),
        (r"\bgreater than\b|\bmore than\b|\bhigher than\b|\babove\b|\bexceeding\b", ">"),
        (r"\bless than\b|\blower than\b|\bbelow\b|\byounger than\b|\bunder\b", "<"),
        (r"\bolder than\b|\bover\b", ">"),
        (r"\s+", " "),
    )
)
CMP = r"(?P<cmp><=|>=|<|>|=)"
NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)"
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
WINDOW_WITHIN = re.compile(
    r"(?:with)?in (?:the )?(?:past |previous |last |prior )?(?P<n>\d+|"
    + "|".join(WORD_NUMBERS)
    + r") (?P<unit>day|week|month|year)s?"
    r"(?: (?:prior to|before|of) (?:the )?(?:start of |beginning |first |planned |scheduled )?"
    r"(?:the )?[a-z0-9 ,'/-]{0,60}?(?=[.;)]|$| and | or ))?"
)


def normalize(text: str) -> str:
    out = text.lower()
    for pattern, replacement in _REPLACEMENTS:
        out = pattern.sub(replacement, out)
    return out.strip()


def to_number(text: str) -> float:
    return float(text.replace(",", ""))


def word_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return WORD_NUMBERS.get(text)


def days(n: int, unit: str) -> int:
    return n * _UNIT_DAYS[unit.rstrip("s")]


def comparator(symbol: str) -> Comparator:
    return symbol  # type: ignore[return-value]


@dataclass
class Match:
    """A criterion found in the normalized text at [start, end)."""

    criterion: Criterion
    start: int
    end: int
    kind: str = "criterion"  # "criterion" | "modifier" (qualifies the following condition)


def window_before(n: int, unit: str) -> Window:
    return Window(low_days=-days(n, unit), high_days=0)


def find_window(text: str, start: int = 0) -> tuple[Window, int, int] | None:
    match = WINDOW_WITHIN.search(text, start)
    if not match:
        return None
    n = word_number(match["n"])
    if n is None:
        return None
    return window_before(n, match["unit"]), match.start(), match.end()
