"""The leaves of one kind every patient must meet in an inclusion list, and the bullets that
hold them: what `age_conflicts` and `sex_conflicts` compare.

A leaf is required when it is a top-level inclusion bullet's reading or a member of its all-of
readings and lead-ins, outside cohorts, and not negated.
"""

from __future__ import annotations

from collections.abc import Iterator

from fhirtrial.eligibility.model import CompiledNode, Criterion, Kind


def required_leaves(node: CompiledNode, kind: Kind) -> Iterator[tuple[CompiledNode, Criterion]]:
    """Each required leaf of ``kind`` under ``node``, with the bullet whose reading holds it."""
    if node.exclude or node.cohort:
        return
    if node.criterion is not None and node.criterion.computable:
        for leaf in _leaves(node.criterion, kind):
            yield node, leaf
    if node.combination == "all-of":
        for child in node.children:
            yield from required_leaves(child, kind)


def _leaves(criterion: Criterion, kind: Kind) -> Iterator[Criterion]:
    if criterion.kind is Kind.COMBINATION:
        if criterion.combination == "all-of" and not criterion.negated and not criterion.cohort:
            for child in criterion.children:
                yield from _leaves(child, kind)
    elif criterion.kind is kind and not criterion.negated:
        yield criterion
