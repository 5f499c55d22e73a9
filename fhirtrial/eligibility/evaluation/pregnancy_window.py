"""A pregnancy in a window before now ("pregnant within the last 2 years", "pregnancy in the
past 6 months"): not the current state alone but any pregnancy that lasted into the window.

Met by a current pregnancy (the state's own evaluation says met), by a documented end of a
pregnancy inside the window (a delivery, an abortive outcome, a postpartum entry, a pregnancy
entry resolved: `pregnancy_end`), or by a pregnancy diagnosis dated inside it. Never not-met:
a record rarely shows every pregnancy a woman had (one delivered elsewhere, a miscarriage never
coded), so a woman with none on record is `unknown`; a male patient is not-applicable as for the
state itself. The current state's "not-met" (a pregnancy that ended a week ago) says nothing
against a window that reaches back before the end: it is a pregnancy in the window.
"""

from __future__ import annotations

from fhirtrial.eligibility.evaluation.context import EvalContext, describe_window, window_bounds
from fhirtrial.eligibility.evaluation.facts import UNCONFIRMED
from fhirtrial.eligibility.evaluation.pregnancy_end import pregnancy_end
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Window


def pregnancy_in_window(window: Window, ctx: EvalContext, now: Finding) -> Finding:
    """``now``: the current state's finding (met, not-met, unknown or not-applicable)."""
    if now.result in ("met", "not-applicable"):
        return now
    low, high = window_bounds(window, ctx.as_of)
    high = min(high or ctx.as_of, ctx.as_of)
    entries = list(ctx.facts.conditions.find("pregnancy").items)
    ended = pregnancy_end(ctx, entries)
    if ended is not None and (low is None or ended.day >= low) and ended.day <= high:
        return Finding(
            "met",
            f"a pregnancy ended {describe_window(window)}: {ended.label} on {ended.day} "
            f"({ended.ref})",
            (ended.ref,),
        )
    for entry in entries:
        day = entry.onset or entry.recorded
        if entry.verification_status in UNCONFIRMED or day is None:
            continue
        if (low is None or day >= low) and day <= high:
            return Finding(
                "met",
                f"pregnant {describe_window(window)}: {entry.code.label} on {day} ({entry.ref})",
                (entry.ref,),
            )
    return Finding(
        "unknown",
        f"no pregnancy recorded {describe_window(window)}; one may not be on record ({now.reason})",
        now.evidence,
    )
