"""Words before a diagnosis name (or a parenthesis after it) that say how it is judged or when.

The hand-made concepts read their judgement words themselves (`conditions._QUALIFIER_WORDS`:
"Uncontrolled hypothyroidism" is hypothyroidism, qualifier `uncontrolled`); an ICD-10-CM title
or common name (`rules.icd_titles`) reads them here, as the same qualifiers:

- `judgement_lead`: "Severe mitral stenosis", "Clinically significant aortic stenosis",
  "Uncontrolled / poorly controlled / untreated / unstable / decompensated / symptomatic X",
  "moderate to severe X". A judgement no record states is `unknown` when the condition is
  recorded and the usual absence rule otherwise (docs/eligibility-evaluation.md, Judgements), so
  the reading is never wider than the text. "Acute" and "chronic" are no judgement: they name
  another (narrower) diagnosis than the title, so "Acute mitral stenosis" stays text unless
  "acute …" is a title of its own.

`strip_diagnosis_leads` rewrites words that add nothing a record decides before the finders
run:

- "Personal history of X": the patient's own history, as "history of X" says ("family or
  personal history of" keeps "family", which leaves the bullet text).
- "X (any grade)", "(any severity)", "(any type)", "(of any degree)": every form of the
  diagnosis, the diagnosis itself (as `vocabulary._ANY_GRADE` reads "of any severity").
- "Concurrent / comorbid / co-morbid / coexisting / co-existing / concomitant X": X now, as
  "current X" says (qualifier `active`), only right before a diagnosis name the finders know
  ("concomitant medication", "concurrent chemotherapy" are left as they are).

`judged_by_investigator` finds "X according to the investigator" (an exclusion's all-of(X,
TEXT)); `diagnosed_in_window` finds "X diagnosed within the past year", whose window is on the
diagnosis (qualifier `diagnosed`), not on X being present in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.rules.base import has_any

# Judgement phrases (their words, as `rules.icd_titles` tokens) → the qualifier the hand-made
# concepts give them (`conditions._QUALIFIER_IDS`). Longest first.
_JUDGEMENTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("moderate", "to", "severe"), "moderate-or-severe"),
    (("moderate", "or", "severe"), "moderate-or-severe"),
    (("clinically", "significant"), "clinically-significant"),
    (("clinically", "relevant"), "clinically-significant"),
    (("clinically", "important"), "clinically-significant"),
    (("life", "threatening"), "clinically-significant"),
    (("poorly", "controlled"), "uncontrolled"),
    (("inadequately", "controlled"), "uncontrolled"),
    (("moderate-to-severe",), "moderate-or-severe"),
    (("moderate-severe",), "moderate-or-severe"),
    (("life-threatening",), "clinically-significant"),
    (("significant",), "clinically-significant"),
    (("serious",), "clinically-significant"),
    (("severe",), "severe"),
    (("uncontrolled",), "uncontrolled"),
    (("untreated",), "untreated"),
    (("unstable",), "unstable"),
    (("decompensated",), "decompensated"),
    (("symptomatic",), "symptomatic"),
)
JUDGEMENT_WORDS = frozenset(words[-1] for words, _ in _JUDGEMENTS)
"""The last word of every judgement phrase: a cheap test before `judgement_lead`."""

Token = tuple[int, int, str]


def judgement_lead(text: str, tokens: list[Token], i: int) -> tuple[int, str] | None:
    """(its first token, the qualifier) of the judgement phrase right before token ``i`` (its
    words one space apart, one space before the name), or None."""
    if not i or tokens[i - 1][2] not in JUDGEMENT_WORDS:
        return None
    for words, qualifier in _JUDGEMENTS:
        first = i - len(words)
        if first < 0 or tuple(t[2] for t in tokens[first:i]) != words:
            continue
        if all(text[tokens[n][1] : tokens[n + 1][0]] == " " for n in range(first, i)):
            return first, qualifier
        return None
    return None


_PERSONAL_HISTORY = re.compile(r"(?<![\w-])personal (?=(?:medical )?history of )")
_ANY_FORM = re.compile(
    r"\s*\((?:of )?any (?:grade|grades|severity|type|types|degree|form|forms)\)"
    r"|,? of any (?:type|form)(?=\s*[.;,]?\s*$)"
)
_NOW_WORDS = ("concurr", "morbid", "concomit", "exist")
_NOW = re.compile(r"(?<![\w-])(?:concurrent|co-?morbid|co-?existing|concomitant) (?=[a-z])")


def strip_diagnosis_leads(text: str, starts_with_diagnosis: Callable[[str], bool]) -> str:
    """The normalized text with the words above rewritten. ``starts_with_diagnosis(rest)``
    tells whether a diagnosis name the finders know begins ``rest``."""
    if "personal " in text:
        text = _PERSONAL_HISTORY.sub("", text)
    if "(any " in text or "(of any " in text or " of any " in text:
        text = _ANY_FORM.sub("", text)
    if has_any(text, _NOW_WORDS):
        text = _NOW.sub(
            lambda m: "current " if starts_with_diagnosis(text[m.end() :]) else m.group(0), text
        )
    return text


# "X according to the investigator", "X, as judged by the treating physician", "in the opinion
# of the investigator, X" in an exclusion: whether the patient has X is the investigator's
# judgement. A record that holds X gives the investigator the diagnosis to judge (`unknown`);
# one without it, the usual absence rule. Read as all-of(X, TEXT) (`judged_by_investigator`),
# never as X alone: the investigator may judge a recorded X otherwise. (In an inclusion the
# reading is `partial.necessary_parts`', which refuses a judgement before the parts.)
# ("Assessed / determined / confirmed by the investigator" say who made the diagnosis:
# `diagnosis_phrasing.strip_established` reads them as X.)
_WHO = (
    r"(?:the )?(?:(?:study |site |principal |treating |enrolling |responsible |referring )?"
    r"(?:investigators?|physicians?|doctors?|clinicians?|pi|neurologists?|psychiatrists?"
    r"|cardiologists?|oncologists?)|investigator'?s?|physician'?s?)"
)
_JUDGEMENT = r"(?:judge?ment|opinion|assessment|discretion|evaluation)"
_JUDGED_AFTER = re.compile(
    rf",? (?:as |if )?(?:(?:judged|considered|deemed) by|according to|in the (?:opinion|judge?ment)"
    rf" of|per|at the discretion of) {_WHO}(?:'s)?(?: (?:clinical )?{_JUDGEMENT})?(?=\s*[.;]?\s*$)"
    rf"|\s*\((?:as )?(?:(?:judged|considered|deemed) by|according to|in the (?:opinion"
    rf"|judge?ment) of|per) {_WHO}(?:'s)?(?: (?:clinical )?{_JUDGEMENT})?\)(?=\s*[.;]?\s*$)"
)
_JUDGED_BEFORE = re.compile(
    rf"^(?:in|according to) (?:the )?(?:opinion|judge?ment) of {_WHO},? "
    rf"|^(?:according to|per) {_WHO}(?:'s)?(?: (?:clinical )?{_JUDGEMENT})?,? "
)
_WHO_WORDS = ("investigator", "physician", "doctor", "clinician", "logist", " pi")


def judged_by_investigator(text: str) -> str | None:
    """The normalized text without its "according to the investigator" phrase, or None when it
    has none."""
    if not has_any(text, _WHO_WORDS):
        return None
    found = _JUDGED_AFTER.search(text) or _JUDGED_BEFORE.match(text)
    if found is None:
        return None
    rest = (text[: found.start()] + text[found.end() :]).strip(" ,.;")
    return rest or None


# "Migraine diagnosed within the past 12 months", "Diagnosis of glaucoma in the last year",
# "diagnosed with epilepsy during the past year": the window is on when the diagnosis was made,
# not on the condition being present in it (a migraine since 2010 is present in the last year,
# but was not diagnosed in it: read as present, an exclusion would turn that patient away). The
# diagnosis word and the window stand in one clause, with no other verb or subject between.
_DIAGNOSED_IN_WINDOW = re.compile(
    r"(?<![\w-])(?:diagnosed|diagnosis|diagnoses)(?: (?:of|with|as))?"
    r"(?: (?!(?:who|which|that|had|has|have|having|and|but|after|since|before|with|without"
    r"|not|no|history|treated|requiring|on|under)\b)[a-z0-9'/-]+){0,8}?"
    r" (?:(?:with)?in|during) (?:the )?(?:past|last|previous|preceding|prior)?"
)


def diagnosed_in_window(text: str) -> bool:
    """Whether the normalized text says its diagnosis was made in a window."""
    return "diagnos" in text and _DIAGNOSED_IN_WINDOW.search(text) is not None
