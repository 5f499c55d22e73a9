"""A diagnosis narrowed by a threshold, a stage or a class in parentheses: never the bare name.

"Chronic renal failure (clearance <60 mL/min)", "Severe asthma (> GINA 2)", "Hypertrophic
cardiomyopathy (diastolic septal thickness > 15 mm)", "Venous insufficiency (stages 3 and 4)",
"Diagnosed hypertension (grade 1 or 2 according to ESH/ESC 2013 guidelines)": the name before
the parentheses reads in full; the parentheses say which of those patients are meant, by a
number or a grade no finder reads with the name.
`rules.asides` refuses a number in parentheses (every number must be read or stay text); this
module keeps it as a member: in an exclusion the bullet means all-of(diagnosis, TEXT). Never the
diagnosis alone: that would exclude more patients than the text. All-of is not met when the
record lacks the diagnosis (the patient then lacks the narrower kind too) and unknown
otherwise, so it excludes nobody the text does not. Not in an inclusion: the bound may define
the diagnosis ("OSA (AHI > 15)"), which a record can show by the measurement without the code,
and all-of would then fail a patient the text admits. Not when the parentheses read in full as
a measurement ("Dyslipidemia (LDL > 190 mg/dL)", "Anemia (Hb < 9 g/dL)"): a name defined by a
measurement is the measurement, read by the lab finder, or text.

`narrows_by_measure` tells whether a parenthesis body is such a bound: a number, a comparator
or a stage/grade/class word, and nothing that could widen, except, allow, negate, date, hedge,
give examples or change the population (those stay `rules.asides`' refusals). An "or" / "and"
may only join values ("stages III or IV", "grade 1 or 2"): "(or on antihypertensives)" adds an
alternative, which all-of would drop. The caller applies it only to a bullet
whose rest reads as one affirmed diagnosis (`is_one_diagnosis`).
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.vocabulary import ASIDE_REFUSAL_WORDS

# Cheap gate: a digit, a comparator or one of these words before any regex runs.
_STAGE_WORDS = ("stage", "grade", "class", "gold ", "nyha", "ceap", "child-pugh", "score")
_MEASURE = re.compile(
    r"\d|[<>≤≥=]|\b(?:stages?|grades?|class(?:es)?|gold|nyha|ceap|child-pugh)\b"
    r"|\b(?:less|more|greater|fewer|higher|lower|under|over|above|below) than\b"
)
_REFUSAL = re.compile(
    rf"\b(?:{ASIDE_REFUSAL_WORDS}|i\.?e|ie|age|aged"
    r"|on|taking|using|receiving|requir\w*|need\w*|therapy|treatment|medications?|drugs?)\b"
    r"|[;:\[\]]|-(?:free|negative)\b"
)
# An "or" / "and" / "," may only join values: what follows it must be a number, a comparator,
# a roman numeral or a stage word (then a value), never a new alternative.
# A "/" between letters is a unit or a pair of names ("ml/min", "esh/esc"), not a join.
_JOINED = re.compile(r"(?:\b(?:and/or|or|and|to)\b|,|(?<![a-z])/|/(?![a-z]))\s*(?P<next>\S+)")
_VALUE = re.compile(
    r"^(?:[<>≤≥=]|\d|(?:i{1,3}|iv|v|vi{0,3})\b|(?:stages?|grades?|class(?:es)?|gold|nyha)\b"
    r"|(?:esh|esc|who|ada|gina|kdigo)\b)"
)


def narrows_by_measure(body: str) -> bool:
    """Whether a normalized parenthesis body only bounds the diagnosis before it."""
    if not any(c.isdigit() or c in "<>≤≥=" for c in body) and not any(
        w in body for w in _STAGE_WORDS
    ):
        return False  # cheap gate: no number, comparator or stage word
    if not _MEASURE.search(body) or _REFUSAL.search(body):
        return False
    return all(_VALUE.match(m["next"]) for m in _JOINED.finditer(body))


def is_one_diagnosis(criterion: Criterion) -> bool:
    """One affirmed condition leaf: the name the parentheses narrow."""
    return criterion.kind is Kind.CONDITION and not criterion.negated


def measured(criterion: Criterion | None) -> bool:
    """Whether a reading of the parentheses holds any measurement (a lab, a scale)."""
    if criterion is None:
        return False
    if criterion.kind is Kind.COMBINATION:
        return any(measured(child) for child in criterion.children)
    return criterion.kind is Kind.LAB
