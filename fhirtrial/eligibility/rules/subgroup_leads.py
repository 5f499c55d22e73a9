"""A measured bound asked of a subgroup named first: "For patients with diabetes: HbA1c < 9%".

Read as a population branch (all-of(diabetes, HbA1c < 9%)), such an inclusion bullet required
the diagnosis of every patient: a patient without diabetes failed it and was called ineligible.
The bound is asked only of the patients with the diagnosis, or on the drug: an inclusion is
any-of(NOT subgroup, bound) — as "HbA1c < 9% in patients with diabetes" already reads — and an
exclusion all-of(subgroup, bound) ("In diabetic patients, HbA1c > 10%" was any-of(diabetes,
HbA1c > 10%): every diabetic patient excluded).

The lead: "for / in / among (the) patients (participants, subjects, those, individuals) with /
on / taking / receiving X" or "for / in X patients", followed by a colon or a comma; or the
same people followed by "must / should have / be". Only a subgroup that is a diagnosis or a
current medication, and only a rest that is nothing but measured values, is read here; anything
else is left to the other readings.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.base import has_any

_PEOPLE = r"(?:patients|participants|subjects|those|individuals|people|persons)"
_WHO = (
    rf"(?P<who>{_PEOPLE} (?:with|on|taking|receiving|who (?:have|has|are on|take|receive))"
    rf" [^:,;()]+?|[a-z][a-z0-9'/-]*(?: [a-z][a-z0-9'/-]*)? {_PEOPLE})"
)
# "For / in / among <who>:" or ",": the bound is asked of them. "<who> must have / be": the
# same. "Patients with type 2 diabetes: HbA1c 7-10%" without either may define the study's
# population (both required) and is left to the other readings.
_LEADS = (
    re.compile(rf"^(?:for|in|among) (?:the |all )?{_WHO}\s*[:,]\s*"),
    re.compile(rf"^{_WHO} (?:must|should|shall|needs? to) (?:have|be|show)\s+"),
)
# What each lead holds, a cheap test before its pattern (most bullets have neither).
_LEAD_STARTS = ("for ", "in ", "among ")
_MODAL_WORDS = (" must ", " should ", " shall ", " need to ", " needs to ")
_SUBGROUP_KINDS = frozenset({Kind.CONDITION, Kind.MEDICATION})


def _leaves(criterion: Criterion) -> list[Criterion]:
    if criterion.kind is Kind.COMBINATION:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [criterion]


def _lead(normalized: str) -> re.Match[str] | None:
    if normalized.startswith(_LEAD_STARTS) and (lead := _LEADS[0].match(normalized)):
        return lead
    return _LEADS[1].match(normalized) if has_any(normalized, _MODAL_WORDS) else None


def subgroup_bound(
    normalized: str, *, exclusion: bool, read: Callable[[str], Criterion | None]
) -> Criterion | None:
    """The bullet read as a bound asked of a subgroup, or None when it is not one (``read``:
    how the rules read a piece of text, as an inclusion)."""
    lead = _lead(normalized)
    if lead is None:
        return None
    subgroup = read(lead["who"])
    if subgroup is None or subgroup.negated:
        return None
    if not all(leaf.kind in _SUBGROUP_KINDS and not leaf.negated for leaf in _leaves(subgroup)):
        return None
    bound = read(normalized[lead.end() :])
    if bound is None or bound.negated:
        return None
    if not all(leaf.kind is Kind.LAB and not leaf.negated for leaf in _leaves(bound)):
        return None
    if exclusion:
        children: tuple[Criterion, ...] = (subgroup, bound)
        return Criterion(Kind.COMBINATION, children=children, combination="all-of")
    children = (evolve(subgroup, negated=True), bound)
    return Criterion(Kind.COMBINATION, children=children, combination="any-of")
