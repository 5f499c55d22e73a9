"""Words in parentheses after a criterion the rules read: set aside, kept as text, or refused.

"Implantable defibrillator or pacemaker (dual chamber)", "Obsessive compulsive disorder (current)",
"Aged 21-45 (advanced age can hinder hormone levels)", "Active hepatitis B (defined as HBsAg
positive)": the words outside the parentheses compile in full, the words inside say something
the finders do not read. `set_aside` tells what the parentheses do to the reading of the rest:

- `IGNORE` — they add nothing a record decides: an abbreviation of the words before them
  ("temporomandibular joint (TMJ)"), only filler words ("(current)"), the reason the criterion
  is there ("(infertility causes inconsistent hormone levels)", "(contraindication to
  calcitonin)") or how the criterion was assessed ("(assessed by Health History
  Questionnaire)"). The rest is the reading.
- `QUALIFY` — they narrow or define what the rest names ("(with lesions)", "(defined
  as HBsAg positive)", "(instable angina pectoris)"): the rest is necessary, the parentheses
  decide more. The reading is all-of(rest, TEXT): never met, not met when the rest is not. In
  an inclusion a patient without the rest cannot meet the narrower criterion; in an exclusion a
  patient without it is not excluded by it.
- None (refused: the bullet stays text) — whatever could widen, except, allow, negate or change
  whom the criterion is about, or decide a number: an exception ("(except non-melanoma skin
  cancer)", "(unless …)", "(… is allowed)"), an alternative or a list ("(or on hypertension
  medication)", "(heart failure, myocardial infarction or stroke)"; an exclusion's examples are
  `rules.example_lists`'), a number or comparator ("(clearance < 60 mL/min)": every number must
  be read or stay text), a negation, a time ("(past 1 month)", "(history of …)"), a population
  ("(Healthy control group)", "(DSME cohort only)", "(women)"), a report instead of a record
  ("(self-report)"), a hedge ("(if dehiscence is suspected)").

The caller applies the result only to a rest that compiles in full, reads no measurement when a
parenthesis says how it was assessed ("GFR (estimated by the Cockcroft and Gault formula)" is
a creatinine clearance, not an eGFR), and (but for `IGNORE`) reads no negation: narrowing what
"no X" denies widens the inclusion ("No cancer (active)" is not "no cancer ever").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fhirtrial.eligibility.rules.measured_asides import narrows_by_measure
from fhirtrial.eligibility.rules.vocabulary import ASIDE_REFUSAL_WORDS, FILLER

Effect = Literal["ignore", "qualify"]
IGNORE: Effect = "ignore"
QUALIFY: Effect = "qualify"

_PARENTHESIS = re.compile(r"\s*\((?P<body>[^()]*)\)")
_WORD = re.compile(r"[a-z][a-z'\-]*")
# Anything that could widen, except, allow, negate, hedge, date or change the population.
_REFUSAL = re.compile(
    rf"[0-9<>=≤≥+%,;/]|\b(?:or|and|and/or|{ASIDE_REFUSAL_WORDS}|birth|assigned|gender"
    r"|i{1,3}|iv|vi{0,3}|ix|x)\b|-(?:free|negative)\b"
)
# The reason the criterion is there: it restricts nothing ("(advanced age can hinder hormone
# levels)", "(placebo capsules contain lactose)", "(as these patients already receive …)").
_REASON = re.compile(
    r"^(?:because|since|due to|given that|as (?:these|this|they|it|the|such)\b)"
    r"|\b(?:affects?|affecting|influences?|influencing|causes?|hinders?|interferes?|alters?"
    r"|contains?|contraindicat\w*|may develop|can develop)\b"
)
# A reason may hedge ("Pregnant women may develop preeclampsia"), never except or allow.
_REASON_REFUSAL = re.compile(
    r"[0-9<>=≤≥]|\b(?:unless|except\w*|excluding|other than|apart from|besides|allow\w*"
    r"|permit\w*|accept\w*|eligible|included|enrol\w*|if|only|not|no|non|without|or)\b"
)
# How the criterion was assessed ("(assessed by …)", "(as determined by the CAPS-5)").
_ASSESSED_BY = re.compile(
    r"^(?:as )?(?:assessed|measured|determined|evaluated|confirmed|documented|verified"
    r"|diagnosed|detected|established|estimated|calculated) (?:by|on|with|via|using|through)\b"
)
# The instrument may be named with anything but a number, an alternative, an exception, a
# negation, a time or the patient's own report (a questionnaire, an interview: the record's
# status may say otherwise, so "(assessed by Health History Questionnaire)" stays text).
_ASSESSED_REFUSAL = re.compile(
    r"[0-9<>=≤≥%,;/]|\b(?:or|and/or|unless|except\w*|excluding|other than|apart from|allow\w*"
    r"|permit\w*|accept\w*|eligible|if|only|not|no|non|without|self|reported|questionnaires?|interviews?|within|last|past"
    r"|prior|previous\w*|recent\w*|since|before|after|during|ago|days?|weeks?|months?|years?)\b"
)


@dataclass(frozen=True, slots=True)
class Aside:
    """The text without its parentheses, and what they did to the reading."""

    rest: str
    effect: Effect
    restates: bool
    """Every parenthesis only restated, gave a reason or said how it was assessed: the reading
    holds even when the rest is negated."""
    method: bool = False
    """A parenthesis said how the criterion was assessed. Of a measurement it may name another
    analyte ("GFR (estimated by the Cockcroft and Gault formula)" is a creatinine clearance):
    the caller then refuses a reading with a measurement."""
    measured: tuple[str, ...] = ()
    """The bodies of parentheses that bound the rest by a number, a stage or a class
    (`rules.measured_asides`): the caller takes them only after one diagnosis."""


def set_aside(text: str) -> Aside | None:
    """The parentheses of a normalized text set aside, or None when one of them is refused
    (or when there is none, or nothing outside them)."""
    if "(" not in text:
        return None
    effects: list[Effect] = []
    restates = True
    method = False
    measured: list[str] = []
    for match in _PARENTHESIS.finditer(text):
        body = match["body"].strip(" ,;.:")
        if not body:
            continue
        before = text[: match.start()]
        if (
            _abbreviates(body, before)
            or _expands(body, before)
            or (_REASON.search(body) and not _REASON_REFUSAL.search(body))
        ):
            effects.append(IGNORE)
        elif _ASSESSED_BY.search(body) and not _ASSESSED_REFUSAL.search(body):
            effects.append(IGNORE)  # how it was assessed: the same with a negation
            method = True
        elif narrows_by_measure(body):
            effects.append(QUALIFY)  # "(clearance < 60 mL/min)": all-of(diagnosis, bound)
            restates = False
            measured.append(body)
        elif _REFUSAL.search(body):
            return None
        elif _only_filler(body):
            effects.append(IGNORE)
        else:
            effects.append(QUALIFY)
            restates = False
    if not effects:
        return None
    rest = " ".join(_PARENTHESIS.sub(" ", text).split())
    if "(" in rest or ")" in rest or not rest.strip(" ,;.:"):
        return None  # nested or unbalanced parentheses
    effect = QUALIFY if QUALIFY in effects else IGNORE
    return Aside(rest, effect, restates, method, tuple(measured))


def _only_filler(body: str) -> bool:
    words = body.split()
    return all(word.strip(".") in FILLER for word in words)


def _abbreviates(body: str, before: str) -> bool:
    """Whether one word in parentheses is the abbreviation of the words right before it: its
    first letter starts one of the last five words, its other letters follow in order
    ("temporomandibular joint (tmj)", "cardiovascular disease (cvd)", "hypertension (htn)")."""
    if " " in body or not body.isalpha() or not 2 <= len(body) <= 8:
        return False
    words = [w for w in _WORD.findall(before)[-5:] if w not in _LINKS]
    for index, word in enumerate(words):
        if word[0] == body[0] and _in_order("".join(w[0] for w in words[index:]), body):
            return _in_order(body[1:], " ".join(words[index:])[1:])
    return False


def _expands(body: str, before: str) -> bool:
    """Whether the words in parentheses spell out the abbreviation right before them: "asa
    (american society of anesthesiologists)", "ckd (chronic kidney disease)"."""
    words = _WORD.findall(before)[-1:]
    if not words or not 2 <= len(words[0]) <= 8:
        return False
    spelled = [w for w in _WORD.findall(body) if w not in _LINKS]
    return len(spelled) == len(body.split()) - _links_in(body) and "".join(
        w[0] for w in spelled
    ) == words[0].replace("-", "")


def _links_in(body: str) -> int:
    return sum(word in _LINKS for word in body.split())


def _in_order(letters: str, text: str) -> bool:
    """Whether ``letters`` occur in ``text`` in this order (not necessarily side by side)."""
    position = 0
    for letter in letters:
        position = text.find(letter, position) + 1
        if position == 0:
            return False
    return True


_LINKS = frozenset({"of", "and", "the", "or", "with", "in"})
