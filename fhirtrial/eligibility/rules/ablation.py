"""Ablation for an arrhythmia done before: "prior catheter ablation", "history of cardiac
ablation", "previous ablation procedure for AF", "prior PVI or CTI ablation", "previous pulmonary
vein isolation": the `procedure` concept `arrhythmia-ablation` (SNOMED CT 233159005 "Ablation
operation for arrhythmia", as DICOM CID 3721 uses it), met by a Procedure coded with it or whose
words name a catheter ablation of the heart.

"Catheter ablation" and "cardiac ablation" are the concept itself. One aimed at a named
arrhythmia or site ("ablation for atrial flutter", "AF ablation", "pulmonary vein isolation",
"CTI ablation") is narrower than what the record's codes tell apart: all-of(arrhythmia-ablation,
TEXT). A bare "ablation" or a "radiofrequency ablation" may be of a liver tumour, a thyroid
nodule or a nerve and is not read; "radiofrequency catheter ablation" or "cryoballoon ablation"
name a technique and stay text too. Only where words say it was done (a past word in the clause
or a window after), never where it is planned or the study's own ("scheduled for ablation").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match
from fhirtrial.eligibility.rules.done_procedures import done_matches

_ARRHYTHMIA = (
    r"(?:atrial fibrillation|atrial flutter|af|afib|afl|svt|vt|supraventricular tachycardia"
    r"|ventricular tachycardia|arrhythmias?|paroxysmal atrial fibrillation|persistent atrial"
    r" fibrillation|typical (?:atrial )?flutter)(?: \((?:af|afib|afl|svt|vt)\))?"
)
_TARGET = (
    r"(?:af|afib|afl|atrial fibrillation|atrial flutter|flutter|svt|vt|ventricular tachycardia"
    r"|cti|pvi|cavotricuspid isthmus|pulmonary vein|av node|avn|av nodal)"
)
_ABLATION = re.compile(
    # The aimed one first: "catheter ablation for AF" is aimed, not the whole concept.
    r"(?<![\w-])(?:(?P<aimed>(?:catheter )?ablation(?: procedures?)? (?:for|of) (?:the )?"
    + _ARRHYTHMIA
    + r"|(?:(?:"
    + _TARGET
    + r")(?: or (?:"
    + _TARGET
    + r"))?)[- ]ablation(?: procedures?)?"
    r"|pulmonary vein isolation(?: \(pvi\))?(?: procedures?)?)"
    r"|(?P<whole>(?:(?:cardiac|heart|arrhythmia) |catheter )ablation"
    r"(?: procedures?| therap(?:y|ies))?))(?![\w-])"
)


def find_ablation(
    text: str,
    *,
    not_done: Callable[[str, int], bool],
    done_before: Callable[[str, int, int], bool],
    lead: re.Pattern[str],
) -> list[Match]:
    found: list[Match] = []
    for match in done_matches(
        _ABLATION, text, not_done=not_done, done_before=done_before, lead=lead
    ):
        start, end = match.span()
        ablation = Criterion(Kind.PROCEDURE, concept="arrhythmia-ablation")
        if match["aimed"]:
            which = Criterion(Kind.TEXT, source_text=match[0])
            ablation = Criterion(Kind.COMBINATION, children=(ablation, which), combination="all-of")
        found.append(Match(ablation, start, end))
    return found
