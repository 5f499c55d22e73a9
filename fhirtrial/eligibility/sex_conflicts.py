"""Inclusion sexes that no one person can have: the bullets name two populations.

"Postmenopausal women" and "Men > 50-year-old" in one inclusion list are two groups a study
takes, not two requirements of one patient: each bullet compiles to the patient's sex, and
together they rule out everyone. When the sexes required by one inclusion list (top-level
bullets and the members of their all-of readings and lead-ins, outside cohorts) are both female
and male, every bullet that requires a sex is left as text for review, as
`age_conflicts` does for ages no one person can have. A bullet the compiler leaves text still
names its population when it opens with one sex and sets no condition
(`rules.population_sex.population_sex_of`): "Postmenopausal women" is text, yet with it "Men
>50-year-old" (NCT03868033) would turn every woman away. "Women of childbearing potential must
use contraception" is a condition on some women, not a population.
"""

from __future__ import annotations

from collections.abc import Iterator

from fhirtrial.eligibility.model import CompiledNode, Criterion, Kind
from fhirtrial.eligibility.rules.population_sex import population_sex_of


def leave_conflicting_sexes_as_text(nodes: list[CompiledNode]) -> None:
    """Leave as text every inclusion bullet requiring a sex when they require both, or when
    another bullet, read or not, is about a population of the other sex."""
    holders: list[CompiledNode] = []
    sexes: set[str] = set()
    for node in nodes:
        if not node.exclude and not node.cohort and (named := population_sex_of(node.text)):
            sexes.add(named)
        for holder, leaf in _required_sexes(node):
            if leaf.value_concept is None:
                continue
            if not holders or holders[-1] is not holder:
                holders.append(holder)
            sexes.add(leaf.value_concept)
    if len(sexes) > 1:
        for holder in holders:
            holder.criterion, holder.needs_review = None, True


def _required_sexes(node: CompiledNode) -> Iterator[tuple[CompiledNode, Criterion]]:
    if node.exclude or node.cohort:
        return
    if node.criterion is not None and node.criterion.computable:
        for leaf in _sex_leaves(node.criterion):
            yield node, leaf
    if node.combination == "all-of":
        for child in node.children:
            yield from _required_sexes(child)


def _sex_leaves(criterion: Criterion) -> Iterator[Criterion]:
    if criterion.kind is Kind.COMBINATION:
        if criterion.combination == "all-of" and not criterion.negated and not criterion.cohort:
            for child in criterion.children:
                yield from _sex_leaves(child)
    elif criterion.kind is Kind.SEX and not criterion.negated:
        yield criterion
