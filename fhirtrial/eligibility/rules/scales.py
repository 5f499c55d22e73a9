"""Severity scales of a comorbidity: NYHA functional class (heart failure) and Child-Pugh
(cirrhosis), read as observations (`lab` kind, concepts `nyha-class` and `child-pugh-score`).

"Heart failure NYHA class III or IV" is all-of(heart failure, NYHA ≥ 3) — the assembly binds
adjacent criteria — and "Child-Pugh B or C cirrhosis" all-of(cirrhosis, Child-Pugh ≥ 7). A
class is a number: NYHA I–IV is 1–4; Child-Pugh A is a score of 5–6, B 7–9, C 10–15, so "B or
C" is ≥ 7, "A" ≤ 6, "B7" = 7.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Comparator, Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, comparator, has_any
from fhirtrial.eligibility.rules.scale_labels import scale_labels

NYHA = "nyha-class"
CHILD_PUGH = "child-pugh-score"
NYHA_UNIT = "{class}"
CHILD_PUGH_UNIT = "{score}"
SCALE_CONCEPTS = frozenset({NYHA, CHILD_PUGH})

_ROMAN = {
    **{"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4},
    **{"ⅰ": 1, "ⅱ": 2, "ⅲ": 3, "ⅳ": 4},  # the Unicode numerals, lower-cased
}
_NYHA_CLASS = r"(?:iv|i{1,3}|[1-4ⅰ-ⅳ])(?![a-z0-9])"
_JOIN = r"\s*(?:-|~|to|/|,? or|,? and/or|,? and|,)\s*(?:class )?"
_MORE = r"(?P<more>or (?:higher|greater|above|worse|more|over))"
_LESS = r"(?P<less>or (?:lower|less|below|better))"
_NYHA_VALUE = (
    rf"(?:(?P<cmp>>=|>|<=|<)\s*(?:class )?(?P<one>{_NYHA_CLASS})"
    rf"|(?P<list>{_NYHA_CLASS}(?:{_JOIN}{_NYHA_CLASS})*)(?: {_MORE}| {_LESS})?)"
)
_NYHA_NAME = (
    r"(?:(?:the )?new york heart association(?: \(nyha\))?"
    r"|nyha(?: \(new york heart association\))?)"
    r"(?: (?:functional |cardiac function |heart failure )?(?:class(?:ification)?|grade|stage"
    r"|score))?(?: of)?(?: class)?"
)
_HEART_FAILURE = (
    r"(?:congestive |chronic )?(?:heart failure|cardiac failure|chf)(?: \((?:chf|hf)\))?"
)
_NYHA_PATTERNS = (
    # "NYHA class III or IV", "New York Heart Association (NYHA) class III~IV", "NYHA >= 3"
    re.compile(rf"(?<![\w-]){_NYHA_NAME}:?\s*{_NYHA_VALUE}"),
    # "class IV congestive heart failure": the class before the failure it grades
    re.compile(rf"(?<![\w-])class {_NYHA_VALUE}(?= {_HEART_FAILURE})"),
    # "heart failure in III or IV functional class (NYHA)"
    re.compile(rf"(?<![\w-])(?:in )?{_NYHA_VALUE} functional class(?:es)? \(?nyha\)?"),
)

_CP_LETTER = r"[abc](?:\s?(?:[5-9]|1[0-5]))?(?![a-z0-9])"
_CP_NAME = (
    r"(?:child[- ](?:turcotte[- ])?pugh(?:[- ]turcotte)?(?: \((?:ctp|cp)\))?"
    r"(?: (?:class(?:ification)?|score|grade|stage|category|status))?(?: of)?"
    r"|child(?= [abc](?![\w-])))"
)
_CP_VALUE = (
    rf"(?:(?P<cmp>>=|>|<=|<)\s*(?:class )?(?P<one>{_CP_LETTER}|\d{{1,2}})"
    rf"|(?P<list>(?:{_CP_LETTER}|\d{{1,2}})(?:{_JOIN}(?:{_CP_LETTER}|\d{{1,2}}))*)"
    rf"(?:(?: points?)?(?: {_MORE}| {_LESS}))?)"
)
_CP_PATTERN = re.compile(rf"(?<![\w-]){_CP_NAME}:?\s*{_CP_VALUE}")
_CP_RANGES = {"a": (5, 6), "b": (7, 9), "c": (10, 15)}
_CP_MIN, _CP_MAX = 5, 15


def find_scales(text: str) -> list[Match]:
    found: list[Match] = []
    named = has_any(text, ("nyha", "new york heart"))
    graded = ("class" in text and "failure" in text) or "chf" in text
    if named or graded:
        patterns = _NYHA_PATTERNS if named else _NYHA_PATTERNS[1:2]
        for pattern in patterns:
            for match in pattern.finditer(text):
                found.extend(_with_comparator_before(text, match, _nyha(match)))
    if "child" in text:
        for match in _CP_PATTERN.finditer(text):
            found.extend(_with_comparator_before(text, match, _child_pugh(match)))
    if found and has_any(text, ("impairment", "dysfunction", "insufficiency")):
        found.extend(scale_labels(text, found))
    return found


_COMPARATOR_BEFORE = re.compile(r"(?P<cmp>>=|<=|>|<)\s*$")


def _with_comparator_before(
    text: str, match: re.Match[str], criterion: Criterion | None
) -> list[Match]:
    """The match, taking in a comparator written before the scale's name ("greater than NYHA
    class II", "≥ NYHA class 3"): it applies to a single class; with a list or a comparator of
    its own the reading is refused (the gap reader would otherwise drop the symbol)."""
    if criterion is None:
        return []
    before = _COMPARATOR_BEFORE.search(text, max(0, match.start() - 4), match.start())
    if before is None:
        return [Match(criterion, match.start(), match.end())]
    if match["cmp"] or criterion.comparator != "=" or criterion.value is None:
        return []
    if criterion.concept == CHILD_PUGH and not match["list"].strip().isdigit():
        return []  # "> Child-Pugh B": a class spans scores; left as text
    bound = _bound(
        criterion.concept or "",
        criterion.unit or "",
        comparator(before["cmp"]),
        int(criterion.value),
    )
    return [Match(bound, before.start(), match.end())]


def _nyha(match: re.Match[str]) -> Criterion | None:
    if match["cmp"]:
        return _bound(NYHA, NYHA_UNIT, comparator(match["cmp"]), _ROMAN[match["one"]])
    values = [_ROMAN[v] for v in re.findall(_NYHA_CLASS, match["list"])]
    if not values:
        return None
    low, high = min(values), max(values)
    ranged = re.search(r"-|~|\bto\b", match["list"])
    if not ranged and set(range(low, high + 1)) != set(values):
        return None  # "II or IV": not one span
    if match["more"]:
        high = 4
    if match["less"]:
        low = 1
    return _span(NYHA, NYHA_UNIT, low, high, 1, 4)


def _child_pugh(match: re.Match[str]) -> Criterion | None:
    if match["cmp"]:
        low, high = _cp_points(match["one"])
        symbol = comparator(match["cmp"])
        # "> B" is C or worse, ">= B" B or worse; "< B" is A, "<= B" B or better.
        if symbol in (">=", "<"):
            return _bound(CHILD_PUGH, CHILD_PUGH_UNIT, symbol, low)
        return _bound(CHILD_PUGH, CHILD_PUGH_UNIT, symbol, high)
    items = re.findall(rf"{_CP_LETTER}|\d{{1,2}}", match["list"])
    spans = [_cp_points(item) for item in items]
    if not spans or any(lo < _CP_MIN or hi > _CP_MAX for lo, hi in spans):
        return None
    low, high = min(lo for lo, _ in spans), max(hi for _, hi in spans)
    if match["more"]:
        high = _CP_MAX
    if match["less"]:
        low = _CP_MIN
    return _span(CHILD_PUGH, CHILD_PUGH_UNIT, low, high, _CP_MIN, _CP_MAX)


def _cp_points(item: str) -> tuple[int, int]:
    """The score range a class ("b"), a class with its points ("b7") or a score ("8") stands for."""
    item = item.replace(" ", "")
    if item.isdigit():
        return int(item), int(item)
    if len(item) > 1:
        return int(item[1:]), int(item[1:])
    return _CP_RANGES[item]


def _span(concept: str, unit: str, low: int, high: int, floor: int, top: int) -> Criterion:
    if low <= floor and high >= top:
        return Criterion(Kind.LAB, concept=concept, comparator=">=", value=float(floor), unit=unit)
    if high >= top:
        return _bound(concept, unit, ">=", low)
    if low <= floor:
        return _bound(concept, unit, "<=", high)
    if low == high:
        return _bound(concept, unit, "=", low)
    return Criterion(Kind.LAB, concept=concept, value=float(low), high=float(high), unit=unit)


def _bound(concept: str, unit: str, comparator: Comparator, value: int) -> Criterion:
    return Criterion(
        Kind.LAB, concept=concept, comparator=comparator, value=float(value), unit=unit
    )
