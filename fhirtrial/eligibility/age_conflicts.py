"""Inclusion ages that no one person can have: they belong to different people.

A study of nursing mothers requires "Subject ≥ 18 years old" and "Infant is ≥1 and ≤6 month
old"; a study of families "Parent aged 25-50" and "Child aged 6-12". Each bullet compiles to the
patient's age, and together they rule out everyone: a mother fails the infant's age, an infant
the mother's. When the required ages of one inclusion list (top-level bullets and the members of
their all-of readings and lead-ins, outside cohorts) have no age in common, we cannot tell whose
age each bullet gives, so every bullet that requires an age is left as text for review.
"""

from __future__ import annotations

from fhirtrial.eligibility.model import CompiledNode, Criterion, Kind
from fhirtrial.eligibility.required_leaves import required_leaves
from fhirtrial.eligibility.windows import MEAN_UCUM_DAYS


def leave_conflicting_ages_as_text(nodes: list[CompiledNode]) -> None:
    """Leave as text every inclusion bullet requiring an age when no age meets them all."""
    holders: list[CompiledNode] = []
    low, high = 0.0, float("inf")
    for node in nodes:
        for holder, leaf in required_leaves(node, Kind.AGE):
            bounds = _bounds(leaf)
            if bounds is None:
                continue
            if not holders or holders[-1] is not holder:
                holders.append(holder)
            low, high = max(low, bounds[0]), min(high, bounds[1])
    if low > high:
        for holder in holders:
            holder.criterion, holder.needs_review = None, True


def _bounds(criterion: Criterion) -> tuple[float, float] | None:
    """The ages in days the criterion admits, as [low, high]; None when not read here."""
    days = MEAN_UCUM_DAYS.get(criterion.unit or "")
    if days is None or criterion.value is None:
        return None
    value = criterion.value * days
    if criterion.high is not None:
        return value, criterion.high * days
    if criterion.comparator in (">", ">="):
        return value, float("inf")
    if criterion.comparator in ("<", "<="):
        return 0.0, value
    return None
