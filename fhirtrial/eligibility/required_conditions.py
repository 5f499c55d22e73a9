"""An exclusion that names the diagnosis the inclusion criteria require does not mean it.

A colorectal cancer study requires "A biopsy proven histological diagnosis of colorectal
carcinoma" and excludes "History of colorectal cancer or other malignant tumors": read plainly,
the exclusion rules out every patient the inclusion lets in. The text means an earlier, separate
episode (a previous colorectal cancer), which a record does not tell apart from the current one.
So in the exclusions, a plain diagnosis (no window, no qualifier, not negated; the bullet itself
or one of its alternatives, not a member of an all-of) that every patient meeting a required
diagnosis has — the same concept or a broader one ("diabetes" beside a
required "type 2 diabetes") — is left as text. Required: a condition of a top-level inclusion
bullet outside cohorts, through all-of readings and lead-ins only (one of several alternatives
is not required).
"""

from __future__ import annotations

from dataclasses import replace

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import CompiledNode, Criterion, Kind

# Any malignancy in a cancer study's exclusions is read as another one than the study's own
# (`evidence_variable._with_other_than`): a better reading than text.
_ANY_MALIGNANCY = "malignant-neoplasm"


def leave_required_conditions_as_text(
    inclusion: list[CompiledNode], exclusion: list[CompiledNode]
) -> None:
    """Leave as text the plain exclusion diagnoses that a required diagnosis implies."""
    required: set[str] = set()
    for node in inclusion:
        required |= _required(node)
    if not required:
        return
    implied = terminology.terminology().with_ancestors(required)
    for node in exclusion:
        _rewrite(node, implied)


def _required(node: CompiledNode) -> set[str]:
    if node.exclude or node.cohort:
        return set()
    found = _conditions(node.criterion) if node.criterion and node.criterion.computable else set()
    if node.combination == "all-of":
        for child in node.children:
            found |= _required(child)
    return found


def _conditions(criterion: Criterion) -> set[str]:
    if criterion.negated or criterion.cohort:
        return set()
    if criterion.kind is Kind.COMBINATION:
        if criterion.combination != "all-of":
            return set()
        return {c for child in criterion.children for c in _conditions(child)}
    if criterion.kind is Kind.CONDITION and criterion.concept:
        return {criterion.concept}
    return set()


def _rewrite(node: CompiledNode, implied: frozenset[str]) -> None:
    if node.criterion is not None and node.criterion.computable:
        rewritten = _without_implied(node.criterion, implied)
        if rewritten is not node.criterion:
            if rewritten.computable:
                node.criterion = rewritten
            else:
                node.criterion, node.needs_review = None, True
    for child in node.children:
        _rewrite(child, implied)


def _without_implied(criterion: Criterion, implied: frozenset[str]) -> Criterion:
    if criterion.kind is Kind.COMBINATION:
        if criterion.combination != "any-of" or criterion.negated:
            # "Child C hepatocellular carcinoma" beside a required HCC: the other members
            # narrow it to something a patient with the required diagnosis may lack.
            return criterion
        children = tuple(_without_implied(c, implied) for c in criterion.children)
        if all(new is old for new, old in zip(children, criterion.children, strict=True)):
            return criterion
        return replace(criterion, children=children)
    if (
        criterion.kind is Kind.CONDITION
        and criterion.concept in implied
        and criterion.concept != _ANY_MALIGNANCY
        and not criterion.negated
        and criterion.window is None
        and not criterion.qualifiers
    ):
        return Criterion(Kind.TEXT, source_text=criterion.source_text)
    return criterion
