"""A clinical score read in full inside an inclusion bullet whose other words no finder reads.

"Generally in good health as determined by the Principal Investigator based on prior medical
history, American Society of Anesthesiologists physical status I or II", "Healthy (American
Society of Anaesthesiologists (ASA) category I or II)", "Elective laparoscopic cholecystectomy,
ASA status 1-2": wherever the score stands, a patient must meet it to meet the bullet.
`score_part` gives all-of(score, TEXT residue): not-met when the score clearly is not met,
otherwise at best unknown.

The reading refuses (None) whenever the rest could make the score optional, conditional,
someone else's or of another time: one score only, read by `find_scores` with every number of
the bullet inside it (a number left in the rest may be another bound of it); no "or" / "either"
/ "unless" / "except" / "if" / "may" / "e.g." / "such as" / "/" outside the score; no negation
anywhere (it could be the score's); no word of another time or of a change ("previous",
"before", "after", "week", "improved"); no subgroup or cohort word; and a rest that names
nothing a record decides (a leaf the form would lack). Set aside first: the score's name said
again ("ASA I-II (by the American Society of Anesthesiologists)"), the source of a judgement
("as determined by the Principal Investigator based on prior medical history": not an event)
and what every participant is asked ("ability to give informed consent, comply with study
procedures").
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import has_any
from fhirtrial.eligibility.rules.list_members import LOOKS_DECIDABLE, names_anything
from fhirtrial.eligibility.rules.scores import SCORE_WORDS, SCORES, find_scores

# Anywhere outside the score: the score may be optional, conditional or someone else's.
_REFUSAL = re.compile(
    r"\b(?:or|either|and/or|nor|vs|versus|unless|except\w*|may|might|can|could|permit\w*"
    r"|allow\w*|if|when|whether|provided|otherwise|alternatively|instead|regardless"
    r"|irrespective|optional|waive\w*|depend\w*|respectively|cohorts?|arms?|groups?|parts?"
    r"|phases?|strat(?:um|a)|such as|e\.?g|i\.?e|including|includes?|defined|definition"
    r"|score[sd]?|scales?|class(?:es)?|grades?|stages?|points?|items?|subscales?|subscores?"
    r"|improv\w*|chang\w*|increas\w*|decreas\w*|reduc\w*|worsen\w*|declin\w*|drop\w*"
    r"|prior to|previous\w*|before|after|following|pre-?\w*|post-?\w*|since|until|during"
    r"|within|week|weeks|day|days|month|months|visit|visits|screening visit"
    # a negation the reading cannot place ("patients not classified as ASA III")
    r"|no|not|non|never|neither|without|absen\w*|free|exclud\w*|lack\w*|fail\w*|unable)\b"
    r"|/|[0-9<>≤≥=%±~]"
)
# The source of the investigator's judgement, not an event: set aside before the checks.
_SOURCES = re.compile(
    r"\b(?:as )?(?:determined|judged|assessed|evaluated) by (?:the )?(?:principal )?"
    r"(?:investigators?|physicians?|pi)\b(?: based on (?:(?:prior|previous|past) )?"
    r"(?:medical history|history and physical(?: examination)?|physical examination))?"
)
# What every participant is asked, whatever the score: no record decides it.
_BOILERPLATE = re.compile(
    r"\b(?:(?:the )?(?:ability|able|willing(?:ness)?) to (?:give|provide|sign|understand)"
    r"(?: (?:written|signed))? informed consent(?: form)?"
    r"|compl(?:y|iance) with (?:the )?(?:study|protocol)(?: (?:procedures|requirements))?)"
)
_NAMES = {
    score.concept: re.compile(rf"(?<![\w-])(?:{score.name})(?![\w-])(?: \([a-z -]+\))?")
    for score in SCORES
}


def score_part(normalized: str, text: str) -> Criterion | None:
    """all-of(score, TEXT residue) for an inclusion bullet holding one score read in full and
    a rest that cannot change it nor names anything decidable; else None."""
    if not has_any(normalized, SCORE_WORDS):
        return None
    found = [m for m in find_scores(normalized) if m.kind == "criterion"]
    if len({(m.start, m.end) for m in found}) != 1:
        return None
    match = found[0]
    criterion = match.criterion
    if criterion.comparator is None and criterion.high is None:
        return None
    before, after = normalized[: match.start], normalized[match.end :]
    rest = _NAMES[criterion.concept or ""].sub(" ", f"{before} {after}")
    rest = _BOILERPLATE.sub(" ", _SOURCES.sub(" ", rest))
    if not re.search(r"[a-z]{3}", rest) or _REFUSAL.search(rest):
        return None
    if LOOKS_DECIDABLE.search(rest) or names_anything(rest):
        return None  # a leaf the form would lack
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION, children=(criterion, residue), combination="all-of", source_text=text
    )
