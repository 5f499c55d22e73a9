"""Rehabilitation a patient went through: a pulmonary rehabilitation programme ("attended a
pulmonary rehabilitation programme in the last 6 months", "pulmonary rehabilitation program during
the last 2 months") and physiotherapy ("physical therapy targeted for LE in the past 6 months",
"history of physical therapy program for the same shoulder in the last 6 months", "previous
physiotherapy"): `procedure` concepts `pulmonary-rehabilitation` and `physical-therapy`
(terminology/procedures.json), dated when they were done.

Only where words say it was done (a past word before it in its clause, or a window after it:
"in the last 6 months", "during the past year"): a course the patient is in now, needs, is
referred to or able to attend ("currently receiving physical therapy", "gait disturbances
requiring physical therapy", "inability to perform the pulmonary rehabilitation program") is
another matter and is not read. A bare "rehabilitation (programme)" may be cardiac, vocational or
for an addiction: not read; nor a physiotherapy evaluation, service, study or degree.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match

_COURSE = r"(?: (?:program(?:me)?s?|treatments?|sessions?|courses?|interventions?))?"
_NAMES = re.compile(
    r"(?<![\w-])(?:(?P<pulmonary_rehabilitation>(?:pulmonary|lung|respiratory) rehabilitation"
    rf"(?: \(pr\))?{_COURSE})"
    rf"|(?P<physical_therapy>(?:physiotherapy|physical therapy)(?: \(pt\))?{_COURSE}))"
    r"(?![\w-]| (?:evaluations?|assessments?|services?|studies|study|degree|department|unit"
    r"|cent(?:er|re)s?|clinics?|staff|visits?)\b)"
)
# A window after the name in its clause ("… targeted for LE in the past 6 months"); the words
# between, a part of the body or a purpose ("targeted for LE", "for the same shoulder"), narrow
# the course: all-of(course, TEXT).
_WINDOW = re.compile(
    r"(?P<narrowing> (?:targeted |directed |aimed )?(?:for|to|of|on|at) [^;.,]{1,40}?)?"
    r"(?= (?:with)?in (?:the )?(?:last|past|previous|preceding|prior) "
    r"| during the (?:last|past|previous|preceding) )"
)
# "Attended a pulmonary rehabilitation programme": the verb says no more than the name.
_ATTENDED_LEAD = re.compile(
    r"\b(?:attended|completed|participated in|took part in|followed|received|underwent"
    r"|undergone)(?: (?:an?|the|any))? $"
)
# Verbs that say the course was attended ("attended a pulmonary rehabilitation programme").
_ATTENDED = re.compile(
    r"\b(?:attended|completed|participated in|took part in|followed|received|treated (?:by|with))"
    r"\b[^,;:(]*$"
)
TRIGGERS = ("rehabilitation", "physiotherap", "physical therap")


def find_rehabilitation(
    text: str,
    *,
    not_done: Callable[[str, int], bool],
    done_before: Callable[[str, int, int], bool],
) -> list[Match]:
    found: list[Match] = []
    for match in _NAMES.finditer(text):
        if not_done(text, match.start()):
            continue
        window = _WINDOW.match(text, match.end())
        if not (
            done_before(text, match.start(), match.end())
            or _ATTENDED.search(text, 0, match.start())
            or window
        ):
            continue
        concept = next(k for k, v in match.groupdict().items() if v).replace("_", "-")
        criterion = Criterion(Kind.PROCEDURE, concept=concept)
        lead = _ATTENDED_LEAD.search(text, 0, match.start())
        start = lead.start() if lead else match.start()
        if window and window["narrowing"]:
            which = Criterion(Kind.TEXT, source_text=window["narrowing"].strip())
            criterion = Criterion(
                Kind.COMBINATION, children=(criterion, which), combination="all-of"
            )
            found.append(Match(criterion, start, window.end()))
            continue
        found.append(Match(criterion, start, match.end()))
    return found
