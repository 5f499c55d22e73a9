"""A diagnosis the rules read in full, said in a setting no record field decides.

"Admitted with transient ischemic attack", "Hypertensive urgency or emergency as an admission
diagnosis", "Pneumonia at admission", "Presence of clinical signs of radiculopathy",
"Radiological evidence of pneumonia", "Glaucoma or glaucoma suspicion", "Current episode of
major depressive disorder": the finders know the diagnosis, but the words around it (the
encounter it was made in, how it shows, a suspicion beside it) leave the whole bullet text-only.
Cut those words and the rest reads in full (``read``: the bullet's own list) as diagnoses a
record states; the bullet then means:

- an encounter ("admitted / hospitalized / presenting with X", "admission for X", "primary
  diagnosis of X", "X as an admission / primary diagnosis", "X at / on admission"): all-of(X,
  TEXT). The patient has X (an inclusion is `not-met` without it); whether it was this
  encounter's diagnosis no coded datum says.
- a finding ("clinical / radiological signs / evidence / features of X"): all-of(X, TEXT), in an
  exclusion only, where it excludes nobody. In an inclusion a patient may show signs of X before
  a code for X is on record: a wrong `not-met` would hide the trial, so the bullet stays text.
- a suspicion beside the diagnosis ("X or X suspicion", "X or suspected X", "X or suspicion of
  X"): any-of(X, TEXT), in either list: a recorded X meets (or excludes) on its own, a suspicion
  is text (`rules.suspicion` reads "known or suspected X" the same way).
- the patient's or a relative's history ("A personal or family history of X, Y or Z"):
  any-of(X, Y, Z, TEXT), in either list: the patient's own history of any of them meets (or
  excludes) on its own, a relative's is text.
- "current episode of X": all-of(current X, TEXT): whether an episode is going on now (a
  depressive disorder in remission is still on the problem list) no coded datum says.

The rest must read in full as positive diagnoses only (no negation, medication, measure,
window or cohort: a part those words could reach), and the cut words must stand where they say
it (at the start, or at the very end). Anything else (a number, "history", "family", "risk",
"no", "without", "other") is left to the rest's reading, which then refuses as it does alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import CombinationCode, Criterion, Kind
from fhirtrial.eligibility.rules.base import has_any

_SUBJECT = (
    r"(?:(?:all |the )?(?:patients?|subjects?|participants?|individuals?|persons?|people|those"
    r"|adults|women|men|children|infants)(?: who (?:are|were|have been|is|was|has been))? )?"
)
_PLACE = (
    r"(?: (?:to|in|at|into) (?:the |an? )?(?:hospital|icu|intensive care unit|emergency"
    r" department|emergency room|ed|er|ward|stroke unit|clinic|our hospital|the hospital))?"
)
# "Patients admitted with X", "hospitalized for X", "presenting to the ED with X", "Admission for
# X", "with a primary diagnosis of X".
_ENCOUNTER_LEAD = re.compile(
    rf"^(?:{_SUBJECT}(?:currently |recently )?(?:admitted|hospitali[sz]ed|presenting|presented)"
    rf"{_PLACE} (?:with|for|due to|because of) (?:an? |the )?"
    r"|(?:an? |the )?(?:index |current |inpatient |hospital |icu )?(?:admission|hospitali[sz]ation)"
    r" (?:for|with|due to|because of) (?:an? |the )?)?"
    r"(?:(?:with )?(?:an? |the )?(?:primary|principal|main|admission|discharge|final) diagnosis of"
    r" (?:an? )?)?"
)
# "X as an admission diagnosis", "X at admission", "X on hospital admission".
_ENCOUNTER_TAIL = re.compile(
    r",? (?:as (?:an? |the )?(?:admission|primary|principal|main|discharge|presenting)"
    r" diagnosis|(?:at|on|upon|during) (?:the )?(?:current |index |hospital )?(?:admission"
    r"|hospitali[sz]ation|presentation))\s*[.;,]?\s*$"
)
# "Presence of clinical signs of X", "Radiological evidence of X", "features suggestive of X".
_FINDING_LEAD = re.compile(
    rf"^{_SUBJECT}(?:with |having |has |have )?(?:(?:the )?presence of )?(?:any )?"
    r"(?:(?:clinical|clinically|radiological|radiologic|radiographic|imaging|physical|objective"
    r"|current|known|preoperative|pre-operative|documented|definite|obvious) )+"
    r"(?:signs?|evidence|features|findings|manifestations?) (?:of|suggestive of|consistent with)"
    r" (?:an? )?"
    r"|^(?:(?:the )?presence of )?(?:any )?(?:signs?|features|manifestations?)"
    r" (?:of|suggestive of|consistent with) (?:an? )?"
)
# "X or X suspicion", "X or suspected X", "X or suspicion of X", "X or possible X".
_SUSPICION = re.compile(
    r"^(?P<x>[a-z][\w' -]*?)\s*(?:,? or |/)(?:(?:a |any )?(?:suspicion|suspected|possible"
    r"|probable|presumed) (?:of |for )?(?:an? )?(?P=x)|(?P=x),? (?:suspicion|suspect(?:ed)?))"
    r"\s*[.;,]?\s*$"
)
# "A personal or family history of X": the patient's own history of X, or a relative's (text).
_OWN_OR_FAMILY = re.compile(
    r"^(?:an? |any )?(?:personal (?:or|and/or) family|family (?:or|and/or) personal"
    r"|personal/family|family/personal|personal or familial|familial or personal)"
    r" (?=(?:medical )?history of )"
)
_CURRENT_EPISODE = re.compile(r"^(?:an? |the )?current (?:episode|diagnosis) of (?:an? )?")
# Cheap gates before any regex ("sign " and "signs ", not "sign": "significant" is everywhere).
_TRIGGERS = ("admi", "hospitali", "present", " diagnosis", "sign ", "signs ", "evidence", "family")
_LEADS = ("admi", "hospitali", "present", " diagnosis of")
_MORE_TRIGGERS = (
    *("feature", "finding", "manifest", "suspic", "suspect", "possible", "probable"),
    *("presumed", "current "),
)


def diagnosis_in_context(
    normalized: str,
    text: str,
    read: Callable[[str], Criterion | None],
    *,
    exclusion: bool,
) -> Criterion | None:
    """The bullet's diagnosis read without the words of its setting, or None (refused).

    ``read`` reads a normalized text in full as a bullet of the same list, or returns None."""
    if not has_any(normalized, _TRIGGERS) and not has_any(normalized, _MORE_TRIGGERS):
        return None
    if text.rstrip().endswith(":"):
        return None  # a heading ("Patients admitted with heart failure:"): its group's name
    said = normalized.strip(" .;,:")
    if (suspected := _SUSPICION.match(said)) is not None:
        rest = _diagnoses(read(suspected["x"]))
        return None if rest is None else _with_text(rest, text, "any-of")
    if "family" in said and (own := _OWN_OR_FAMILY.match(said)) is not None:
        rest = _diagnoses(read(said[own.end() :]))
        return None if rest is None else _with_text(rest, text, "any-of")
    if (current := _CURRENT_EPISODE.match(said)) is not None:
        rest = _diagnoses(read("current " + said[current.end() :]))
        return None if rest is None else _with_text(rest, text, "all-of")
    rest_words = _ENCOUNTER_LEAD.sub("", said, count=1) if has_any(said, _LEADS) else said
    rest_words = _ENCOUNTER_TAIL.sub("", rest_words, count=1)
    if rest_words == said and exclusion:
        rest_words = _FINDING_LEAD.sub("", said, count=1)
    if rest_words == said or not rest_words.strip():
        return None
    rest = _diagnoses(read(rest_words.strip(" .;,:")))
    return None if rest is None else _with_text(rest, text, "all-of")


def _diagnoses(criterion: Criterion | None) -> Criterion | None:
    """``criterion`` when it is positive recorded diagnoses only, undated (one, or any-of /
    all-of)."""
    return criterion if affirmed_diagnoses(criterion, dated=False) else None


def affirmed_diagnoses(criterion: Criterion | None, *, dated: bool) -> bool:
    """Whether a reading is affirmed diagnoses only: one, or an any-of / all-of of them, no
    negation, no cohort; with ``dated``, a diagnosis may carry a window."""
    if criterion is None or criterion.negated:
        return False
    if criterion.kind is Kind.COMBINATION:
        return (
            criterion.combination in ("any-of", "all-of")
            and criterion.cohort is None
            and all(affirmed_diagnoses(child, dated=dated) for child in criterion.children)
        )
    return criterion.kind is Kind.CONDITION and (dated or criterion.window is None)


def _with_text(rest: Criterion, text: str, combination: CombinationCode) -> Criterion:
    """all-of(rest, TEXT), or any-of(rest's alternatives…, TEXT)."""
    alternatives = rest.kind is Kind.COMBINATION and rest.combination == "any-of"
    members = rest.children if combination == "any-of" and alternatives else (rest,)
    return Criterion(
        Kind.COMBINATION,
        children=(*members, Criterion(Kind.TEXT, source_text=text)),
        combination=combination,
        source_text=text,
    )
