"""Criteria answered by a demographic field or a measurement: sex, healthy volunteer,
performance status, labs, biomarkers, stage, life expectancy.

Measurements follow one rule: the latest usable value wins; a value older than the freshness
limit (or outside the criterion's own window) is reported as stale and gives ``unknown``; no
value gives ``unknown`` — a missing lab is never evidence either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.evaluation.analyte_forms import is_a_share
from fhirtrial.eligibility.evaluation.censored import decides, quantity_of_text, values_of
from fhirtrial.eligibility.evaluation.clearance import estimate_too_close
from fhirtrial.eligibility.evaluation.context import (
    EvalContext,
    by_text_note,
    describe_window,
    display,
    fmt_date,
    in_window,
)
from fhirtrial.eligibility.evaluation.facts import concepts_of, concepts_of_record_text
from fhirtrial.eligibility.evaluation.genetic_variants import (
    genes_studied,
    genomic_source,
    not_pathogenic,
)
from fhirtrial.eligibility.evaluation.results import Finding, Outcome
from fhirtrial.eligibility.evaluation.rounding import bound_within_rounding
from fhirtrial.eligibility.evaluation.units import convert
from fhirtrial.eligibility.model import Criterion, Window
from fhirtrial.patient.items import ConditionItem, ObservationItem
from fhirtrial.patient.values import ICD10CM, LOINC, Concept, Quantity

# ECOG answers as LOINC answer codes (LL529-9) and SNOMED CT findings, where we are sure of them.
_ECOG_ANSWERS = {
    (LOINC, "LA9622-7"): 0,
    (LOINC, "LA9623-5"): 1,
    (LOINC, "LA9624-3"): 2,
    (LOINC, "LA9625-0"): 3,
    (LOINC, "LA9626-8"): 4,
    (LOINC, "LA9627-6"): 5,
    ("http://snomed.info/sct", "425389002"): 0,
    ("http://snomed.info/sct", "422512005"): 1,
}
_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
_INTERPRETATION_CONCEPTS = {"POS": "positive", "NEG": "negative", "DET": "detected"}
_OPPOSITES = {
    "positive": {"negative"},
    "negative": {"positive", "detected"},
    "detected": {"negative"},
}


def required(criterion: Criterion, unit: str | None = None) -> str:
    """The requirement in words: "0–1", "≥ 18 a", "≤ 1.5 × ULN"."""
    unit = "× ULN" if criterion.uln_multiple else (unit if unit is not None else criterion.unit)
    suffix = f" {unit}" if unit and unit not in ("{score}", "1") else ""
    if criterion.comparator is None and criterion.high is not None:
        low = "" if criterion.value is None else f"{criterion.value:g}"
        return f"{low}–{criterion.high:g}{suffix}" if low else f"≤ {criterion.high:g}{suffix}"
    if criterion.value is None:
        return "present"
    symbol = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "=": "=", None: "="}[criterion.comparator]
    return f"{symbol} {criterion.value:g}{suffix}"


def satisfies(value: float, criterion: Criterion) -> bool:
    if criterion.comparator is None:
        low_ok = criterion.value is None or value >= criterion.value
        return low_ok and (criterion.high is None or value <= criterion.high)
    target = criterion.value if criterion.value is not None else 0.0
    return {
        "<": value < target,
        "<=": value <= target,
        ">": value > target,
        ">=": value >= target,
        "=": abs(value - target) < 1e-9,
    }[criterion.comparator]


# ---------------------------------------------------------------- demographics


def evaluate_sex(criterion: Criterion, ctx: EvalContext) -> Finding:
    patient = ctx.record.patient
    wanted = criterion.value_concept
    if patient.gender not in ("female", "male"):
        return Finding("unknown", f"administrative gender is {patient.gender or 'not recorded'}")
    if patient.sex is None:
        return Finding(
            "unknown",
            f"administrative gender {patient.gender}, sex assigned at birth {patient.birth_sex}: "
            f"which one the criterion means is not recorded",
            (patient.ref,),
        )
    result: Outcome = "met" if patient.gender == wanted else "not-met"
    return Finding(result, f"gender {patient.gender} — required {wanted}", (patient.ref,))


def evaluate_healthy_volunteer(criterion: Criterion, ctx: EvalContext) -> Finding:
    active = [c for c in ctx.record.conditions if c.is_active is not False]
    if active:
        return Finding(
            "not-met",
            f"not a healthy volunteer: {len(active)} current condition(s), e.g. "
            f"{active[0].code.label}",
            (active[0].ref,),
        )
    return Finding("unknown", "no current condition recorded; health status not established")


def evaluate_life_expectancy(criterion: Criterion, ctx: EvalContext) -> Finding:
    return Finding("unknown", "life expectancy is a clinician's estimate, not in EHR data")


# ---------------------------------------------------------------- observations


def freshness(
    ctx: EvalContext, day: date | None, window: Window | None, default_days: int
) -> str | None:
    """Why a reading taken on ``day`` is too old to decide (``None``: fresh enough): outside
    the criterion's own window, else older than the policy's limit for its kind."""
    if day is None:
        return "undated"
    if window is not None:
        ok = in_window(day, window, ctx.as_of)
        return None if ok else f"outside the required window ({describe_window(window)})"
    age_days = (ctx.as_of - day).days
    if age_days > default_days:
        return f"stale: {age_days} days old (limit {default_days})"
    return None


def numeric(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, Quantity):
        return value.value
    return None


# The ECOG grades as their answer texts word them, and a grade written as a number ("1",
# "ECOG 2", "1 - Restricted in physically strenuous activity").
_ECOG_WORDS = (
    (re.compile(r"\bfully active\b", re.I), 0),
    (re.compile(r"\brestricted in physically strenuous\b", re.I), 1),
    (re.compile(r"\bambulatory and capable of all self-?care\b", re.I), 2),
    (re.compile(r"\bcapable of only limited self-?care\b", re.I), 3),
    (re.compile(r"\bcompletely disabled\b", re.I), 4),
)
_SCORE_NAME = (
    r"^\s*(?:(?:ecog|zubrod|who|kps|karnofsky)\w*\s*(?:ps|performance status|score|grade)?"
    r"\s*[:=]?\s*|grade\s*)?"
)
# A grade and what follows it ("1 - Restricted…", "1=Restricted…", "70%"); a dash before a
# digit is a range ("1-2"), not a grade.
_SCORE_NUMBER = re.compile(
    _SCORE_NAME + r"(\d{1,3})(?:\s*%)?(?:\s*(?:[-–](?!\s*\d)|[:(,=])|\s*$)", re.IGNORECASE
)
_SCORE_RANGE = re.compile(
    _SCORE_NAME + r"(\d{1,3})\s*%?\s*(?:[-–]|to)\s*(\d{1,3})\s*%?\s*$", re.IGNORECASE
)


def _score_in_text(text: str | None) -> float | None:
    if not text:
        return None
    found = _SCORE_NUMBER.match(text)
    return float(found[1]) if found else None


def _score_range(value: object) -> tuple[float, float] | None:
    """A score written as a range ("1-2", "ECOG 0-1", "70-80%"): its two ends."""
    text = value.text or value.label if isinstance(value, Concept) else value
    if not isinstance(text, str):
        return None
    found = _SCORE_RANGE.match(text)
    return (float(found[1]), float(found[2])) if found else None


def _ecog_value(item: ObservationItem) -> float | None:
    number = numeric(item.value)
    if number is not None:
        return number
    if isinstance(item.value, str):
        return _score_in_text(item.value)
    for concept in (item.value, *item.interpretations):
        if isinstance(concept, Concept):
            for key in concept.keys:
                if key in _ECOG_ANSWERS:
                    return float(_ECOG_ANSWERS[key])
    if isinstance(item.value, Concept):
        for text in (item.value.text, *(c.display for c in item.value.codings)):
            grade = _score_in_text(text)
            if grade is not None:
                return grade
            for pattern, value in _ECOG_WORDS:
                if text and pattern.search(text):
                    return float(value)
    return None


def _karnofsky_value(item: ObservationItem) -> float | None:
    number = numeric(item.value)
    if number is not None:
        return number
    if isinstance(item.value, str):
        return _score_in_text(item.value)
    if isinstance(item.value, Concept):
        return _score_in_text(item.value.text or item.value.label)
    return None


def _karnofsky_to_ecog(kps: float) -> float:
    """The usual KPS → ECOG correspondence (100–90 → 0, 80–70 → 1, 60–50 → 2, 40–30 → 3, else 4)."""
    if kps >= 90:
        return 0
    if kps >= 70:
        return 1
    if kps >= 50:
        return 2
    if kps >= 30:
        return 3
    return 4


def evaluate_performance_status(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or "ecog"
    label = "ECOG" if concept == "ecog" else "Karnofsky"
    reading = _latest_score(ctx, concept)
    converted = ""
    if reading is None and concept == "ecog":
        kps = _latest_score(ctx, "karnofsky")
        if kps is not None:
            item, score = kps
            reading = (item, None if score is None else _karnofsky_to_ecog(score))
            converted = " (from Karnofsky)" if score is None else f" (from Karnofsky {score:g})"
    if reading is None:
        return Finding("unknown", f"no {label} performance status recorded")
    item, value = reading
    ends = _score_range(item.value) if value is None else None
    if ends is not None:
        return _score_range_finding(criterion, ctx, item, label, ends, converted)
    if value is None:
        shown = item.value.label if isinstance(item.value, Concept) else repr(item.value)
        return Finding(
            "unknown",
            f"latest {label} on {fmt_date(item.date)} ({item.ref}) reads {shown}, not a grade",
            (item.ref,),
        )
    stated = (
        f"{label} {value:g}{converted} on {fmt_date(item.date)} ({item.ref}) — required "
        f"{required(criterion)}"
    )
    stale = freshness(ctx, item.date, criterion.window, ctx.policy.performance_fresh_days)
    if stale:
        return Finding("unknown", f"{stated}; {stale}", (item.ref,))
    return Finding("met" if satisfies(value, criterion) else "not-met", stated, (item.ref,))


def _score_range_finding(
    criterion: Criterion,
    ctx: EvalContext,
    item: ObservationItem,
    label: str,
    ends: tuple[float, float],
    converted: str,
) -> Finding:
    """A score recorded as a range ("ECOG 1-2"): it decides when both ends answer alike."""
    if converted:  # a Karnofsky range read for ECOG
        ends = (_karnofsky_to_ecog(ends[0]), _karnofsky_to_ecog(ends[1]))
    stated = (
        f"{label} {ends[0]:g}–{ends[1]:g}{converted} on {fmt_date(item.date)} ({item.ref}) — "
        f"required {required(criterion)}"
    )
    stale = freshness(ctx, item.date, criterion.window, ctx.policy.performance_fresh_days)
    if stale:
        return Finding("unknown", f"{stated}; {stale}", (item.ref,))
    low, high = (satisfies(end, criterion) for end in ends)
    if low != high:
        return Finding(
            "unknown", f"{stated}; a range across the bound decides nothing", (item.ref,)
        )
    return Finding("met" if low else "not-met", stated, (item.ref,))


def _latest_score(ctx: EvalContext, concept: str) -> tuple[ObservationItem, float | None] | None:
    """The newest result that has a value (None as the value when it cannot be read: an older
    readable one must not stand in for it)."""
    matches = ctx.facts.observations.find(concept)
    for item in matches.items:  # newest first
        if item.value is None:
            continue
        value = _ecog_value(item) if concept == "ecog" else _karnofsky_value(item)
        return item, value
    return None


# Blood pressure as the FHIR vital-signs profile writes it: a panel (85354-9) whose components
# are the systolic (8480-6) and diastolic (8462-4) pressures; EHRs also send either alone.
_BP_COMPONENTS = {"systolic-bp": "8480-6", "diastolic-bp": "8462-4"}


def _quantities(ctx: EvalContext, concept: str) -> list[tuple[ObservationItem, Quantity]]:
    """The results of a measurement that carry a number, newest first (a number written as
    text — "72", "<5", ">60" — is one: `censored.quantity_of_text`)."""
    matches = ctx.facts.observations.find(concept)
    found = []
    for o in matches.items:
        value = o.value
        if isinstance(value, str):
            value = quantity_of_text(o, value)
        if isinstance(value, Quantity) and value.value is not None:
            found.append((o, value))
    component_code = _BP_COMPONENTS.get(concept)
    if component_code is None:
        return found
    for item in ctx.record.observations:
        component = item.component(LOINC, component_code)
        value = None if component is None else component.value
        if isinstance(value, Quantity) and value.value is not None and item.value is None:
            found.append((item, value))
    order = {id(o): position for position, o in enumerate(ctx.record.observations)}
    return sorted(found, key=lambda pair: order.get(id(pair[0]), len(order)))


# A reference range written only as text: "10-40 U/L", "0.2 - 1.2 mg/dL", "<1.2", "≤ 40".
_RANGE_TEXT = re.compile(
    r"^\s*(?:(?P<low>\d+(?:\.\d+)?)\s*(?:-|–|to)\s*|(?:<=?|≤)\s*)(?P<high>\d+(?:\.\d+)?)"
    r"\s*(?P<unit>[^\d\s<>=≤≥.,;()][^\s,;()]*)?\s*$"
)


def upper_limit(item: ObservationItem, unit: str | None) -> Quantity | None:
    """The upper limit of normal of a result: its reference range's high bound, else the high
    bound its text states ("10-40 U/L"). A laboratory states a range in its result's unit: a
    bound or a text without a unit is in it."""
    for reference in item.reference_ranges:
        high = reference.high
        if high is not None and high.value:
            return high if high.unit or high.code else Quantity(high.value, unit)
    for reference in item.reference_ranges:
        match = _RANGE_TEXT.match(reference.text or "")
        if match is not None and float(match["high"]) > 0:
            return Quantity(float(match["high"]), match["unit"] or unit)
    return None


def evaluate_lab(criterion: Criterion, ctx: EvalContext) -> Finding:
    name = display(criterion.concept)
    usable = _quantities(ctx, criterion.concept or "")
    if criterion.unit and not criterion.uln_multiple and not is_a_share(criterion.unit):
        # "NEUTROPHILS" in % (a local code, found by name) is the differential, not the count.
        usable = [
            (o, q)
            for o, q in usable
            if not (is_a_share(q.code or q.unit) and not o.code.codes_in(LOINC))
        ]
    if not usable:
        return Finding("unknown", f"no {name} result recorded")
    item, quantity = usable[0]
    assert quantity.value is not None
    loinc = next(iter(item.code.codes_in(LOINC)), None)
    unit = quantity.code or quantity.unit or _sole_reporting_unit(criterion.concept or "")
    stated_value = f"{name} {quantity.label} on {fmt_date(item.date)} ({item.ref})"
    value: float | None
    if criterion.uln_multiple:
        uln = upper_limit(item, unit)
        if uln is None or uln.value is None:
            return Finding(
                "unknown",
                f"{stated_value}: no reference range, so × ULN cannot be computed",
                (item.ref,),
            )
        uln_value = convert(
            uln.value, uln.code or uln.unit, unit, loinc=loinc, concept=criterion.concept
        )
        if uln_value is None:
            return Finding(
                "unknown", f"{stated_value}: ULN unit {uln.unit} not comparable", (item.ref,)
            )
        value = quantity.value / uln_value
        stated = (
            f"{stated_value} = {value:.2g} × ULN ({uln.label}) — required {required(criterion)}"
        )
    else:
        target_unit = criterion.unit
        value = (
            convert(quantity.value, unit, target_unit, loinc=loinc, concept=criterion.concept)
            if target_unit
            else quantity.value
        )
        if value is None:
            return Finding(
                "unknown",
                f"{stated_value}: unit {unit or '(none)'} cannot be compared with {target_unit}",
                (item.ref,),
            )
        stated = f"{stated_value} — required {required(criterion)}"
    stale = freshness(ctx, item.date, criterion.window, ctx.policy.lab_fresh_days)
    if stale:
        return Finding("unknown", f"{stated}; {stale}", (item.ref,))
    if estimate_too_close(criterion, item, value):
        return Finding(
            "unknown",
            f"{stated}; an eGFR near the bound does not show the creatinine clearance",
            (item.ref,),
        )
    straddled = (
        None
        if criterion.uln_multiple or quantity.comparator
        else bound_within_rounding(quantity.value, unit, criterion, loinc=loinc)
    )
    if straddled is not None:
        return Finding(
            "unknown",
            f"{stated}; {quantity.label} is reported to fewer digits than the bound "
            f"{straddled:g} {criterion.unit} needs once converted",
            (item.ref,),
        )
    if quantity.comparator:
        # A bound ("<5", ">60"): every value beyond it must answer alike.
        decided = decides(values_of(value, quantity.comparator), criterion)
        if decided is None:
            return Finding(
                "unknown",
                f"{stated}; a result reported as a bound does not say which side it is on",
                (item.ref,),
            )
        return Finding("met" if decided else "not-met", stated, (item.ref,))
    return Finding("met" if satisfies(value, criterion) else "not-met", stated, (item.ref,))


# Measurements every laboratory and device reports in one unit, so a result without one (Epic's
# eGFR ">60" as a bare string, an echo's LVEF "55") is in that unit. Not HbA1c (% or mmol/mol),
# creatinine, hemoglobin or any count, whose units differ between laboratories and countries.
_SOLE_REPORTING_UNIT_CONCEPTS = frozenset(
    {"egfr-lab", "lvef", "oxygen-saturation", "heart-rate", "bmi"}
)


def _sole_reporting_unit(concept: str) -> str | None:
    """The concept's own unit (observations.json) when it is the only one results come in."""
    if concept not in _SOLE_REPORTING_UNIT_CONCEPTS:
        return None
    return terminology.terminology().concept(concept).unit


# ---------------------------------------------------------------- biomarkers

_GENES = {
    "braf-v600": ("BRAF", "V600"),
    "egfr-mutation": ("EGFR", None),
    "alk-rearrangement": ("ALK", None),
    "ros1-rearrangement": ("ROS1", None),
}
_GENETIC_VARIANT_CODES = {"69548-6", "81252-9"}
_PRESENT = {(LOINC, "LA9633-4")}  # LOINC answer "Present"
_ABSENT = {(LOINC, "LA9634-2")}  # LOINC answer "Absent"


# Hereditary cancer genes: decided only by a genetic test that names the gene it studied.
_HEREDITARY_GENES = {
    "brca1-mutation": "BRCA1",
    "brca2-mutation": "BRCA2",
    "palb2-mutation": "PALB2",
}


def evaluate_biomarker(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or ""
    wanted = criterion.value_concept or "positive"
    if concept == "oncogene-driver":
        return _any_driver(criterion, ctx)
    if concept in _HEREDITARY_GENES:
        return _hereditary(criterion, wanted, ctx)
    if concept in _GENES:
        return _genetic(concept, wanted, ctx)
    matches = ctx.facts.observations.find(concept)
    name = display(concept)
    if not any(_result_concepts(item) for item in matches.items):
        from_diagnosis = _status_in_diagnoses(ctx, concept)
        if from_diagnosis is not None:
            status, condition = from_diagnosis
            stated = (
                f"{name} {status} per {condition.code.label} ({condition.ref}) — required "
                f"{display(wanted)}"
            )
            if status == wanted:
                return Finding("met", stated, (condition.ref,))
            if status in _OPPOSITES.get(wanted, set()):
                return Finding("not-met", stated, (condition.ref,))
    for item in matches.items:
        found = _result_concepts(item)
        if not found:
            continue
        label = item.value.label if isinstance(item.value, Concept) else "result"
        stated = (
            f"{name}: {label} on {fmt_date(item.date)} ({item.ref}) — required {display(wanted)}"
            f"{by_text_note(matches.by_text)}"
        )
        answer = _answer(found, wanted)
        if answer is None:
            return Finding(
                "unknown", f"{stated}; result not interpretable as {wanted}", (item.ref,)
            )
        other = _undated_disagreeing(matches.items, item, wanted, answer)
        if other is not None:
            said = other.value.label if isinstance(other.value, Concept) else "another result"
            return Finding(
                "unknown",
                f"{stated}; but {said} on an unknown date ({other.ref}): which is the latest "
                "cannot be told",
                (item.ref, other.ref),
            )
        return Finding(answer, stated, (item.ref,))
    return Finding("unknown", f"no {name} result recorded")


def _answer(found: frozenset[str], wanted: str) -> Outcome | None:
    if wanted in found:
        return "met"
    if found & _OPPOSITES.get(wanted, set()):
        return "not-met"
    return None


def _undated_disagreeing(
    items: Iterable[ObservationItem],
    chosen: ObservationItem,
    wanted: str,
    answer: Outcome,
) -> ObservationItem | None:
    """An undated interpretable result that says otherwise than the ``chosen`` (latest) one.
    Results are newest first with the undated last: an undated one cannot be placed before or
    after the latest, so when it disagrees the latest status is not known (an export that drops
    the dates must not decide what the dated record leaves open)."""
    for item in items:
        if item is chosen or item.date is not None or item.issued is not None:
            continue
        if _answer(_result_concepts(item), wanted) not in (None, answer):
            return item
    return None


# Receptor status carried by a diagnosis: the ICD-10-CM Z17 codes (PR, HER2 and combined status
# since FY2025; "hormone receptor negative" is ER- and PR-, "positive" says neither alone), or
# Epic's composite display "Malignant neoplasm of right breast in female, estrogen receptor
# positive". Prefixes: Z17.42 covers Z17.420 and Z17.421.
_RECEPTOR_CODES: dict[str, tuple[tuple[str, str], ...]] = {
    "er": (("Z17.0", "positive"), ("Z17.1", "negative"), ("Z17.42", "negative")),
    "pr": (("Z17.21", "positive"), ("Z17.22", "negative"), ("Z17.42", "negative")),
    "her2": (
        ("Z17.31", "positive"),
        ("Z17.32", "negative"),
        ("Z17.410", "positive"),
        ("Z17.411", "negative"),
        ("Z17.420", "positive"),
        ("Z17.421", "negative"),
    ),
}
_RECEPTOR_WORDS = {
    "er": re.compile(r"\b(?:estrogen|oestrogen) receptor[- ](positive|negative)|\bER([+-])", re.I),
    "pr": re.compile(r"\bprogesterone receptor[- ](positive|negative)|\bPR([+-])", re.I),
    "her2": re.compile(r"\bHER-?2(?:/neu)?[- ](positive|negative)|\bHER-?2([+-])", re.I),
}


def _receptor_code_status(concept: str, code: str) -> str | None:
    dotted = code.strip().upper()
    if len(dotted) > 3 and "." not in dotted:
        dotted = f"{dotted[:3]}.{dotted[3:]}"
    for prefix, status in _RECEPTOR_CODES.get(concept, ()):
        if dotted.startswith(prefix):
            return status
    return None


def _status_in_diagnoses(ctx: EvalContext, concept: str) -> tuple[str, ConditionItem] | None:
    words = _RECEPTOR_WORDS.get(concept)
    if words is None:
        return None
    for item in ctx.record.conditions:
        for code in item.code.codes_in(ICD10CM):
            status = _receptor_code_status(concept, code)
            if status:
                return status, item
        for text in (item.code.text, *(c.display for c in item.code.codings)):
            found = words.search(text or "")
            if found:
                sign = (found[1] or found[2] or "").lower()
                return ("positive" if sign in ("positive", "+") else "negative"), item
    return None


def receptor_status(ctx: EvalContext, concept: str) -> tuple[str, str] | None:
    """The latest interpretable ER / PR / HER2 status: (``positive``|``negative``, evidence)."""
    items = ctx.facts.observations.find(concept).items
    for item in items:
        found = _result_concepts(item)
        for status in ("positive", "negative"):
            if status in found:
                if _undated_disagreeing(items, item, status, "met") is not None:
                    return None  # an undated result says otherwise: the latest is not known
                return status, item.ref
    from_diagnosis = _status_in_diagnoses(ctx, concept)
    if from_diagnosis is not None:
        return from_diagnosis[0], from_diagnosis[1].ref
    return None


def _result_concepts(item: ObservationItem) -> frozenset[str]:
    """What a result says ("Positive (95%)", "Not amplified", "IHC 3+", LOINC/SNOMED answers),
    as `positive` / `negative` / `detected` concepts."""
    found: set[str] = set()
    if isinstance(item.value, Concept):
        found |= concepts_of(item.value)
        for text in (item.value.text, *(c.display for c in item.value.codings)):
            if text:
                found |= concepts_of_record_text(text)
    elif isinstance(item.value, str):
        found |= concepts_of_record_text(item.value)
    for interpretation in item.interpretations:
        for coding in interpretation.codings:
            if coding.code in _INTERPRETATION_CONCEPTS and coding.system in (_INTERPRETATION, None):
                found.add(_INTERPRETATION_CONCEPTS[coding.code])
    return frozenset(found)


def _variant_observations(ctx: EvalContext) -> list[ObservationItem]:
    """Genetic variant observations, newest first, looked up in the record's code index."""
    index = ctx.record.observation_index
    found = {id(o): o for code in _GENETIC_VARIANT_CODES for o in index.get((LOINC, code), ())}
    if len(found) <= 1:
        return list(found.values())
    order = {id(o): position for position, o in enumerate(ctx.record.observations)}
    return sorted(found.values(), key=lambda o: order[id(o)])


def _observation_text(item: ObservationItem) -> str:
    parts: list[str] = []
    for component in item.components:
        value = component.value
        if isinstance(value, Concept):
            parts += [value.label, *(c.code or "" for c in value.codings)]
            parts += [c.display or "" for c in value.codings]
        elif isinstance(value, str):
            parts.append(value)
    return " ".join(parts).upper()


def _genetic(concept: str, wanted: str, ctx: EvalContext) -> Finding:
    gene, variant = _GENES[concept]
    name = display(concept)
    absent: ObservationItem | None = None
    unclassed: tuple[ObservationItem, str] | None = None
    for item in _variant_observations(ctx):
        if not _studies(item, gene):
            continue
        present = isinstance(item.value, Concept) and any(k in _PRESENT for k in item.value.keys)
        if not present:
            if isinstance(item.value, Concept) and any(k in _ABSENT for k in item.value.keys):
                absent = absent or item
            continue
        if (significance := not_pathogenic(item)) is not None:
            # A variant of uncertain significance is not "an EGFR mutation" either way.
            unclassed = unclassed or (item, significance)
            continue
        if variant is not None and variant not in _observation_text(item):
            return Finding(
                "unknown",
                f"{gene} variant on {fmt_date(item.date)} ({item.ref}), not shown to be {variant}",
                (item.ref,),
            )
        result: Outcome = "met" if wanted in ("positive", "detected") else "not-met"
        return Finding(
            result, f"{name} reported on {fmt_date(item.date)} ({item.ref})", (item.ref,)
        )
    if unclassed is not None:
        item, significance = unclassed
        return Finding(
            "unknown",
            f"{gene} variant {significance} on {fmt_date(item.date)} ({item.ref}): not a "
            f"{name} either way",
            (item.ref,),
        )
    if absent:
        result = "not-met" if wanted in ("positive", "detected") else "met"
        return Finding(
            result,
            f"{gene} tested, no variant (Absent) on {fmt_date(absent.date)} ({absent.ref})",
            (absent.ref,),
        )
    return Finding("unknown", f"no {name} test result recorded")


def _studies(item: ObservationItem, gene: str) -> bool:
    """Whether a variant observation is about `gene`: its gene-studied components name it (by
    symbol, HGNC ID or approved name); without such a component, its other components' words."""
    studied = genes_studied(item)
    if studied:
        return gene in studied
    text = _observation_text(item)
    return gene in text.replace("HGNC:", " ").split() or gene in text


def _hereditary(criterion: Criterion, wanted: str, ctx: EvalContext) -> Finding:
    """A germline gene (BRCA1, BRCA2, PALB2) from genetic variant Observations that name the gene
    studied (LOINC 48018-6): Present with that gene alone → a variant; Absent → tested without
    one. A germline criterion counts only tests whose genomic source (48002-0) is germline.
    Untested, or a Present result over several genes: unknown."""
    gene = _HEREDITARY_GENES[criterion.concept or ""]
    germline = "germline" in criterion.qualifiers
    name = f"{'germline ' if germline else ''}{gene} variant"
    detected: ObservationItem | None = None
    negative: ObservationItem | None = None
    unclear: ObservationItem | None = None
    uncertain: tuple[ObservationItem, str] | None = None
    for item in _variant_observations(ctx):
        genes = genes_studied(item)
        if gene not in genes or not isinstance(item.value, Concept):
            continue
        source = genomic_source(item)
        if germline and source != "germline":
            continue
        if any(k in _PRESENT for k in item.value.keys):
            if (significance := not_pathogenic(item)) is not None:
                # A variant of uncertain significance, or benign: not a pathogenic variant, and
                # not a test without one either.
                uncertain = uncertain or (item, significance)
            elif genes == {gene}:
                detected = detected or item
            else:
                unclear = unclear or item
        elif any(k in _ABSENT for k in item.value.keys):
            negative = negative or item
    positive = wanted in ("positive", "detected")
    if detected is not None:
        stated = f"{name} reported on {fmt_date(detected.date)} ({detected.ref})"
        return Finding("met" if positive else "not-met", stated, (detected.ref,))
    if unclear is not None:
        return Finding(
            "unknown",
            f"a variant in one of {', '.join(sorted(genes_studied(unclear)))} on "
            f"{fmt_date(unclear.date)} ({unclear.ref}): which gene is not recorded",
            (unclear.ref,),
        )
    if uncertain is not None:
        item, significance = uncertain
        return Finding(
            "unknown",
            f"{gene} variant {significance} on {fmt_date(item.date)} ({item.ref}): not a "
            f"pathogenic variant, nor a test without one",
            (item.ref,),
        )
    if negative is not None:
        stated = f"{gene} tested, no variant (Absent) on {fmt_date(negative.date)} ({negative.ref})"
        return Finding("not-met" if positive else "met", stated, (negative.ref,))
    return Finding("unknown", f"no {name} test result recorded")


def _any_driver(criterion: Criterion, ctx: EvalContext) -> Finding:
    """A driver is detected when any gene shows one; ruled out only when every gene was tested
    without one (a gene never tested leaves the answer open)."""
    wanted = criterion.value_concept or "detected"
    findings = [_genetic(c, "detected", ctx) for c in _GENES]
    positive = wanted in ("positive", "detected")
    present = [f for f in findings if f.result == "met"]
    if present:
        return Finding("met" if positive else "not-met", present[0].reason, present[0].evidence)
    if all(f.result == "not-met" for f in findings):
        evidence = tuple(dict.fromkeys(ref for f in findings for ref in f.evidence))
        reason = "no oncogenic driver: " + "; ".join(f.reason for f in findings)
        return Finding("not-met" if positive else "met", reason, evidence)
    untested = [
        gene
        for (gene, _), f in zip(_GENES.values(), findings, strict=True)
        if f.result == "unknown"
    ]
    return Finding("unknown", f"no oncogenic driver test result recorded for {', '.join(untested)}")
