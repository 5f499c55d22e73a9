"""The cohorts a study's criteria are tied to, and the names by which criteria refer to them.

A criterion tied to a cohort carries a key ("Cohort A", a comparison group's linkId or name);
`comparison_group_aliases` lists each group with every lower-cased name a key may use, and
`applies_to` says whether a plan node counts for a group. The evaluator evaluates the patient
once per group; the prefilter keys (`matching/keys.py`) need the same groups and the same rule
to know which criteria every group shares.
"""

from __future__ import annotations

import re
from typing import Any

from fhirtrial.eligibility.evaluation.plan import PlanNode

_COHORT_WORDS = re.compile(r"\b(?:cohort|arm|part|group|stratum)\s*[A-Za-z0-9]+\b", re.IGNORECASE)


def comparison_group_aliases(
    cohort_keys: tuple[str, ...], comparison_groups: list[dict[str, Any]] | None
) -> list[tuple[str, str | None, frozenset[str]]]:
    """(linkId, name, aliases) per group; aliases are the lower-cased keys criteria may use."""
    if not cohort_keys:
        return []
    groups = []
    for group in comparison_groups or ():
        if not isinstance(group, dict) or not isinstance(group.get("linkId"), str):
            continue
        name = group.get("name") if isinstance(group.get("name"), str) else None
        texts = " ".join(t for t in (name, group.get("description")) if isinstance(t, str))
        aliases = {group["linkId"].lower()}
        if name:
            aliases.add(name.lower())
        aliases |= {m.lower() for m in _COHORT_WORDS.findall(texts)}
        groups.append((group["linkId"], name, frozenset(aliases)))
    known = {alias for _, _, aliases in groups for alias in aliases}
    for key in cohort_keys:  # cohorts named by criteria but by no comparison group
        if key.lower() not in known:
            groups.append((key, key, frozenset({key.lower()})))
    return groups


def applies_to(node: PlanNode, cohort: frozenset[str] | None) -> bool:
    """Whether a node counts for the group with these aliases (None: no groups, all count)."""
    return cohort is None or node.cohort is None or node.cohort.lower() in cohort
