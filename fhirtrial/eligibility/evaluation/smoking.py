"""Tobacco smoking status criteria (`Kind.SMOKING`): current-smoker, ever-smoker, and "smoked at
some time in a window".

The latest smoking status observation decides (US Core Smoking Status, LOINC 72166-2, or History
of tobacco use, 11367-0; its answer a SNOMED CT code — current every day / some day / heavy /
light smoker, smoker, ex-smoker, never smoked, unknown — or words). A status older than
``policy.smoking_fresh_days`` says nothing about today (people start and quit): unknown, except
that a current or former status proves an *ever* smoker whatever its age. An "unknown" answer
or no status: unknown, never met or not met. Only without any status does the problem list
speak: active nicotine dependence on cigarettes (F17.21-) is a current smoker, a personal history
of nicotine dependence (Z87.891) an ever smoker; neither is evidence of not smoking.

A window ("stopped less than six months ago", "non-smoker in the past year") asks whether the
patient smoked at some time in it. A fresh current status: yes. A fresh never status: no. A
former status gives no quit date: yes if a current status was recorded inside the window, no if
the patient was already a former smoker before it began (the first former status after the last
current one predates the window), otherwise unknown.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from fhirtrial.eligibility.evaluation.context import (
    EvalContext,
    describe_window,
    fmt_date,
    window_bounds,
)
from fhirtrial.eligibility.evaluation.facts import UNCONFIRMED, concepts_of
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion
from fhirtrial.eligibility.rules.smoking import CURRENT, EVER
from fhirtrial.patient.items import ConditionItem, ObservationItem
from fhirtrial.patient.values import Concept

Status = Literal["current", "former", "never", "unknown"]
_STATUS_OF_CONCEPT: tuple[tuple[str, Status], ...] = (
    ("smoking-status-unknown", "unknown"),
    ("never-smoker", "never"),
    ("former-smoker", "former"),
    ("current-smoker", "current"),
)
# Words of an answer without a code, tested in this order ("Never smoker" names a smoker too).
_WORDS: tuple[tuple[re.Pattern[str], Status], ...] = (
    (re.compile(r"\bunknown\b|\bnever assessed\b|\bnot asked\b", re.I), "unknown"),
    (re.compile(r"\bnever\b|\bnon-?smoker\b", re.I), "never"),
    (re.compile(r"\b(?:former|ex-?|quit|past|previous)\b", re.I), "former"),
    (re.compile(r"\b(?:current|every day|some days?|daily|smokes|smoker)\b", re.I), "current"),
)


def status_of(item: ObservationItem) -> Status | None:
    """What a smoking status observation answers, or None when its value says nothing."""
    value = item.value
    texts: list[str] = []
    if isinstance(value, Concept):
        coded = concepts_of(value)
        for concept, status in _STATUS_OF_CONCEPT:
            if concept in coded:
                return status
        texts = [t for t in (value.text, *(c.display for c in value.codings)) if t]
    elif isinstance(value, str):
        texts = [value]
    for pattern, status in _WORDS:
        if any(pattern.search(text) for text in texts):
            return status
    return None


def _statuses(ctx: EvalContext) -> list[tuple[ObservationItem, Status]]:
    """Dated smoking statuses with an answer, newest first."""
    found = [
        (item, status)
        for item in ctx.facts.observations.find("smoking-status").items
        if item.date is not None
        and item.date <= ctx.as_of
        and (status := status_of(item)) is not None
    ]
    found.sort(key=lambda pair: pair[0].date or date.min, reverse=True)
    return found


def _label(item: ObservationItem, status: Status) -> str:
    value = item.value.label if isinstance(item.value, Concept) else str(item.value)
    return f"{item.code.label}: {value} on {fmt_date(item.date)} ({item.ref})"


def evaluate_smoking(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or CURRENT
    statuses = _statuses(ctx)
    if not statuses:
        return _from_conditions(criterion, ctx, concept)
    latest, status = statuses[0]
    said = _label(latest, status)
    refs = (latest.ref,)
    if status == "unknown":
        return Finding("unknown", f"{said}: smoking status unknown", refs)
    fresh_from = ctx.as_of - timedelta(days=ctx.policy.smoking_fresh_days)
    fresh = latest.date is not None and latest.date >= fresh_from
    if criterion.window is not None:
        return _in_window(criterion, ctx, statuses, fresh)
    if concept == EVER and status in ("current", "former"):
        return Finding("met", said, refs)
    if not fresh:
        return Finding(
            "unknown",
            f"{said}: older than {ctx.policy.smoking_fresh_days} days, says nothing about now",
            refs,
        )
    if concept == EVER:
        return Finding("not-met", f"{said}: never smoked", refs)
    return Finding("met" if status == "current" else "not-met", said, refs)


def _in_window(
    criterion: Criterion,
    ctx: EvalContext,
    statuses: list[tuple[ObservationItem, Status]],
    fresh: bool,
) -> Finding:
    window = criterion.window
    assert window is not None
    latest, status = statuses[0]
    said = _label(latest, status)
    when = f"smoking {describe_window(window)}"
    start, end = window_bounds(window, ctx.as_of)
    if end is None or end < ctx.as_of or not fresh:
        # A window that ends before today, or a status too old to say how things are now.
        return Finding("unknown", f"{said}; {when} cannot be told from it", (latest.ref,))
    if status == "current":
        return Finding("met", f"{said}: {when}", (latest.ref,))
    if status == "never":
        return Finding("not-met", f"{said}: no {when}", (latest.ref,))
    # A former smoker: when did they quit?
    last_current = next((item for item, s in statuses if s == "current"), None)
    if (
        last_current is not None
        and last_current.date is not None
        and (start is None or last_current.date >= start)
    ):
        return Finding("met", f"{_label(last_current, 'current')}: {when}", (last_current.ref,))
    former_since = [
        item
        for item, s in statuses
        if s == "former"
        and item.date is not None
        and (last_current is None or last_current.date is None or item.date > last_current.date)
    ]
    first_former = min(former_since, key=lambda item: item.date or date.max, default=None)
    if (
        start is not None
        and first_former is not None
        and first_former.date is not None
        and first_former.date < start
    ):
        return Finding(
            "not-met",
            f"{_label(first_former, 'former')}: had quit before the window; no {when}",
            (first_former.ref, latest.ref),
        )
    return Finding(
        "unknown",
        f"{said}: former smoker, quit date not recorded — {when} unknown",
        (latest.ref,),
    )


def _confirmed_conditions(ctx: EvalContext, concept: str) -> list[ConditionItem]:
    return [
        c
        for c in ctx.facts.conditions.find(concept).items
        if c.verification_status not in UNCONFIRMED
    ]


def _from_conditions(criterion: Criterion, ctx: EvalContext, concept: str) -> Finding:
    """No smoking status observation: the problem list may show a smoker, never a non-smoker."""
    smokers = _confirmed_conditions(ctx, CURRENT)
    active = [c for c in smokers if ctx.facts.is_current(c) is True and c.abatement is None]
    if active and (criterion.window is None or (criterion.window.high_days or 0) >= 0):
        item = active[0]
        return Finding(
            "met", f"smoker: {item.code.label} on the problem list ({item.ref})", (item.ref,)
        )
    past = smokers + _confirmed_conditions(ctx, "former-smoker")
    if past and concept == EVER and criterion.window is None:
        item = past[0]
        return Finding("met", f"ever smoker: {item.code.label} ({item.ref})", (item.ref,))
    return Finding("unknown", "no tobacco smoking status recorded")


__all__ = ["evaluate_smoking", "status_of"]
