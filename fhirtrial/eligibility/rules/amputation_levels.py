"""The level of an amputation ("below-knee amputation", "transfemoral amputee", "above ankle
amputations", "below- or above-elbow amputee"): the ICD-10-CM acquired-absence codes tell the
level (Z89.51- below knee, Z89.61- above knee, Z89.5- / Z89.6- anywhere above the ankle, Z89.21-
below elbow, Z89.22- above elbow), so each level is its own `procedure` concept and a list of
levels joined by "or", "/" or commas is any-of them ("transtibial or transfemoral amputee"). A
level that drops its joint ("below- or above-elbow") takes the next one's. `rules.procedure_states`
asks for the level right before an amputation it has read and keeps its own rules for whether one
was done; a level the codes do not tell ("transmetatarsal", "toe") stays its narrowing.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind

_LEVEL = (
    r"(?:(?:below|above)(?:[- ](?:the )?(?:knee|elbow|ankle)|-(?= or| and/or|/|,))"
    r"|trans-?(?:tibial|femoral|radial|humeral))"
)
_LEVELS = re.compile(rf"(?<![\w-])(?P<levels>{_LEVEL}(?:(?:,| or|, or| and/or|/) ?{_LEVEL})*)[- ]$")
_SPLIT = re.compile(r"(?:,| or|, or| and/or|/) ?")
_CONCEPTS = {
    ("below", "knee"): "below-knee-amputation",
    ("above", "knee"): "above-knee-amputation",
    ("above", "ankle"): "above-ankle-amputation",
    ("below", "elbow"): "below-elbow-amputation",
    ("above", "elbow"): "above-elbow-amputation",
}
_TRANS = {
    "tibial": "below-knee-amputation",
    "femoral": "above-knee-amputation",
    "radial": "below-elbow-amputation",
    "humeral": "above-elbow-amputation",
}
_PART = re.compile(
    r"(?:(?P<side>below|above)(?:[- ](?:the )?(?P<joint>knee|elbow|ankle))?|trans-?(?P<trans>\w+))"
)


def level_before(text: str, end: int) -> tuple[int, Criterion] | None:
    """(where the levels start, the level concepts — any-of for a list) of the levels that end
    right before `end` (the amputation's noun), or None when there is none the codes tell."""
    found = _LEVELS.search(text, max(0, end - 80), end)
    if found is None:
        return None
    parts = [m for p in _SPLIT.split(found["levels"]) if (m := _PART.fullmatch(p.strip(" -") or p))]
    concepts: list[str] = []
    for i, part in enumerate(parts):
        if part["trans"]:
            concepts.append(_TRANS[part["trans"]])
            continue
        # "below- or above-elbow": a level without its joint takes the next level's.
        joint = part["joint"] or next((p["joint"] for p in parts[i + 1 :] if p["joint"]), None)
        concept = _CONCEPTS.get((part["side"], joint)) if joint else None
        if concept is None:
            return None  # "below ankle": not a level the codes tell
        concepts.append(concept)
    unique = tuple(dict.fromkeys(concepts))
    if not unique:
        return None
    leaves = tuple(Criterion(Kind.PROCEDURE, concept=c) for c in unique)
    if len(leaves) == 1:
        return found.start(), leaves[0]
    return found.start(), Criterion(Kind.COMBINATION, children=leaves, combination="any-of")
