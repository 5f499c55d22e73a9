"""Weight lost or changed over a period (`lab` criteria on `body-weight-loss`: "weight loss > 20%
of body weight in the last 6 months", and `body-weight-change`: "weight change > 3 kg within the
last 3 months"), computed from the body-weight Observations inside the window.

The loss is the heaviest weight in the window (before the newest) less the newest one; the
change, the heaviest less the lightest in the window, either way; each in kg or as a share of
the heaviest. It is `met` when the weights show the loss or change the criterion asks for.
Weights are taken only now and then, so a smaller one between them never shows that the
patient did not lose or change more (a weight beyond them may have gone unrecorded): anything
else is `unknown`, as is a window with fewer than two weights — never `not-met`. A stable
weight ("weight stable (±5 kg) for 6 months") is NOT a change beyond the tolerance: `not-met`
only when the weights show that change around every recorded weight (`plus-or-minus`: the band
lies around a weight the text does not name; 79 and 85 kg both lie within ±5 kg of the 80 kg
recorded, so they leave it unknown).
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.evaluation.context import EvalContext, fmt_date, in_window
from fhirtrial.eligibility.evaluation.measures import required, satisfies
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.evaluation.units import convert
from fhirtrial.eligibility.model import Criterion
from fhirtrial.eligibility.rules.weight_change import PLUS_OR_MINUS
from fhirtrial.patient.items import ObservationItem
from fhirtrial.patient.values import LOINC, Quantity

WEIGHT_LOSS = "body-weight-loss"
WEIGHT_CHANGE = "body-weight-change"
WEIGHT_CHANGES = frozenset({WEIGHT_LOSS, WEIGHT_CHANGE})
# A row found by its words that is not the patient's weight now.
_NOT_A_WEIGHT = re.compile(
    r"loss|gain|chang|differen|delta|percentile|z-?score|ideal|dry|birth|usual|target|goal"
    r"|estimated|predicted|adjusted|lean|fetal|%",
    re.IGNORECASE,
)
# A number outside these is no body weight in kg (a unit mistaken, a change, a percentile).
_LEAST_KG, _MOST_KG = 0.3, 400.0


def evaluate_weight_loss(criterion: Criterion, ctx: EvalContext) -> Finding:
    weights = _weights_in_window(criterion, ctx)
    if len(weights) < 2:
        return Finding("unknown", "fewer than two body weights recorded in the period")
    if criterion.concept == WEIGHT_CHANGE:
        low_item, low = min(weights, key=lambda pair: pair[1])
        heaviest_item, heaviest = max(weights, key=lambda pair: pair[1])
        what = "a change"
    else:
        low_item, low = weights[-1]
        heaviest_item, heaviest = max(weights[:-1], key=lambda pair: pair[1])
        what = "a loss"
    lost = heaviest - low
    value = lost if criterion.unit == "kg" else 100 * lost / heaviest
    stated = (
        f"body weight {heaviest:g} kg on {fmt_date(heaviest_item.date)}, {low:g} kg on "
        f"{fmt_date(low_item.date)}: {what} of {value:.3g} {criterion.unit} — required "
        f"{required(criterion)}"
    )
    refs = (heaviest_item.ref, low_item.ref)
    if lost > 0 and satisfies(value, criterion):
        if PLUS_OR_MINUS in criterion.qualifiers and (centre := _band_centre(criterion, weights)):
            # "Weight stable (±5 kg)": 79 and 85 kg both lie within 5 kg of the 80 kg recorded.
            return Finding(
                "unknown",
                f"{stated}; every weight lies within ± {criterion.value:g} {criterion.unit} of "
                f"the {centre[1]:g} kg of {fmt_date(centre[0].date)}, which the band may be "
                f"around",
                (*refs, centre[0].ref),
            )
        return Finding("met", stated, refs)
    return Finding("unknown", f"{stated}; more between unrecorded weights is not ruled out", refs)


def _band_centre(
    criterion: Criterion, weights: list[tuple[ObservationItem, float]]
) -> tuple[ObservationItem, float] | None:
    """A recorded weight every weight of the period lies within the tolerance of (± the
    criterion's value, in kg or in % of that weight), or None: the band of "weight stable
    (±5 kg)" lies around a weight the text does not name (the first, the current one)."""
    tolerance = criterion.value
    if tolerance is None:
        return None
    for item, centre in weights:
        furthest = max(abs(kg - centre) for _, kg in weights)
        off = furthest if criterion.unit == "kg" else 100 * furthest / centre
        if off <= tolerance:
            return item, centre
    return None


def _weights_in_window(
    criterion: Criterion, ctx: EvalContext
) -> list[tuple[ObservationItem, float]]:
    """The dated body weights in kg inside the criterion's window, oldest first."""
    found: list[tuple[ObservationItem, float]] = []
    for item in ctx.facts.observations.find("body-weight").items:
        if not any(True for _ in item.code.codes_in(LOINC)) and _NOT_A_WEIGHT.search(
            item.code.label
        ):
            continue  # "Weight change", "Ideal body weight": found by words, not the weight
        value = item.value
        if not isinstance(value, Quantity) or value.value is None or value.comparator:
            continue
        if item.date is None or not in_window(item.date, criterion.window, ctx.as_of):
            continue
        if item.date > ctx.as_of:
            continue
        kg = convert(value.value, value.code or value.unit, "kg", concept="body-weight")
        if kg is not None and _LEAST_KG <= kg <= _MOST_KG:
            found.append((item, kg))
    return sorted(found, key=lambda pair: pair[0].date or ctx.as_of)
