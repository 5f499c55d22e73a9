"""Criterion text → `Criterion` (rule-based), and outline → `CompiledNode` tree.

Rules live in `rules/` (one small module per criterion kind). A text is made computable only
when a rule accounts for it; anything else stays text-only and is marked for manual review.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import CombinationCode, CompiledNode, Criterion
from fhirtrial.eligibility.outline import Outline, OutlineNode
from fhirtrial.eligibility.rules import compile_text

_ANY_OF = re.compile(
    r"\b(?:one of the following|any of the following|either|at least one of|one or more of|"
    r"≥\s*1 of the following|meets? one of)\b",
    re.IGNORECASE,
)
_ALL_OF = re.compile(r"\b(?:all of the following|each of the following|defined as)\b", re.I)
_AT_LEAST = re.compile(r"\bat least (\w+) of the following\b", re.IGNORECASE)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# Branches such as "those with oncogene-driven tumors: ..." are alternatives, not all required.
_BRANCH = re.compile(r"^\s*(?:those|patients|participants|subjects)\s+(?:with|without)\b", re.I)
# Lead-ins that only introduce their sub-bullets carry no requirement of their own.
_PURE_LEAD_IN = re.compile(
    r"(?:following|below|as follows|defined as|including|such as|as evidenced by|"
    r"criteria|only|either|and|or|must have|meet|with|from)\s*:?\s*$",
    re.IGNORECASE,
)


def compile_outline(outline: Outline) -> list[CompiledNode]:
    return [compile_node(node) for node in outline.roots]


def compile_node(node: OutlineNode) -> CompiledNode:
    criterion = compile_text(node.text, exclusion=node.section == "exclusion" and node.exclude)
    children = [compile_node(child) for child in node.children]
    combination, threshold = combination_of(node)
    needs_review = criterion is None and (not children or not _is_pure_lead_in(node.text))
    return CompiledNode(
        link_id=node.link_id,
        text=node.text,
        exclude=node.exclude,
        criterion=criterion,
        cohort=node.cohort,
        needs_review=needs_review,
        combination=combination,
        threshold=threshold,
        children=children,
    )


def combination_of(node: OutlineNode) -> tuple[CombinationCode, int | None]:
    """How a lead-in combines its sub-bullets."""
    text = node.text
    if match := _AT_LEAST.search(text):
        number = _NUMBER_WORDS.get(match[1].lower()) or _int(match[1])
        if number and number > 1:
            return "at-least", number
        return "any-of", None
    if _ANY_OF.search(text):
        return "any-of", None
    if _ALL_OF.search(text):
        return "all-of", None
    if node.children and all(_BRANCH.match(child.text) for child in node.children):
        return "any-of", None
    if node.children and len({c.cohort for c in node.children}) == len(node.children) > 1:
        # One sub-bullet per cohort: each applies to its own cohort only.
        return "all-of", None
    # Exclusion lists under an exclusion bullet: any listed condition excludes.
    return ("any-of" if node.section == "exclusion" else "all-of"), None


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _is_pure_lead_in(text: str) -> bool:
    head = text.split(":")[-2] if text.rstrip().endswith(":") and ":" in text[:-1] else text
    if re.search(r"\bthe following\b|\bas follows\b|\bdefined (?:as|below)\b", text, re.I):
        return True
    return bool(_PURE_LEAD_IN.search(text)) or len(head.split()) <= 4


def compile_criterion(text: str, *, exclusion: bool = False) -> Criterion | None:
    """The computable meaning of one criterion text, or None (text-only)."""
    return compile_text(text, exclusion=exclusion)
