"""Clinical scores with a bound (`lab` criteria on the concepts of `rules.scores`: MMSE, MoCA,
Glasgow, NIHSS, modified Rankin, ASA physical status, Bishop, PHQ-9, …).

Read from the newest Observation that carries the score — by its LOINC code where the
terminology has one, else by its words — as a number, a quantity or a text ("24/30", "ASA III",
"Class 2"; roman numerals for the ASA classes). A newest result that cannot be read is
`unknown`: an older one must not stand in for it. A row for the state before the illness
("Modified Rankin Scale (pre-morbid)", "MMSE - prior to admission") is no current score. No
result: `unknown`, never a reason either way.

A score decides only while it is fresh: inside the criterion's window when it has one, else no
older than the policy's `performance_fresh_days` (a score, like a performance status, changes
with the disease) — and, for the scores of an acute state (the Glasgow and NIH stroke scales,
the Bishop score of a cervix in labour), no older than a day.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.evaluation.context import EvalContext, display, fmt_date
from fhirtrial.eligibility.evaluation.measures import freshness, numeric, required, satisfies
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion
from fhirtrial.patient.items import ObservationItem
from fhirtrial.patient.values import LOINC, Concept, Quantity

SCORES = frozenset(
    {
        *("mmse", "moca", "t-moca", "clinical-dementia-rating", "glasgow-coma-scale", "nihss"),
        *("modified-rankin-scale", "asa-physical-status", "bishop-score", "phq-9", "gad-7"),
        *("hamilton-depression-scale", "geriatric-depression-scale", "hoehn-yahr-stage", "edss"),
        "epds",
    }
)
_ACUTE = frozenset({"glasgow-coma-scale", "nihss", "bishop-score"})
_ACUTE_FRESH_DAYS = 1
# Results found by words that are another instrument or a part of the score.
_OTHER_INSTRUMENT = {
    "moca": re.compile(r"telephone|t-moca|\bblind\b|mini", re.I),
    "mmse": re.compile(r"modified|3ms|telephone|\bitem\b", re.I),
    "glasgow-coma-scale": re.compile(r"motor|verbal|eye|pediatric|paediatric", re.I),
    "phq-9": re.compile(r"item|question|\bq\d", re.I),
    "epds": re.compile(r"item|question|\bq\d", re.I),
}
# Rows for the state before the illness ("Modified Rankin Scale (pre-morbid)", "MMSE - prior
# to admission"): a score of another time, never the patient's score now.
_ANOTHER_TIME = re.compile(
    r"\bpre-?\s?(?:morbid|stroke|injury|illness|admission|hospital)|\bprior to\b|\bbefore\b"
    r"|\bhistorical\b",
    re.IGNORECASE,
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}
# A text value: an optional name ("ASA", "Class", "Score:"), then the number or roman class,
# then nothing but a denominator or an explanation ("24/30", "III - severe systemic disease").
_TEXT_VALUE = re.compile(
    r"^\s*(?:[a-z][\w ()-]*?(?:class|score|status|grade|total)?\s*[:=]?\s*)??"
    r"(?<![\w-])(?P<value>\d{1,2}(?:\.\d)?|vi|iv|v|i{1,3})(?![\w.])(?:\s*/\s*\d{1,2})?(?:\s*(?:[-–:(,]|$))",
    re.IGNORECASE,
)


def evaluate_score(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or ""
    name = display(concept)
    found = _latest(ctx, concept)
    if found is None:
        return Finding("unknown", f"no {name} recorded")
    item, value = found
    if value is None:
        return Finding("unknown", f"{name} on {fmt_date(item.date)} cannot be read", (item.ref,))
    stated = (
        f"{name} {value:g} on {fmt_date(item.date)} ({item.ref}) — required {required(criterion)}"
    )
    limit = _ACUTE_FRESH_DAYS if concept in _ACUTE else ctx.policy.performance_fresh_days
    stale = freshness(ctx, item.date, criterion.window, limit)
    if stale:
        return Finding("unknown", f"{stated}; {stale}", (item.ref,))
    return Finding("met" if satisfies(value, criterion) else "not-met", stated, (item.ref,))


def _latest(ctx: EvalContext, concept: str) -> tuple[ObservationItem, float | None] | None:
    """The newest result of the score with a value, and its number (None when unreadable)."""
    matches = ctx.facts.observations.find(concept)
    other = _OTHER_INSTRUMENT.get(concept)
    for item in matches.items:  # newest first
        if item.value is None:
            continue
        coded = any(True for _ in item.code.codes_in(LOINC))
        if not coded and other is not None and other.search(item.code.label):
            continue
        if _ANOTHER_TIME.search(item.code.label):
            continue
        return item, _number(item.value, concept)
    return None


def _number(value: object, concept: str) -> float | None:
    if isinstance(value, bool | int | float | Quantity):
        return numeric(value)
    texts: list[str] = []
    if isinstance(value, str):
        texts = [value]
    elif isinstance(value, Concept):
        texts = [t for t in (value.text, *(c.display for c in value.codings)) if t]
    for text in texts:
        match = _TEXT_VALUE.match(text)
        if match is None:
            continue
        token = match["value"].lower()
        if token in _ROMAN:
            return float(_ROMAN[token]) if concept == "asa-physical-status" else None
        return float(token)
    return None
