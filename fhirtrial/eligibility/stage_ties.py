"""Tie every stage criterion to the cancer it stages.

"Stage IIIB or IV non-small cell lung cancer" compiles to all-of(any-of(stage-3b, stage-4),
nsclc): the stages are those of the NSCLC, not of a breast cancer staged years before. A stage
takes the cancers named beside it in the nearest all-of (a criterion's members, or the
sub-bullets of one bullet); a stage with none beside it ("Stage IV disease") takes the study's
own cancers. The evaluator then reads only the stages of those cancers (`evaluation.staging`).
"""

from __future__ import annotations

from fhirtrial.eligibility.evaluation.cancers import cancer_types
from fhirtrial.eligibility.model import CompiledNode, Criterion, Kind, evolve


def tie_stages(node: CompiledNode, study_cancers: tuple[str, ...]) -> None:
    """Set `Criterion.stage_of` on the stage criteria of ``node`` and its sub-bullets."""
    _tie_node(node, study_cancers)


def _tie_node(node: CompiledNode, around: tuple[str, ...]) -> None:
    if node.criterion is not None:
        node.criterion = _tied(node.criterion, _named_beside(node.criterion) or around)
    if not node.children:
        return
    here = around
    if (node.combination or "all-of") == "all-of":
        named = tuple(
            dict.fromkeys(
                concept
                for child in node.children
                if not child.exclude and child.criterion is not None
                for concept in _named_beside(child.criterion)
            )
        )
        here = named or around
    for child in node.children:
        _tie_node(child, here)


def _tied(criterion: Criterion, around: tuple[str, ...]) -> Criterion:
    if criterion.kind is Kind.STAGE:
        return evolve(criterion, stage_of=around) if around else criterion
    if criterion.kind is not Kind.COMBINATION:
        return criterion
    here = around
    if (criterion.combination or "all-of") == "all-of":
        here = _named_beside(criterion) or around
    return evolve(criterion, children=tuple(_tied(child, here) for child in criterion.children))


def _named_beside(criterion: Criterion) -> tuple[str, ...]:
    """The cancers an all-of names as its members (directly, or as alternatives of one member:
    all-of(stage-4, any-of(nsclc, sclc))); a plain cancer criterion names itself."""
    if criterion.kind is Kind.CONDITION:
        return _cancer(criterion)
    if criterion.kind is not Kind.COMBINATION or (criterion.combination or "all-of") != "all-of":
        return ()
    found: list[str] = []
    for child in criterion.children:
        if child.kind is Kind.CONDITION:
            found += _cancer(child)
        elif child.kind is Kind.COMBINATION and child.combination == "any-of":
            alternatives = [_cancer(c) if c.kind is Kind.CONDITION else () for c in child.children]
            if all(alternatives):
                found += [concept for names in alternatives for concept in names]
    return tuple(dict.fromkeys(found))


def _cancer(criterion: Criterion) -> tuple[str, ...]:
    """The criterion's concept when it is a cancer type (not the generic malignancy, not a
    metastasis, not negated, not "another primary")."""
    concept = criterion.concept
    if concept is None or criterion.negated or criterion.other_than:
        return ()
    if "other-primary" in criterion.qualifiers:
        return ()
    return tuple(cancer_types((concept,)))
