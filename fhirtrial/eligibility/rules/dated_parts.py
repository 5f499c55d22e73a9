"""An exclusion read in part whose closing window dates every part it read.

"Surgery for sciatica at another level within one year before inclusion" (NCT03924791 exc-6),
"Have cardiovascular events (myocardial infarction or stroke) during the 6 months prior to the
study" (NCT03925142 exc-15): the partial readings (any-of(X, TEXT), all-of(X, TEXT)) refuse a
window they cannot place, for read without it the exclusion would hold any injury or operation
ever against the patient. The bullet is read without its closing window, and the window then
dates every part of that reading: any-of(infarction in the 6 months, stroke in the 6 months,
TEXT).

A window dating a part the text meant undated ("prior allogeneic transplant, or autologous
transplant within 3 months") only narrows the exclusion: the part is met less often and the
text member keeps the rest unknown, never a wrong "ineligible". Read only in exclusions, only
for a window of enrolment that closes the bullet, only when no other time is said before it,
and only for parts a window dates exactly (procedures, uses, prior therapies, vaccines, and the
diagnoses the evaluator places by when they happened: infarction, stroke, embolism…) that have
none of their own and deny nothing; a reading without a text member was a full
one, refused with the window for a reason of its own, and stays refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind, Window, evolve
from fhirtrial.eligibility.rules.base import (
    WINDOW_LAST,
    WINDOW_LAST_WORDS,
    WINDOW_LESS,
    WINDOW_UNITS,
    WINDOW_WITHIN,
    has_any,
    window_before,
    word_number,
)
from fhirtrial.eligibility.rules.medications import counts_from_enrolment

_DATED_KINDS = frozenset({Kind.PROCEDURE, Kind.MEDICATION, Kind.PRIOR_THERAPY, Kind.VACCINE})
# The diagnoses the evaluator places by when they happened (`evaluation.events.EVENTS`, kept
# equal by a test): a window on any other one is met by an entry left open for years ("Epilepsy,
# asthma or chronic inflammatory bowel disorders in the last 6 months" stays text).
EVENT_CONDITIONS = frozenset(
    {"myocardial-infarction", "stroke", "stroke-ischemic", "stroke-hemorrhagic"}
    | {"transient-ischemic-attack", "seizure", "unstable-angina", "acute-coronary-syndrome"}
    | {"pulmonary-embolism", "deep-vein-thrombosis", "venous-thromboembolism"}
)
# The most characters a window's unit or "past" may stand from the bullet's end: the unit, up to
# 60 characters of the moment's name (`base.WINDOW_WITHIN`) and what closes the bullet.
_LONGEST_TAIL = 100
# What may stand after the window at the bullet's end.
_CLOSING = " .;,)"


def closing_window(normalized: str) -> tuple[str, Window] | None:
    """The words before a window of enrolment that closes the bullet, and the window; None
    when no such window closes it, or another time is said before it."""
    # A window closing the bullet has its unit or its "past" in the last words (a cheap gate:
    # the scans below try every position of the text).
    tail = normalized[-_LONGEST_TAIL:]
    if not has_any(tail, WINDOW_UNITS) and not has_any(tail, WINDOW_LAST_WORDS):
        return None
    found: list[tuple[int, Window]] = []
    for pattern in (WINDOW_WITHIN, WINDOW_LESS):
        for match in pattern.finditer(normalized):
            n = word_number(match["n"])
            if n is not None and not normalized[match.end() :].strip(_CLOSING):
                if not counts_from_enrolment(match[0]) or not _from_enrolment(match[0]):
                    return None
                found.append((match.start(), window_before(n, match["unit"])))
    for match in WINDOW_LAST.finditer(normalized):
        if not normalized[match.end() :].strip(_CLOSING):
            found.append((match.start(), window_before(1, match["unit"])))
    if not found:
        return None
    start, window = min(found, key=lambda item: item[0])
    before = normalized[:start].rstrip(" ,;(")
    if not before or has_any(before, WINDOW_UNITS) or has_any(before, (" ago", "since ")):
        return None  # another time before it: which parts each reaches is not said
    if _UNDATED.search(before):
        return None  # "previously received X, or Y within 3 months": X is at any time
    if _DATED_VERB.search(before):
        return None  # "pacemaker … implanted within the last 3 months", "admitted with heart
        # failure within the last 3 months": the window dates the implant or the admission
    if _MEASURED.search(before):
        return None  # "renal failure defined as clearance < 30 within 3 months": the window
        # may date the measurement, not the diagnosis
    return before, window


# The moment a window names after its length, when it names one: enrolment or its like only
# ("before inclusion", "prior to the study", "of screening"); any other ("of the first perinatal
# visit", "prior to pregnancy") leaves the bullet as it was.
_MOMENT = re.compile(
    r"\b(?:day|week|month|year)s?(?: period)? (?:prior to|before|of|preceding) (.+)$"
)
_ENROLMENT_WORDS = re.compile(
    r"enrol|screen|randomi|entry|inclusion|registration|baseline|consent|\bstudy\b|first dose"
)


def _from_enrolment(window: str) -> bool:
    moment = _MOMENT.search(window)
    return moment is None or _ENROLMENT_WORDS.search(moment[1]) is not None


# Words that date an item at any time, or end a clause or an item of a list: whether the window
# reaches back past them is not said (NCT03860038 exc-3: "previously received allogenic stem
# cell transplant, or … autologous stem cell transplant within 3 months"; "Myocardial
# infarction, oxygen requirement, or stroke within 6 months" stays `partial`'s refusal).
_UNDATED = re.compile(
    r"\b(?:history|histories|previous(?:ly)?|prior|ever|past|former(?:ly)?|earlier|lifetime)\b"
    r"|[,;:]|\. "
)


# A verb or an event named anywhere before the window: the window may date that event
# ("implanted", "admitted with", "treated", "hospitalization for"), not the parts' presence.
_DATED_VERB = re.compile(
    r"\b\w\w+ed\b|\b(?:taken|given|done|seen|undergone|begun|hospitali[sz]ations?|admissions?"
    r"|visits?)\b"
)
# A number, comparator or definition before the window: it may date the measurement.
_MEASURED = re.compile(r"[0-9<>=%]|\bdefined\b|\bcharacteri[sz]ed\b|\bi\.?e\b")


def dated_parts(
    normalized: str, read_in_part: Callable[[str], Criterion | None]
) -> Criterion | None:
    """The partial reading of the bullet without its closing window, every part dated by it;
    None when refused (see the module's comment)."""
    closing = closing_window(normalized)
    if closing is None:
        return None
    before, window = closing
    read = read_in_part(before)
    if read is None or read.kind is not Kind.COMBINATION:
        return None
    if not any(child.kind is Kind.TEXT for child in read.children):
        return None  # no text member: not a reading in part
    return _dated(read, window)


def _dated(criterion: Criterion, window: Window) -> Criterion | None:
    if criterion.negated:
        return None
    if criterion.kind is Kind.TEXT:
        return criterion
    if criterion.kind is Kind.COMBINATION:
        if criterion.combination not in ("any-of", "all-of") or criterion.threshold is not None:
            return None
        children: list[Criterion] = []
        for child in criterion.children:
            dated = _dated(child, window)
            if dated is None:
                return None
            children.append(dated)
        return evolve(criterion, children=tuple(children))
    if criterion.window is not None:
        return None
    if criterion.kind not in _DATED_KINDS and not (
        criterion.kind is Kind.CONDITION and criterion.concept in EVENT_CONDITIONS
    ):
        return None
    return evolve(criterion, window=window)
