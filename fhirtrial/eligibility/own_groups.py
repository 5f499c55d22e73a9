"""A group of diagnoses that holds the study's own disease does not mean it.

"Psychiatric disorder" among the exclusions of a depression study means another psychiatric
disorder than the study's, "neurological disease" in a Parkinson study another one, and "heart
disease" beside a required myocardial infarction names the infarction: read literally, the group
would hold the very diagnosis the study is about. So when the study's inclusion criteria (but
those it asks to be absent) or its CT.gov conditions name a diagnosis of a group's extent
(`rules.diagnosis_groups.own_groups`), every reading of that group in the study is a text member
instead, and a bullet left with no other reading stays text.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhirtrial.eligibility.model import CompiledNode, Criterion, Kind, evolve
from fhirtrial.eligibility.rules.diagnosis_groups import groups_named, own_groups


def leave_own_groups_as_text(
    inclusion: list[CompiledNode], exclusion: list[CompiledNode], study_conditions: Sequence[str]
) -> None:
    nodes = [n for root in (*inclusion, *exclusion) for n in _walk(root)]
    named = [(node, found) for node in nodes if (found := groups_named(node.criterion))]
    if not named:
        return
    texts = [n.text for root in inclusion for n in _walk(root) if not _asks_absence(n)]
    own = own_groups([*texts, *study_conditions])
    for node, found in named:
        if node.criterion is not None and found & own:
            rewritten = _without(node.criterion, own)
            if rewritten.computable:
                node.criterion = rewritten
            else:
                node.criterion, node.needs_review = None, True


def _asks_absence(node: CompiledNode) -> bool:
    """ "No mental illness" among the inclusion criteria names no disease of the study."""
    return node.criterion is not None and node.criterion.negated


def _walk(node: CompiledNode) -> list[CompiledNode]:
    found, stack = [], [node]
    while stack:
        each = stack.pop()
        found.append(each)
        stack.extend(reversed(each.children))
    return found


def _without(criterion: Criterion, own: frozenset[str]) -> Criterion:
    if criterion.kind is Kind.COMBINATION:
        children = tuple(_without(c, own) for c in criterion.children)
        return evolve(criterion, children=children)
    if criterion.concept in own:
        return Criterion(Kind.TEXT, negated=criterion.negated, source_text=criterion.source_text)
    return criterion
