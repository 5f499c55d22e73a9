"""A result word ending a list of infections: "Hepatitis B, hepatitis C and HIV serology
negative", "HBV, HCV and HIV negative".

The result belongs to every item, but the finders attach it to the last one only (the serology
and status readers read "HIV serology negative"), so the items before it read as diagnoses the
patient must have: all-of(HBV, HCV, NOT HIV) failed every patient without hepatitis. Such a
bullet stays text until each item's result can be read: a reading that holds both a negated and
a positive diagnosis or test, in a bullet that ends with "negative", is refused.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind

_ENDS_NEGATIVE = re.compile(r"\b(?:sero)?negative(?: (?:serology|serologies|status|tests?))?\W*$")
_RESULT_KINDS = frozenset({Kind.CONDITION, Kind.BIOMARKER})


def result_spread_over_list(lowered: str, criterion: Criterion | None) -> bool:
    """Whether the reading gives a trailing "negative" to the last item only (``lowered``: the
    bullet in lower case)."""
    if criterion is None or "negative" not in lowered:
        return False
    if _ENDS_NEGATIVE.search(lowered) is None:
        return False
    negated, positive = _polarities(criterion, negated=False)
    return negated and positive


def _polarities(criterion: Criterion, *, negated: bool) -> tuple[bool, bool]:
    """(a negated diagnosis or test, a positive one) among the leaves."""
    negated = negated != criterion.negated
    if criterion.kind is Kind.COMBINATION:
        found = [_polarities(child, negated=negated) for child in criterion.children]
        return any(n for n, _ in found), any(p for _, p in found)
    if criterion.kind not in _RESULT_KINDS:
        return False, False
    return negated, not negated
