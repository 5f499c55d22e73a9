"""Order of the matches: eligible, then potential candidates, then (if asked) ineligible; within
a class by the share of criteria decided in the patient's favour, then by distance to the nearest
open site (unknown distance last), then by study id so that equal matches keep a stable order."""

from __future__ import annotations

import math
from typing import Protocol

CLASS_RANK = {"eligible": 0, "potential-candidate": 1, "ineligible": 2}


class Ranked(Protocol):
    study_id: str
    verdict: str
    score: float
    distance: float | None


def rank_key(match: Ranked) -> tuple[int, float, float, str]:
    distance = match.distance if match.distance is not None else math.inf
    return (CLASS_RANK[match.verdict], -match.score, distance, match.study_id)


def search_score(match: Ranked) -> float:
    """Bundle.entry.search.score: the share of criteria met for eligible and potential candidates
    (an eligible study meets all, 1.0; a potential candidate has an unknown, so below 1); 0 for an
    ineligible study, so that the score never contradicts the order."""
    if match.verdict == "ineligible":
        return 0.0
    return round(min(max(match.score, 0.0), 1.0), 4)
