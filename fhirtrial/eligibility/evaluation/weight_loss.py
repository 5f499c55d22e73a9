"""Weight lost over a period (`lab` criteria on `body-weight-loss`: "weight loss > 20% of body
weight in the last 6 months"), computed from the body-weight Observations inside the window.

The loss is the heaviest weight in the window less the newest one, in kg or as a share of the
heaviest. It is `met` when the weights show the loss the criterion asks for. Weights are taken
only now and then, so a smaller loss between them never shows that the patient did not lose
more (a heavier weight may have gone unrecorded): anything else is `unknown`, as is a window
with fewer than two weights — never `not-met`.
"""

from __future__ import annotations

from fhirtrial.eligibility.evaluation.context import EvalContext, fmt_date, in_window
from fhirtrial.eligibility.evaluation.measures import required, satisfies
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.evaluation.units import convert
from fhirtrial.eligibility.model import Criterion
from fhirtrial.patient.items import ObservationItem
from fhirtrial.patient.values import Quantity

WEIGHT_LOSS = "body-weight-loss"


def evaluate_weight_loss(criterion: Criterion, ctx: EvalContext) -> Finding:
    weights = _weights_in_window(criterion, ctx)
    if len(weights) < 2:
        return Finding("unknown", "fewer than two body weights recorded in the period")
    latest_item, latest = weights[-1]
    heaviest_item, heaviest = max(weights[:-1], key=lambda pair: pair[1])
    lost = heaviest - latest
    value = lost if criterion.unit == "kg" else 100 * lost / heaviest
    stated = (
        f"body weight {heaviest:g} kg on {fmt_date(heaviest_item.date)}, {latest:g} kg on "
        f"{fmt_date(latest_item.date)}: a loss of {value:.3g} {criterion.unit} — required "
        f"{required(criterion)}"
    )
    refs = (heaviest_item.ref, latest_item.ref)
    if lost > 0 and satisfies(value, criterion):
        return Finding("met", stated, refs)
    return Finding("unknown", f"{stated}; a loss between unrecorded weights is not ruled out", refs)


def _weights_in_window(
    criterion: Criterion, ctx: EvalContext
) -> list[tuple[ObservationItem, float]]:
    """The dated body weights in kg inside the criterion's window, oldest first."""
    found: list[tuple[ObservationItem, float]] = []
    for item in ctx.facts.observations.find("body-weight").items:
        value = item.value
        if not isinstance(value, Quantity) or value.value is None or value.comparator:
            continue
        if item.date is None or not in_window(item.date, criterion.window, ctx.as_of):
            continue
        if item.date > ctx.as_of:
            continue
        kg = convert(value.value, value.code or value.unit, "kg", concept="body-weight")
        if kg is not None and kg > 0:
            found.append((item, kg))
    return sorted(found, key=lambda pair: pair[0].date or ctx.as_of)
