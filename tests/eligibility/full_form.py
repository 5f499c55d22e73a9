"""A compiled criterion written out with everything a record is judged against — qualifiers,
window, count, multiples of the upper limit, other values — for tests that compare two readings
(the narrowing probes: a narrowed bullet must never read as the bare one)."""

from __future__ import annotations

from fhirtrial.eligibility.model import Criterion, Kind


def full_form(criterion: Criterion | None) -> str:
    """The reading with its qualifiers, window, count and other values; "text" when none."""
    if criterion is None or not criterion.computable:
        return "text"
    negation = "NOT " if criterion.negated else ""
    if criterion.kind is Kind.COMBINATION:
        children = ", ".join(full_form(child) for child in criterion.children)
        return f"{negation}{criterion.combination}[{criterion.cohort or ''}]({children})"
    parts = [criterion.kind.value, criterion.concept or "", criterion.value_concept or ""]
    parts.append(f"{criterion.comparator}{criterion.value}..{criterion.high}{criterion.unit}")
    parts.append("xULN" if criterion.uln_multiple else "")
    if criterion.window:
        window = criterion.window
        parts.append(f"w{window.low_days},{window.high_days},{window.event}")
    if criterion.count:
        parts.append(f"n{criterion.count.low}-{criterion.count.high}")
    parts.append("{" + ",".join(sorted(criterion.qualifiers)) + "}")
    parts.append("<" + ",".join(criterion.other_than) + ">")
    return negation + ":".join(parts)
