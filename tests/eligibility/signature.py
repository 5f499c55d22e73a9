"""A compact, readable form of a compiled criterion, used by the labelled set.

Leaf: `kind:concept[:<cmp><value>[..<high>]<unit>|xULN][:<value concept>][:w<low>,<high>,<event>]
[:n<low>-<high>]`, prefixed by `NOT ` when negated; combination: `<code>[<cohort>](a, b, ...)`.
Qualifiers are not part of the signature.
"""

from __future__ import annotations

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.outline import parse_outline


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def signature(criterion: Criterion | None) -> str | None:
    if criterion is None or not criterion.computable:
        return None
    negation = "NOT " if criterion.negated else ""
    if criterion.kind is Kind.COMBINATION:
        cohort = f"[{criterion.cohort}]" if criterion.cohort else ""
        children = ", ".join(signature(child) or "text" for child in criterion.children)
        return f"{negation}{criterion.combination}{cohort}({children})"
    parts = [criterion.kind.value, criterion.concept or ""]
    if criterion.comparator or criterion.value is not None or criterion.high is not None:
        high = f"..{_number(criterion.high)}" if criterion.high is not None else ""
        unit = "xULN" if criterion.uln_multiple else criterion.unit or ""
        comparator = criterion.comparator if criterion.comparator not in (None, "=") else ""
        if criterion.comparator == "=" and criterion.high is None:
            comparator = "="
        parts.append(f"{comparator}{_number(criterion.value)}{high}{unit}")
    if criterion.value_concept:
        parts.append(criterion.value_concept)
    if criterion.window:
        window = criterion.window
        parts.append(f"w{_number(window.low_days)},{_number(window.high_days)},{window.event}")
    if criterion.count:
        parts.append(f"n{_number(criterion.count.low)}-{_number(criterion.count.high)}")
    return negation + ":".join(part for part in parts if part)


def bullet_signature(text: str, section: str = "Exclusion") -> str | None:
    """The signature of `text` compiled as the only bullet of an inclusion or exclusion list."""
    nodes = compile_outline(parse_outline(f"{section} Criteria:\n\n* {text}"))
    return signature(nodes[0].criterion)
