"""Criteria answered by the procedures a patient had: surgery and radiotherapy (`procedure`).

A procedure counts when it was done (status completed / in progress, or not stated) on or
before the day of evaluation; its date is when it was performed. A window asks for one
performed inside it; an undated one cannot be placed (`unknown`). "Personal history of" codes
(Z92.3 irradiation) count too, dated by their onset or recording.

"Major surgery" is a judgement the record rarely states: a procedure whose words name a major
operation (a resection of an organ, an opened body cavity, a joint replacement, a transplant:
`major-surgery` patterns) meets it; any other surgical procedure in the window answers
`unknown`; none among the recorded procedures, `not-met`.

Dialysis, a tracheostomy and a stoma are states that end ("on dialysis", "tracheostomy", "have a
stoma"): without a window, only a current status diagnosis (Z99.2, Z93-, not resolved), a
procedure in progress or one in the last month meets them; an older one answers `unknown` (it
may have stopped, been closed), never `not-met`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fhirtrial.eligibility.evaluation.context import (
    EvalContext,
    absent,
    by_text_note,
    describe_window,
    display,
    fmt_date,
    overlaps_window,
)
from fhirtrial.eligibility.evaluation.facts import UNCONFIRMED
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion

_DONE = (None, "completed", "in-progress")
_MAJOR = "major-surgery"
_SURGERY = "surgery"
_STATES = frozenset(
    {"dialysis", "hemodialysis", "peritoneal-dialysis", "tracheostomy", "ostomy", "colostomy"}
    | {"ileostomy"}
)
# A dialysis session or a tracheostomy this recent stands for the state now.
_RECENT = timedelta(days=31)


@dataclass(frozen=True, slots=True)
class _Done:
    ref: str
    label: str
    start: date | None
    end: date | None
    current: bool = False
    """A status diagnosis still active, a procedure in progress or in the last month."""


def evaluate_procedure(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or ""
    name = display(concept)
    found, by_text = _done(ctx, concept)
    window = criterion.window
    note = by_text_note(by_text)
    if concept in _STATES and window is None:
        return _state(found, name, note, ctx)
    kept, undated = _in_window(found, criterion, ctx)
    if kept:
        return Finding("met", f"{_describe(kept)}{note}", tuple(p.ref for p in kept[:3]))
    if concept == _MAJOR:
        # Surgery the words do not call major: whether it was is not recorded.
        other, _ = _done(ctx, _SURGERY)
        maybe, maybe_undated = _in_window(other, criterion, ctx)
        if maybe:
            return Finding(
                "unknown",
                f"{_describe(maybe)}: whether it was major surgery is not recorded"
                + (f" ({describe_window(window)})" if window else ""),
                tuple(p.ref for p in maybe[:3]),
            )
        undated += maybe_undated
    if undated:
        item = undated[0]
        return Finding(
            "unknown",
            f"{item.label} ({item.ref}) on an unknown date — required {describe_window(window)}",
            (item.ref,),
        )
    if found:
        latest = max(found, key=lambda p: p.start or date.min)
        return Finding(
            "not-met",
            f"no {name} {describe_window(window)}; last {_describe([latest])}",
            (latest.ref,),
        )
    return absent(ctx, name, "procedures", len(ctx.record.procedures))


def _done(ctx: EvalContext, concept: str) -> tuple[list[_Done], bool]:
    """Procedures (and history codes) of the concept done by the day of evaluation."""
    matches = ctx.facts.procedures.find(concept)
    done = [
        _Done(
            p.ref,
            p.code.label,
            p.date,
            p.end or p.date,
            p.status == "in-progress" or ((p.end or p.date) or date.min) >= ctx.as_of - _RECENT,
        )
        for p in matches.items
        if p.status in _DONE and (p.date is None or p.date <= ctx.as_of)
    ]
    for item in ctx.facts.conditions.find(concept).items:
        if item.verification_status in UNCONFIRMED:
            continue
        day = item.onset or item.recorded
        current = ctx.facts.is_current(item) is not False
        done.append(_Done(item.ref, item.code.label, day, item.abatement or day, current))
    return done, matches.by_text and bool(matches.items)


def _state(found: list[_Done], name: str, note: str, ctx: EvalContext) -> Finding:
    current = [p for p in found if p.current]
    if current:
        return Finding("met", f"{_describe(current)}{note}", tuple(p.ref for p in current[:3]))
    if found:
        latest = max(found, key=lambda p: p.start or date.min)
        return Finding(
            "unknown",
            f"{_describe([latest])}: whether the {name} continues is not recorded",
            (latest.ref,),
        )
    return absent(ctx, name, "procedures", len(ctx.record.procedures))


def _in_window(
    found: list[_Done], criterion: Criterion, ctx: EvalContext
) -> tuple[list[_Done], list[_Done]]:
    """(inside the window, undated); every dated one is inside when there is no window."""
    window = criterion.window
    if window is None:
        return sorted(found, key=lambda p: p.start or date.min, reverse=True), []
    kept, undated = [], []
    for item in found:
        if item.start is None and item.end is None:
            undated.append(item)
        elif overlaps_window(item.start, item.end, window, ctx.as_of):
            kept.append(item)
    kept.sort(key=lambda p: p.start or date.min, reverse=True)
    return kept, undated


def _describe(items: list[_Done]) -> str:
    return "; ".join(f"{p.label} on {fmt_date(p.start)} ({p.ref})" for p in items[:3])
