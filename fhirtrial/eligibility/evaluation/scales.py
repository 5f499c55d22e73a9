"""Severity scales of a comorbidity: NYHA functional class and the Child-Pugh score
(`lab` criteria on `nyha-class` / `child-pugh-score`, compiled by `rules.scales`).

Read from the newest Observation that carries one (NYHA: LOINC 88020-3, its SNOMED CT class
answers or "Class III" / "3" as text or number; Child-Pugh: by name, a score 5–15 or a class
A / B / C), else from a heart-failure / cirrhosis diagnosis whose words state it ("Chronic
systolic heart failure, NYHA class III"). A Child-Pugh class is a span of scores (B: 7–9): it
decides a bound only when the whole span falls on one side of it.

A reading decides only while it is fresh: inside the criterion's window when it has one, else
no older than the policy's `performance_fresh_days` (a functional class, like a performance
status, changes with treatment; a diagnosis that states a class states it as of its date).
A stale or undated reading is `unknown`, never a reason to exclude.

No reading: `unknown` — except NYHA "class ≥ II" (or higher) for a patient whose recorded
problem list has no heart disease at all: a functional class of heart disease does not arise
without one, so `not-met`.
"""

from __future__ import annotations

import re
from datetime import date

from fhirtrial.eligibility.evaluation.context import EvalContext, fmt_date
from fhirtrial.eligibility.evaluation.facts import UNCONFIRMED
from fhirtrial.eligibility.evaluation.measures import freshness, required, satisfies
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion
from fhirtrial.patient.items import ObservationItem
from fhirtrial.patient.values import SNOMED, Concept, Quantity

NYHA = "nyha-class"
CHILD_PUGH = "child-pugh-score"
SCALES = frozenset({NYHA, CHILD_PUGH})

# SNOMED CT "New York Heart Association Classification - Class I … IV" (findings).
_NYHA_ANSWERS = {
    (SNOMED, "420300004"): 1,
    (SNOMED, "421704003"): 2,
    (SNOMED, "420913000"): 3,
    (SNOMED, "422293003"): 4,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NYHA_IN_TEXT = re.compile(
    r"\b(?:nyha|new york heart association)\b[^.;]{0,30}?\bclass\s*(?P<c>iv|i{1,3}|[1-4])\b"
    r"|\bclass\s*(?P<c2>iv|i{1,3}|[1-4])\b",
    re.IGNORECASE,
)
_CP_IN_TEXT = re.compile(
    r"\b(?:score\s*(?:of\s*)?)?(?P<n>1[0-5]|[5-9])\b(?:\s*points?)?"
    r"|\bclass\s*(?P<c>[abc])\b|^\s*(?P<l>[abc])\s*(?:\(|$)|^\s*[abc]\s*(?P<lp>1[0-5]|[5-9])\b"
    r"|child[- ]?(?:turcotte[- ])?pugh[^.;]{0,20}?\b(?:class\s*)?(?P<cp>[abc])(?P<pts>\d{1,2})?\b",
    re.IGNORECASE,
)
_CP_CLASSES = {"a": (5, 6), "b": (7, 9), "c": (10, 15)}
_CP_WORDS = re.compile(r"child[- ]?(?:turcotte[- ])?pugh", re.IGNORECASE)
_NYHA_WORDS = re.compile(r"\b(?:nyha|new york heart association)\b", re.IGNORECASE)
_HEART_DISEASES = (
    "heart-failure",
    "coronary-artery-disease",
    "cardiomyopathy",
    "valvular-heart-disease",
    "arrhythmia",
    "pulmonary-hypertension",
)
_GRADED = {NYHA: ("heart-failure", "cardiomyopathy"), CHILD_PUGH: ("liver-cirrhosis",)}


def evaluate_scale(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or ""
    name = "NYHA class" if concept == NYHA else "Child-Pugh score"
    reading = _latest(ctx, concept)
    if reading is None:
        return _not_recorded(criterion, ctx, name)
    low, high, source, day, ref = reading
    shown = f"{low}" if low == high else f"{low}–{high}"
    stated = f"{name} {shown} ({source} on {fmt_date(day)}, {ref}) — required {required(criterion)}"
    stale = freshness(ctx, day, criterion.window, ctx.policy.performance_fresh_days)
    if stale:
        return Finding("unknown", f"{stated}; {stale}", (ref,))
    answers = {satisfies(float(v), criterion) for v in range(int(low), int(high) + 1)}
    if answers == {True}:
        return Finding("met", stated, (ref,))
    if answers == {False}:
        return Finding("not-met", stated, (ref,))
    return Finding("unknown", f"{stated}: the class does not decide the bound", (ref,))


def _latest(ctx: EvalContext, concept: str) -> tuple[float, float, str, date | None, str] | None:
    """(low, high, what, date, ref) of the newest reading, observations first."""
    for item in ctx.facts.observations.find(concept).items:  # newest first
        span = _observation_span(item, concept)
        if span is not None:
            return span[0], span[1], item.code.label, item.date, item.ref
    for graded in _GRADED[concept]:
        for condition in ctx.facts.conditions.find(graded).items:
            if condition.verification_status in UNCONFIRMED:
                continue
            for text in condition.code.texts:
                span = _text_span(text, concept, named=False)
                if span is not None:
                    # The words state the class as of when they were written.
                    day = condition.recorded or condition.date
                    return span[0], span[1], condition.code.label, day, condition.ref
    return None


def _observation_span(item: ObservationItem, concept: str) -> tuple[float, float] | None:
    value = item.value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value), float(value)
    if isinstance(value, Quantity) and value.value is not None:
        return value.value, value.value
    if concept == NYHA and isinstance(value, Concept):
        for key in value.keys:
            if key in _NYHA_ANSWERS:
                grade = float(_NYHA_ANSWERS[key])
                return grade, grade
    texts: tuple[str, ...] = ()
    if isinstance(value, str):
        texts = (value,)
    elif isinstance(value, Concept):
        texts = value.texts
    for text in texts:
        span = _text_span(text, concept, named=True)
        if span is not None:
            return span
    return None


def _text_span(text: str, concept: str, *, named: bool) -> tuple[float, float] | None:
    """The class a text states. ``named``: the text is the scale's own value ("Class III",
    "3", "B (8 points)"); otherwise it must name the scale ("heart failure, NYHA class III")."""
    if concept == NYHA:
        if not named and not _NYHA_WORDS.search(text):
            return None
        match = _NYHA_IN_TEXT.search(text)
        token = (match["c"] or match["c2"]) if match else None
        if token is None and named:
            bare = re.fullmatch(r"\s*(iv|i{1,3}|[1-4])\s*", text, re.IGNORECASE)
            token = bare[1] if bare else None
        if token is None:
            return None
        grade = float(_ROMAN.get(token.lower(), 0) or int(token))
        return grade, grade
    if not named and not _CP_WORDS.search(text):
        return None
    for match in _CP_IN_TEXT.finditer(text):
        if match["pts"] or match["lp"]:
            points = float(match["pts"] or match["lp"])
            return points, points
        if match["n"]:
            points = float(match["n"])
            return points, points
        letter = (match["c"] or match["l"] or match["cp"] or "").lower()
        if letter:
            low, high = _CP_CLASSES[letter]
            return float(low), float(high)
    return None


def _not_recorded(criterion: Criterion, ctx: EvalContext, name: str) -> Finding:
    conditions = ctx.record.conditions
    needs_disease = criterion.concept == NYHA and _lowest_required(criterion) >= 2
    if needs_disease and conditions and ctx.policy.absence_is_evidence:
        heart = [c for d in _HEART_DISEASES for c in ctx.facts.conditions.find(d).items]
        if not heart:
            return Finding(
                "not-met",
                f"no {name} recorded and no heart disease among the {len(conditions)} recorded "
                f"conditions — required {required(criterion)}",
            )
    return Finding("unknown", f"no {name} recorded")


def _lowest_required(criterion: Criterion) -> float:
    """The smallest class the criterion accepts (0 when it accepts class I)."""
    accepted = [v for v in range(1, 5) if satisfies(float(v), criterion)]
    return float(min(accepted)) if accepted else 0.0
