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
use contraception" is a condition on some women, not a population. A bullet naming both sexes
("Male or female aged 18 to 65 years", `rules.population_sex.names_both_sexes`) is a population
of the other sex too: beside it, "Women who are unable to conceive" describes some of the women
the study takes, and requires no man to be a woman.
"""

from __future__ import annotations

from fhirtrial.eligibility.model import CompiledNode, Kind
from fhirtrial.eligibility.required_leaves import required_leaves
from fhirtrial.eligibility.rules.population_sex import names_both_sexes, population_sex_of


def leave_conflicting_sexes_as_text(nodes: list[CompiledNode]) -> None:
    """Leave as text every inclusion bullet requiring a sex when they require both, or when
    another bullet, read or not, is about a population of the other sex."""
    holders: list[CompiledNode] = []
    sexes: set[str] = set()
    for node in nodes:
        if not node.exclude and not node.cohort:
            if names_both_sexes(node.text):
                sexes.update(("female", "male"))
            elif named := population_sex_of(node.text):
                sexes.add(named)
        for holder, leaf in required_leaves(node, Kind.SEX):
            if leaf.value_concept is None:
                continue
            if not holders or holders[-1] is not holder:
                holders.append(holder)
            sexes.add(leaf.value_concept)
    if len(sexes) > 1:
        for holder in holders:
            holder.criterion, holder.needs_review = None, True
