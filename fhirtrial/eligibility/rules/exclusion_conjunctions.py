"""What "and" joins in an exclusion bullet: items of one list, or one patient's two states.

An exclusion list's "and" usually lists items each of which excludes on its own: "Pregnancy
and lactation", "Neurological and psychiatric disorders", "HIV, HBV and HCV" — any-of. But an
"and" between a diagnosis and a measured value says which patients with the diagnosis are
meant: "Diabetes and HbA1c > 10%", "HIV infection and CD4 count < 200 cells/mm3", "Heart
failure and LVEF < 40%". Read as any-of, each of those excluded every patient with the
diagnosis. Between other kinds ("Age > 65 years and diabetes", "Smokers and age over 40")
either reading is written ("Patients under 18 and those with dementia" is a list), so the
bullet stays text. People of one kind ("Children, adults under 21 years of age, and pregnant
women": age, sex, pregnancy, breastfeeding) remain a list. "Both A and B" and "A plus B" say
that one patient has both ("Subjects with both DPN and PHN"): all-of.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from fhirtrial.eligibility.model import Criterion, Kind

_POPULATION = frozenset({Kind.AGE, Kind.SEX, Kind.PREGNANCY, Kind.BREASTFEEDING})
# A state a measured value can narrow ("diabetes and HbA1c > 10%", "on warfarin and INR > 3").
_NARROWED = frozenset({"diagnosis", "medication"})


def _family(kind: Kind) -> str:
    if kind is Kind.CONDITION:
        return "diagnosis"
    if kind in _POPULATION:
        return "population"
    return kind.value


def _families(criterion: Criterion) -> set[str]:
    if criterion.kind is Kind.COMBINATION:
        return {f for child in criterion.children for f in _families(child)}
    return set() if criterion.kind is Kind.TEXT else {_family(criterion.kind)}


def and_in_exclusion(
    parts: Sequence[tuple[str | None, Criterion]], *, conjoined: bool = False
) -> Literal["all-of", "text"] | None:
    """How an exclusion's parts joined by "and" combine (``parts``: each part's connective to
    the one before and its criterion): "all-of" for a diagnosis or medication and a measured
    value, "text" for other kinds side by side, None when it is a list (any-of as before).
    ``conjoined``: the bullet says every item holds at once ("both A and B", "A plus B"):
    all-of, and text when an "or" is among the links too."""
    links = [connective for connective, _ in parts[1:]]
    if conjoined and len(parts) > 1:
        return "text" if "or" in links else "all-of"
    if "and" not in links or "or" in links:
        return None
    each = [_families(criterion) for _, criterion in parts]
    families = set().union(*each)
    if len(families) <= 1 or families <= {"population"}:
        return None
    if (
        len(parts) == 2
        and all(len(f) == 1 for f in each)
        and "lab" in families
        and len(families & _NARROWED) == 1
        and len(families) == 2
    ):
        return "all-of"
    return "text"
