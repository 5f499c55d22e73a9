"""Mental states asked about now: "experiencing active psychosis", "current psychosis", "active
suicidality".

"Psychosis" and "suicidality" name a state the patient is in, and "active" / "current" before
them ask whether the patient is in it now. The finders read them as the diagnoses that record
them (psychotic disorders F20–F29; suicidal ideation, attempt, history of suicidal behaviour)
with qualifier `active`, which a current entry meets: a schizophrenia stable for years, or a
suicide attempt of 2015, both left "active" on a problem list, ruled the patient out (session 14
audit: NCT03926546 exc-2 and exc-4, NCT03930121 exc-6, NCT03922581 exc-3). Whether the patient
is psychotic or suicidal now is not in structured data: the reading keeps the diagnosis and adds
`symptomatic`, so a recorded entry leaves the criterion for review (`unknown`) and a resolved
one, or none, does not meet it. "Current schizophrenia" names the disorder, which the entry does
record, and is left as it is.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Kind, evolve
from fhirtrial.eligibility.rules.base import Match, has_any

TRIGGERS = ("psychos", "suicidality")
_STATE = re.compile(r"\b(?:psychos[ie]s|suicidality)\b")
_NOW = "symptomatic"


def asked_about_now(text: str, found: list[Match]) -> None:
    """Add `symptomatic` to each current (`active`) psychosis or suicidality in ``found``."""
    if not has_any(text, TRIGGERS):
        return
    for item in found:
        criterion = item.criterion
        if (
            criterion.kind is Kind.CONDITION
            and "active" in criterion.qualifiers
            and _NOW not in criterion.qualifiers
            and _STATE.search(text, item.start, item.end)
        ):
            item.criterion = evolve(criterion, qualifiers=(*criterion.qualifiers, _NOW))
