"""How long or how regularly a medication is used: "chronic opioid use", "long-term steroid
treatment", "daily use of benzodiazepines", "antibiotics on a regular basis".

The words narrow the use the criterion names: a patient given oxycodone for four days after an
operation is on an opioid, but not a chronic opioid user. Read as any current use, the
criterion would rule that patient out. The medication leaves get a qualifier — ``long-term``
("chronic", "long-term", "prolonged", "continuous", "habitual", "maintenance") or ``regular``
("regular", "regularly", "daily", "on a regular / daily basis") — and the evaluator
(`evaluation.medications`) counts only a use that has lasted long enough and is not taken as
needed; any other current use is `unknown`, never `met`.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.base import Match

LONG_TERM = "long-term"
REGULAR = "regular"

_LONG_TERM_WORDS = r"chronic(?:ally)?|long[- ]term|prolonged|continuous(?:ly)?|habitual(?:ly)?"
_REGULAR_WORDS = r"regular(?:ly)?|daily|on a (?:regular|daily) basis"
_IN_SPAN = re.compile(
    rf"(?<![\w-])(?:(?P<long>{_LONG_TERM_WORDS})|(?P<regular>{_REGULAR_WORDS}))(?![\w-])"
)
# A lead that carries over a list of classes: "Daily use of benzodiazepine, opioid, …".
_LEAD = re.compile(
    rf"(?<![\w-])(?:(?P<long>{_LONG_TERM_WORDS})|(?P<regular>regular(?:ly)?|daily))"
    r"(?:(?: [\w-]+)? (?:use|usage|intake|administration|consumption|treatment|therapy)"
    r" (?:of|with)| (?:take|takes|taking|using|uses|use|on))(?![\w-])[^;.()]*$"
)


def qualify(text: str, match: Match) -> Match:
    """The match with the duration qualifier its words (or the lead of its list) give."""
    if match.criterion.kind not in (Kind.MEDICATION, Kind.COMBINATION):
        return match
    lowered = text.lower()
    qualifiers = {
        LONG_TERM if found.group("long") else REGULAR
        for found in _IN_SPAN.finditer(lowered, match.start, match.end)
    }
    if not qualifiers:
        before = lowered[: match.start]
        clause = before[max(before.rfind(c) for c in ";.") + 1 :]
        if lead := _LEAD.search(clause):
            qualifiers.add(LONG_TERM if lead.group("long") else REGULAR)
    if not qualifiers:
        return match
    added = tuple(sorted(qualifiers))
    return Match(_with(match.criterion, added), match.start, match.end, match.kind)


def _with(criterion: Criterion, added: tuple[str, ...]) -> Criterion:
    if criterion.kind is Kind.MEDICATION:
        kept = tuple(q for q in added if q not in criterion.qualifiers)
        return evolve(criterion, qualifiers=criterion.qualifiers + kept)
    if criterion.kind is Kind.COMBINATION:
        return evolve(
            criterion, children=tuple(_with(child, added) for child in criterion.children)
        )
    return criterion
