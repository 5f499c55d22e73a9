"""A current use of any prescribed medication (`rules.any_medication`: "Taking prescribed
medication", "Use of medications").

`met` by a systemic use the record says was prescribed or given (MedicationRequest,
MedicationDispense, MedicationAdministration) and that is current on the evaluation day, or
overlaps the criterion's window. A use the patient reported (MedicationStatement: often a
vitamin or an over-the-counter product, which "prescribed medication" leaves out) and a topical,
inhaled or eye-drop product leave the answer `unknown`, never `met` nor `not-met`: the words do
not say whether they count. "Regular", "chronic", "for at least 3 months" (qualifiers) need a use
lasting long enough, as for a class (`evaluation.medications`). No current use in a record that
lists medications is `not-met` (the evidence policy); a record without any medication is
`unknown`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.evaluation.context import EvalContext, absent, describe_window
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion
from fhirtrial.patient.items import MedicationItem

_PRESCRIBED = frozenset({"MedicationRequest", "MedicationDispense", "MedicationAdministration"})
_NOT_SYSTEMIC = re.compile(
    r"\b(?:topical|cream|ointment|lotion|shampoo|ophthalmic|eye drops?|otic|nasal|inhal\w*"
    r"|rectal|gel|vaginal|flush)\b",
    re.IGNORECASE,
)


def evaluate_any_medication(
    criterion: Criterion,
    ctx: EvalContext,
    current: Callable[[MedicationItem, Criterion, EvalContext], bool | None],
    lasting: Callable[[MedicationItem, Criterion, EvalContext], bool],
    span: Callable[[MedicationItem], str],
    needed_days: Callable[[Criterion], int | None],
) -> Finding:
    when = describe_window(criterion.window) or "currently"
    uses = [u for u in ctx.record.medications if u.state != "planned"]
    in_time = [u for u in uses if current(u, criterion, ctx) is True]
    counted = [
        u
        for u in in_time
        if u.source in _PRESCRIBED and not _NOT_SYSTEMIC.search(u.medication.label)
    ]
    duration = needed_days(criterion) is not None
    met = [u for u in counted if lasting(u, criterion, ctx)] if duration else counted
    if met:
        described = "; ".join(span(u) for u in met[:3])
        return Finding(
            "met", f"a prescribed medication {when}: {described}", tuple(u.ref for u in met[:3])
        )
    doubtful = [u for u in in_time if u not in met] or [
        u for u in uses if current(u, criterion, ctx) is None
    ]
    if doubtful:
        why = (
            "whether it has been taken long enough is not recorded"
            if duration and doubtful[0] in counted
            else f"whether it counts as a prescribed medication taken {when} is not recorded"
        )
        return Finding("unknown", f"{span(doubtful[0])}: {why}", (doubtful[0].ref,))
    return absent(ctx, f"prescribed medication {when}", "medications", len(ctx.record.medications))
