"""How long or how regularly a medication is used: "chronic opioid use", "long-term steroid
treatment", "daily use of benzodiazepines", "antibiotics on a regular basis", "on metformin for
at least 3 months".

The words narrow the use the criterion names: a patient given oxycodone for four days after an
operation is on an opioid, but not a chronic opioid user. Read as any current use, the
criterion would rule that patient out. The medication leaves get a qualifier — ``long-term``
("chronic", "long-term", "prolonged", "continuous", "habitual", "maintenance") or ``regular``
("regular", "regularly", "daily", "on a regular / daily basis") — and the evaluator
(`evaluation.medications`) counts only a use that has lasted long enough and is not taken as
needed; any other current use is `unknown`, never `met`.

A duration right after a current use ("on metformin therapy for at least 3 months", "statin
therapy for >2 years", "taking antihypertensive drugs more than 1 year") is read into the use as
the qualifier ``lasting-<days>d`` ("more than" one day longer than the number): a use that has
lasted that long, counted from the start the record gives. A record's start may be its latest
order, not the first dose, so a shorter use is `unknown`, never `not-met`. Only after a use with
no window and no past word ("Patients with a history of antibiotic treatment for more than 1
month within the last 6 months" is a past course, left to text), and never after a negation ("Not
taking antibiotics for at least three months" says no use in that time).
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.base import (
    DURATION_NUMBER,
    DURATION_UNIT,
    Match,
    days,
    word_number,
)

LONG_TERM = "long-term"
REGULAR = "regular"
# "On metformin for at least 3 months", "statin therapy for >2 years": ``lasting-<days>d``, a use
# that has lasted that long (`lasting_days`).
LASTING = "lasting-"

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


# Between two classes of one list: "benzodiazepines or pain medications on a daily basis".
_LIST_GAP = re.compile(r"(?:,? (?:or|and|and/or|nor) |, | ?/ ?)")
# Duration words after the last class, which say how the whole list is used ("chronic" before
# the last class is its own: "benzodiazepines or chronic opioids").
_TRAILING = re.compile(r" on an? (?:regular|daily) basis$")


def carry_back(text: str, matches: list[Match]) -> list[Match]:
    """The matches with a list's trailing duration words ("taking benzodiazepines or pain
    medications on a daily basis", "NSAIDs or aspirin for > 3 months") given to every class of
    the list, not to its last only: read without them, the earlier classes would be any use,
    wider than the text."""
    ordered = sorted(matches, key=lambda m: (m.start, m.end))
    for index in range(len(ordered) - 2, -1, -1):
        match, after = ordered[index], ordered[index + 1]
        added = _qualifiers(after.criterion)
        if (
            added
            and (
                _TRAILING.search(text, after.start, after.end)
                or any(q.startswith(LASTING) for q in added)
            )
            and not _qualifiers(match.criterion)
            and match.criterion.kind in (Kind.MEDICATION, Kind.COMBINATION)
            and match.end <= after.start
            and _LIST_GAP.fullmatch(text, match.end, after.start)
        ):
            ordered[index] = Match(
                _with(match.criterion, added), match.start, match.end, match.kind
            )
    return ordered


def _qualifiers(criterion: Criterion) -> tuple[str, ...]:
    if criterion.kind is Kind.MEDICATION:
        return tuple(
            q for q in criterion.qualifiers if q in (LONG_TERM, REGULAR) or q.startswith(LASTING)
        )
    if criterion.kind is Kind.COMBINATION and criterion.children:
        return _qualifiers(criterion.children[-1])
    return ()


# "… for at least 3 months", "for >2 years", "more than 1 year" (normalized comparators), with
# the moment it counts back from when that is enrolment or its like; never "> 3 months ago" or
# "… before surgery" (a moment, not a duration).
_DURATION_AFTER = re.compile(
    rf" (?:for )?(?P<cmp>>=|>) ?{DURATION_NUMBER} {DURATION_UNIT}"
    r"(?: (?:prior to|before) (?:the )?(?:screening|enrol+ment|randomi[sz]ation|study entry"
    r"|inclusion|baseline|(?:informed )?consent|study start|start of (?:the )?study))?(?![\w-])"
    r"(?! (?:ago|before|prior|after|previously|earlier|of|in|within|during))"
)


_NEGATION = re.compile(r"(?<![\w-])(?:no|not|without|never|free of|nor|neither)(?![\w-])")


def lasting(text: str, match: Match) -> Match:
    """The match extended over a duration right after it ("… for >= 3 months"), with the
    qualifier ``lasting-<days>d``; the match itself when none follows or it is not a use of
    medications."""
    if match.criterion.kind not in (Kind.MEDICATION, Kind.COMBINATION) or ">" not in text:
        return match
    found = _DURATION_AFTER.match(text, match.end)
    if found is None:
        return match
    before = text[: match.start]
    if _NEGATION.search(before[max(before.rfind(c) for c in ";.") + 1 :]):
        # "Not taking antibiotics for at least three months": no use in that time, a window.
        return match
    number = word_number(found["n"])
    if number is None:
        return match
    needed = days(number, found["unit"]) + (1 if found["cmp"] == ">" else 0)
    added = (f"{LASTING}{needed}d",)
    return Match(_with(match.criterion, added), match.start, found.end(), match.kind)


def lasting_days(qualifiers: tuple[str, ...]) -> int | None:
    """The days a ``lasting-<days>d`` qualifier asks for, if any."""
    for qualifier in qualifiers:
        if qualifier.startswith(LASTING) and qualifier.endswith("d"):
            number = qualifier[len(LASTING) : -1]
            if number.isdigit():
                return int(number)
    return None
