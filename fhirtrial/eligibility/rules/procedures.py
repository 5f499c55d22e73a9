"""Procedures: surgery ("major surgery within 4 weeks before the first dose") and radiotherapy
("prior radiotherapy within 2 weeks"), the `procedure` kind (concepts in
terminology/procedures.json), windows measured from the date the procedure was performed.

The assembly attaches a following "within N weeks …" window; this module reads the windows
written the other way round: "at least 4 weeks since major surgery" (NOT major surgery within
the last 4 weeks) and "major surgery ≤ 28 days prior to registration".
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind, Window
from fhirtrial.eligibility.rules.base import (
    DURATION_NUMBER,
    DURATION_UNIT,
    Match,
    days,
    has_any,
    word_number,
)

_SURGERY = (
    r"(?P<major>major )?(?:surgery|surgeries|surgical (?:procedures?|interventions?)"
    r"|operations?|operative procedures?)"
)
# "Radiation" alone only where it cannot be an exposure, an injury or a field.
_RADIOTHERAPY = (
    r"(?:radiotherapy|radiation therapy|radiation treatment|irradiation|radiation"
    r"(?! (?:pneumonitis|exposure|necrosis|dermatitis|injury|induced|recall|oncolog\w*|fields?"
    r"|doses?|safety|sensitiv\w*|fibrosis|proctitis|cystitis|enteritis|toxicit\w*|related))"
    r"(?: \((?:rt|xrt)\))?|xrt)"
)
_NAME = rf"(?:(?P<surgery>{_SURGERY})|(?P<radio>{_RADIOTHERAPY}))"
_PROCEDURE = re.compile(rf"(?<![\w-]){_NAME}(?![\w-])")
# "≤ 28 days prior to registration", "< 4 weeks before the first dose" after the name.
_BOUND_AFTER = re.compile(
    rf"\s*(?P<cmp><=|<)\s*{DURATION_NUMBER} {DURATION_UNIT} (?:prior to|before|of) (?:the )?"
    r"[a-z0-9 ,'/-]{0,60}?(?=[.;)]|$| and | or )"
)
# "At least 4 weeks since major surgery", "> 28 days from prior radiotherapy",
# "4 weeks or more after major surgery": the procedure must not lie in the last N days.
_SINCE = re.compile(
    rf"(?:(?P<cmp>>=|>)\s*{DURATION_NUMBER} {DURATION_UNIT}"
    rf"|{DURATION_NUMBER.replace('<n>', '<n2>')} "
    rf"{DURATION_UNIT.replace('<unit>', '<unit2>')} or (?:more|longer))"
    r" (?:must have |have |has )?(?:elapsed |passed )?(?:since|from|after|following) "
    r"(?:the )?(?:completion of |end of )?(?:the )?(?:any |last |prior |previous |most recent )*"
    # Not "the surgery" itself: a definite procedure is the study's index operation ("more
    # than 5 years following the surgery"), not every operation in the window.
    rf"(?<!\bthe ){_NAME}(?![\w-])"
)
_TRIGGERS = ("surg", "operat", "radiat", "radiother", "irradiat", "xrt")


def find_procedures(text: str) -> list[Match]:
    if not has_any(text, _TRIGGERS):
        return []
    found: list[Match] = []
    for match in _PROCEDURE.finditer(text):
        criterion = Criterion(Kind.PROCEDURE, concept=_concept(match))
        end = match.end()
        bound = _BOUND_AFTER.match(text, end)
        if bound:
            n = word_number(bound["n"])
            if n is not None:
                span = days(n, bound["unit"])
                criterion = Criterion(
                    Kind.PROCEDURE, concept=criterion.concept, window=Window(-span, 0)
                )
                end = bound.end()
        found.append(Match(criterion, match.start(), end))
    if has_any(text, ("since", "from", "after", "following")):
        for match in _SINCE.finditer(text):
            n = word_number(match["n"] or match["n2"])
            if n is None:
                continue
            # A day either way of the bound ("> 28 days" / "≥ 28 days") is not told apart.
            span = days(n, match["unit"] or match["unit2"])
            criterion = Criterion(
                Kind.PROCEDURE, concept=_concept(match), window=Window(-span, 0), negated=True
            )
            found.append(Match(criterion, match.start(), match.end()))
    return found


def _concept(match: re.Match[str]) -> str:
    if match["radio"]:
        return "radiotherapy"
    return "major-surgery" if match["major"] else "surgery"
