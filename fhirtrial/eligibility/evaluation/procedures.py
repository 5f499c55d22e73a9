"""Criteria answered by the procedures a patient had: surgery and radiotherapy (`procedure`).

A procedure counts when it was done (status completed / in progress, or not stated) on or
before the day of evaluation; its date is when it was performed. A window asks for one
performed inside it; an undated one cannot be placed (`unknown`). "Personal history of" codes
(Z92.3 irradiation) count too, dated by their onset only (not by when they were recorded:
an undated one in a window answers `unknown`).

"Major surgery" is a judgement the record rarely states: a procedure whose words name a major
operation (a resection of an organ, an opened body cavity, a joint replacement, a transplant:
`major-surgery` patterns) meets it; any other surgical procedure in the window answers
`unknown`; none among the recorded procedures, `not-met`. A percutaneous, transcatheter or
endovascular procedure (a PCI, a vertebroplasty, a TAVR) is no surgery by its words, yet some
protocols count it: in a surgery criterion's window it answers `unknown`, never `met`.

Dialysis, a tracheostomy, a stoma, CPAP and a hearing aid are states that end ("on dialysis",
"tracheostomy", "have a stoma", "current hearing aid user"): without a window, only a current
status diagnosis (Z99.2, Z93-, Z97.4, not resolved), a procedure in progress or one in the last
month meets them; an older one answers `unknown` (it may have stopped, been closed), never
`not-met`. Mechanical ventilation ("receiving mechanical ventilation") lasts days: only a
procedure in progress or a current ventilator-dependence diagnosis (Z99.11) meets it; any other
ventilation on record, however recent, answers `unknown` (an intubation years ago says nothing
of today), and so does none: ventilation is charted in flowsheets more than as a procedure.
ECMO is read as mechanical ventilation is.

A narrower concept than the record tells ("major surgery", "abdominal surgery", "gastrointestinal
surgery", "intraocular surgery", "cardiac / spinal / thoracic / brain / breast surgery" against an
operation of no stated kind — a knee replacement against "prior cardiac surgery"; invasive
ventilation against "mechanical ventilation"; hemodialysis against a dialysis status code):
`unknown`, never `not-met`, when only the broader one is found.
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
    period_overlaps_window,
    span_in_window,
)
from fhirtrial.eligibility.evaluation.facts import UNCONFIRMED
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion

_DONE = (None, "completed", "in-progress")
_MAJOR = "major-surgery"
_SURGERY = "surgery"
_PERCUTANEOUS = "percutaneous-procedure"
_STATES = frozenset(
    {"dialysis", "hemodialysis", "peritoneal-dialysis", "tracheostomy", "ostomy", "colostomy"}
    | {"ileostomy", "cpap", "hearing-aid"}
    | {"mechanical-ventilation", "invasive-mechanical-ventilation", "ecmo"}
    | {"wheelchair", "bed-confinement", "supplemental-oxygen"}
)
# States met only by a procedure in progress or a current status diagnosis, and which a record
# often holds elsewhere (flowsheets, device records, equipment orders): none on record is
# `unknown`. A wheelchair, confinement to bed and home oxygen are rarely a procedure at all.
_ONGOING_ONLY = frozenset(
    {"mechanical-ventilation", "invasive-mechanical-ventilation", "ecmo"}
    | {"wheelchair", "bed-confinement", "supplemental-oxygen"}
)
# The broader concept a record may state where the criterion names a narrower one.
_BROADER = {
    _MAJOR: _SURGERY,
    "abdominal-surgery": _SURGERY,
    "gastrointestinal-surgery": _SURGERY,
    "gastric-surgery": _SURGERY,
    "intraocular-surgery": _SURGERY,
    "eye-surgery": _SURGERY,
    "cardiac-surgery": _SURGERY,
    "spinal-surgery": _SURGERY,
    "thoracic-surgery": _SURGERY,
    "brain-surgery": _SURGERY,
    "breast-surgery": _SURGERY,
    "knee-surgery": _SURGERY,
    "hip-surgery": _SURGERY,
    "shoulder-surgery": _SURGERY,
    "colorectal-surgery": _SURGERY,
    # Operations read before as all-of(surgery, TEXT): another operation stays `unknown`.
    "prostatectomy": _SURGERY,
    "thyroidectomy": _SURGERY,
    "orchiectomy": _SURGERY,
    "pneumonectomy": _SURGERY,
    "hepatectomy": _SURGERY,
    "pancreatectomy": _SURGERY,
    "lumpectomy": _SURGERY,
    # A laparotomy may have been the resection: the record does not say.
    "colectomy": "abdominal-surgery",
    "bowel-resection": "abdominal-surgery",
    "invasive-mechanical-ventilation": "mechanical-ventilation",
    "hemodialysis": "dialysis",
    "peritoneal-dialysis": "dialysis",
    # An amputation whose level the entry does not tell may have been at this one.
    "below-knee-amputation": "amputation",
    "above-knee-amputation": "amputation",
    "above-ankle-amputation": "amputation",
    "below-elbow-amputation": "amputation",
    "above-elbow-amputation": "amputation",
}
# A narrower concept beside the criterion's that says the broader entry is not the criterion's
# (peritoneal dialysis is no hemodialysis).
_OTHER_KIND: dict[str, frozenset[str]] = {
    "hemodialysis": frozenset({"peritoneal-dialysis"}),
    "peritoneal-dialysis": frozenset({"hemodialysis"}),
    # A toe, a foot, a hand or the other limb's level is no amputation at this level.
    "below-knee-amputation": frozenset(
        {"above-knee-amputation", "foot-amputation", "upper-limb-amputation"}
    ),
    "above-knee-amputation": frozenset(
        {"below-knee-amputation", "foot-amputation", "upper-limb-amputation"}
    ),
    "above-ankle-amputation": frozenset({"foot-amputation", "upper-limb-amputation"}),
    "below-elbow-amputation": frozenset(
        {"above-elbow-amputation", "hand-amputation", "lower-limb-amputation"}
    ),
    "above-elbow-amputation": frozenset(
        {"below-elbow-amputation", "hand-amputation", "lower-limb-amputation"}
    ),
}
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
    ongoing: bool = False
    """A status diagnosis still active or a procedure in progress."""
    concepts: frozenset[str] = frozenset()
    """Every concept the entry was indexed under."""


def evaluate_procedure(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or ""
    name = display(concept)
    found, by_text = _done(ctx, concept)
    window = criterion.window
    note = by_text_note(by_text)
    if concept in _STATES and window is None:
        return _state(concept, found, name, note, ctx)
    kept, undated = _in_window(found, criterion, ctx)
    if kept:
        return Finding("met", f"{_describe(kept)}{note}", tuple(p.ref for p in kept[:3]))
    # Entries that may be the criterion's procedure, and why the record cannot say.
    doubtful: list[tuple[list[_Done], str]] = []
    if concept in _BROADER:
        # A broader procedure the words do not narrow: whether it was this one is not recorded.
        doubtful.append((_broader(ctx, concept), f"whether it was {name} is not recorded"))
    if concept == _SURGERY or concept.endswith("-surgery"):
        # A PCI, a vertebroplasty, a transcatheter valve: surgery to some protocols, a
        # procedure to most; the criterion does not say which it means. (Never a named
        # operation: a percutaneous procedure is no hepatectomy.)
        percutaneous, _ = _done(ctx, _PERCUTANEOUS)
        doubtful.append(
            (percutaneous, f"a percutaneous procedure, which {name} may or may not mean")
        )
    for entries, why in doubtful:
        maybe, maybe_undated = _in_window(entries, criterion, ctx)
        if maybe:
            return Finding(
                "unknown",
                f"{_describe(maybe)}: {why}" + (f" ({describe_window(window)})" if window else ""),
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
        latest = _latest(found)
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
            p.status == "in-progress",
            ctx.facts.procedures.concepts_of_item(p),
        )
        for p in matches.items
        if p.status in _DONE and (p.date is None or p.date <= ctx.as_of)
    ]
    for item in ctx.facts.conditions.find(concept).items:
        if item.verification_status in UNCONFIRMED:
            continue
        # A status diagnosis (Z90.11 acquired absence of breast, Z95.0 pacemaker) is dated by its
        # onset only: the day it was recorded is not the day of the operation (a 2015
        # mastectomy entered last week is not "within 6 months").
        day = item.onset
        current = ctx.facts.is_current(item) is not False
        concepts = ctx.facts.conditions.concepts_of_item(item)
        done.append(
            _Done(item.ref, item.code.label, day, item.abatement or day, current, current, concepts)
        )
    return done, matches.by_text and bool(matches.items)


def _broader(ctx: EvalContext, concept: str) -> list[_Done]:
    """Entries of the broader concept that do not name another kind of it."""
    others = _OTHER_KIND.get(concept, frozenset())
    found, _ = _done(ctx, _BROADER[concept])
    return [p for p in found if not others & p.concepts]


def _state(concept: str, found: list[_Done], name: str, note: str, ctx: EvalContext) -> Finding:
    current = [p for p in found if (p.ongoing if concept in _ONGOING_ONLY else p.current)]
    if current:
        return Finding("met", f"{_describe(current)}{note}", tuple(p.ref for p in current[:3]))
    if found:
        return _undecided(_latest(found), f"whether the {name} continues is not recorded")
    broader = _broader(ctx, concept) if concept in _BROADER else []
    if broader:
        return _undecided(_latest(broader), f"whether it is {name} is not recorded")
    if concept in _ONGOING_ONLY:
        # Ventilation is charted in flowsheets and device records more than as a procedure:
        # a procedure list without it does not say the patient breathes unaided.
        return Finding("unknown", f"no {name} among the recorded procedures or status diagnoses")
    return absent(ctx, name, "procedures", len(ctx.record.procedures))


def _latest(found: list[_Done]) -> _Done:
    return max(found, key=lambda p: p.start or date.min)


def _undecided(latest: _Done, why: str) -> Finding:
    return Finding("unknown", f"{_describe([latest])}: {why}", (latest.ref,))


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
            # Dated by a year or a month only: decided when its whole span answers alike.
            span = ctx.record.partial_dates.get(item.ref)
            inside = span_in_window(*span, window, ctx.as_of) if span else None
            if inside is None:
                undated.append(item)
            elif inside:
                kept.append(item)
        elif (
            overlaps := period_overlaps_window(item.ref, item.start, item.end, window, ctx)
        ) is None:
            undated.append(item)  # ended in a month or a year the window's start falls in
        elif overlaps:
            kept.append(item)
    kept.sort(key=lambda p: p.start or date.min, reverse=True)
    return kept, undated


def _describe(items: list[_Done]) -> str:
    return "; ".join(f"{p.label} on {fmt_date(p.start)} ({p.ref})" for p in items[:3])
