"""Everyday phrasings that say a single drug (terminology/drug_names.json) is used now, beyond
the leads `rules.medications` reads ("currently taking", "use of", "patients on"):

- "Receiving metformin", "currently receiving tacrolimus", "patients receiving levothyroxine
  therapy", "being treated with methotrexate", "under treatment with levothyroxine", "maintained
  on hydroxychloroquine", "taking metformin for any reason": a use now.
- "Treatment with tamoxifen", "therapy with clopidogrel": a use now only where the words open the
  clause (or follow "patients", "subjects" …): "history of angioedema after treatment with
  enalapril" or "progression after therapy with imatinib" is something else.
- "Metformin therapy", "tamoxifen treatment", "clopidogrel within 7 days before randomization":
  the drug opening the bullet, and nothing after it but what a use reads (its therapy word, a
  window of enrolment, a duration, the end of the clause). "Metformin therapy failure",
  "tamoxifen-induced …" or "methotrexate toxicity" say something other than a use, and the
  bullet stays text.

These are leads only: `rules.medications` reads the drug (or the list of alternatives) after
them, leaves past uses to the prior-therapy rules unless a window follows, never reads a planned,
stopped or needed use, and attaches the window the text gives.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.rules.base import Triggers

# "Type 2 diabetes on metformin", "hypothyroidism on levothyroxine", "while on warfarin",
# "women on tamoxifen", "maintained on tacrolimus": "on" after the diagnosis the drug is taken
# for, after a person, or after words that keep a use going; never after a verb ("progressed
# on", "failed on", "based on"), where the drug was something else than a use now.
ON_AFTER = frozenset(
    {
        *("diabetes", "mellitus", "t2d", "t2dm", "dm", "hypertension", "hypothyroidism"),
        # Not "disease" ("progressive disease on imatinib": maybe stopped since).
        *("fibrillation", "epilepsy", "arthritis", "psoriasis"),
        *("women", "men", "adults", "children", "individuals", "people", "persons", "person"),
        *("patient", "subject", "participant", "while", "be", "remain", "remains", "still"),
        *("already", "maintained", "being"),
    }
)
# Every lead below holds one of these (a cheap gate before any regex).
GATE = Triggers(("receiving", "treated with", "treatment with", "therapy with", "maintained on"))
_PATIENTS = (
    r"(?:(?:patients?|subjects?|participants?|individuals?|persons?|people|those|women|men"
    r"|children|adults)(?: who (?:are|is))? )?"
)
_RECEIVING = re.compile(
    r"(?<![\w-])(?:(?:currently|presently|actively|still|already|concurrently) )?"
    r"(?:(?:are |is )?receiving(?: (?:treatment|therapy) with)?|(?:are |is )?being treated with"
    r"|(?:under|(?<![\d.] )<) (?:treatment|therapy) with|(?:are |is )?maintained on) (?:an? |the )?"
)
# "Treatment with X" where the clause opens with it (after a bullet mark or "patients").
_OPENING_TREATMENT = re.compile(
    rf"(?:^|[;:] ?)[\s\-•*]*{_PATIENTS}(?:(?:treatment|therapy) with) (?:an? |the )?"
)


def leads(text: str) -> list[tuple[int, int]]:
    """(start, end) of each lead that says the drug after it is used now."""
    if not GATE.any_in(text):
        return []
    found = [(m.start(), m.end()) for m in _RECEIVING.finditer(text)]
    for opening in _OPENING_TREATMENT.finditer(text):
        start = opening.start() + len(opening[0]) - len(opening[0].lstrip("; :-•*\t"))
        found.append((start, opening.end()))
    return found


# After a drug that opens the bullet: what a use may have after it. Its therapy word, then the
# end of the text or clause, a bracket, a window or a duration ("for at least 3 months", read by
# `rules.use_duration`), "for" a purpose (left as text beside the use).
_OPENING_TAIL = re.compile(
    r"(?P<use> (?:therapy|treatment|use|usage|users?|intake))?"
    r"(?=$|[;.,:(]| (?:within|in the|during the|for|since|at)(?![\w-]))"
)
# A class name that ends in its therapy word ("aromatase inhibitor therapy").
_USE_WORD_BEFORE = re.compile(r" (?:therap(?:y|ies)|treatments?|use|usage|intake)$")
# Words after a drug's therapy that make it something else than a use.
_NOT_A_USE_AFTER = re.compile(
    r" (?:therapy |treatment )?(?:failure|failed|resistan\w*|refractory|intoleran\w*|naive|naïve"
    r"|toxicity|allerg\w*|hypersensitivity|induced|associated|related|discontinu\w*|interrupt\w*"
    r"|contraindicat\w*|exposure|level|levels|concentration)(?![\w-])"
)
# Where a bullet may open with a drug: after bullet marks and words that say how it is used
# ("chronic", "daily": `rules.use_duration` reads them from the match, which starts before them).
_MARKS = re.compile(r"[\s\-•*]*")
_OPENING = re.compile(
    r"[\s\-•*]*(?:(?:current|ongoing|concomitant|concurrent|chronic|long[- ]term|daily|regular"
    r"|prolonged|continuous) )*"
)


# The first letters of `_OPENING`'s words: a text opening with another letter or a digit opens
# with its drug (most texts; the pattern costs ~1 us even where it takes nothing).
_OPENING_LETTERS = frozenset("coldrp")


def opening_drug_position(text: str) -> int:
    """Where a drug that opens the bullet would start."""
    if text[:1].isalnum() and text[0] not in _OPENING_LETTERS:
        return 0
    return _OPENING.match(text).end()  # type: ignore[union-attr]


def opening_start(text: str) -> int:
    """Where the use of a drug opening the bullet starts: its adjectives taken in."""
    return _MARKS.match(text).end()  # type: ignore[union-attr]


def opening_use_end(text: str, end: int) -> tuple[int, bool] | None:
    """Where the use of the drug(s) opening the bullet ends (its therapy word taken in) and
    whether a therapy word said it is a use (without one, only a window after it does); None
    when what follows the drug is not what a use has after it."""
    if _NOT_A_USE_AFTER.match(text, end):
        return None
    tail = _OPENING_TAIL.match(text, end)
    if tail is None:
        return None
    said = tail["use"] is not None or _USE_WORD_BEFORE.search(text, 0, end) is not None
    return tail.end(), said


# "… for any reason", "for any indication": the use whatever it is for ("for any other
# reason" is other than one the study names: left to text).
_ANY_REASON = re.compile(r" for any (?:reason|indication|purpose)s?(?![\w-])")


def any_reason_end(text: str, end: int) -> int:
    """Where "for any reason" after a use ends (``end`` when none follows)."""
    found = _ANY_REASON.match(text, end)
    return found.end() if found is not None else end
