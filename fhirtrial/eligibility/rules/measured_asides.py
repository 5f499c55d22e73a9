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
measurement is the measurement, read by the lab finder, or text (a score: the next paragraph).

**A bound that defines the words before it** (`measured_requirement`): "Presence of prenatal
depression (EPDS score >= 10)", "diagnosis of mild to moderate ischemic stroke (NIHSS < 16)",
"positive MDD screen (PHQ-9 >= 5)": when the parentheses read in full as one score, the
patient must meet it whatever the words before it say (they name what the measurement defines
or grades), so the bullet reads all-of(score, TEXT) in either list — only the score of a
questionnaire or scale (no unit) with a LOINC code in the shipped terminology (PHQ-9, EPDS,
NIHSS; not "HDRS", "ASA class", "Hoehn and Yahr", which the terminology holds by name only).
Never an analyte: a name a lab value defines ("Dyslipidemia (LDL > 190 mg/dL)", "hypoglycaemia
(glucose < 3 mmol/L)") is one that treatment or time moves the value out of, so the latest value
would not say whether the patient has it; a score measures the state the words describe now.
The words before it stay in the residue (the score may define the diagnosis, whose code a record
may lack). An inclusion is then not met when the score clearly is not; an exclusion excludes nobody
the text does not. Refused when anything could make the bound optional, another moment's or
someone else's: a number or comparator outside the parentheses, a second parenthesis, "or" /
"/" / "either", an allowance, a subgroup, and words that move the measurement in time ("at
admission", "during", "recurrent", "episodes", "sustained", "history", "treated", "pre-/post-…":
the latest value on record would not be the one the text means).

`narrows_by_measure` tells whether a parenthesis body is such a bound: a number, a comparator
or a stage/grade/class word, and nothing that could widen, except, allow, negate, date, hedge,
give examples or change the population (those stay `rules.asides`' refusals). An "or" / "and"
may only join values ("stages III or IV", "grade 1 or 2"): "(or on antihypertensives)" adds an
alternative, which all-of would drop. The caller applies it only to a bullet
whose rest reads as one affirmed diagnosis (`is_one_diagnosis`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility import terminology
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


_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_OUTSIDE_REFUSAL = re.compile(
    rf"\b(?:{ASIDE_REFUSAL_WORDS}|or|and/or|i\.?e|ie|vs|versus|for|in"
    r"|recurr\w*|episod\w*|attacks?|sustained|persistent\w*|transient|intermittent|symptoms?"
    r"|admission|admitted|arrival|presentation|onset|baseline|screening|discharge|injury"
    r"|treat\w*|therap\w*|resuscitat\w*|pre-\w*|post-\w*|preop\w*|postop\w*|pretreat\w*"
    r"|postpartum|at|on|off|despite|while)\b"
    r"|[0-9<>≤≥=%±~+/\[\]]"
)


def measured_requirement(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """all-of(measurement, TEXT) for "<words> (<one bound read in full>)", or None."""
    if "(" not in normalized or normalized.count("(") != 1:
        return None
    aside = _PARENTHESIS.search(normalized)
    if aside is None or not _MEASURE.search(aside.group(1)) or _REFUSAL.search(aside.group(1)):
        return None  # (its "and" may be a scale's name: "Hoehn and Yahr"; it must read in full)
    outside = f"{normalized[: aside.start()]} {normalized[aside.end() :]}"
    if _OUTSIDE_REFUSAL.search(outside) or not _WORDS.search(outside):
        return None
    read = compile_clause(aside.group(1).strip())
    if read is None or read.kind is not Kind.LAB or read.negated or read.window is not None:
        return None
    if read.unit not in _SCORE_UNITS or not _has_loinc(read.concept):
        return None  # an analyte ("Dyslipidemia (LDL > 190 mg/dL)"), a score with no LOINC code
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION, children=(read, residue), combination="all-of", source_text=text
    )


_WORDS = re.compile(r"[a-z]{3,}")
_LOINC = "http://loinc.org"
# A scored instrument's bound has no unit (or the unit 1): a questionnaire or scale.
_SCORE_UNITS = frozenset({None, "1", "{score}"})


def _has_loinc(concept_id: str | None) -> bool:
    if concept_id is None:
        return False
    try:
        codings = terminology.concept(concept_id).codings
    except KeyError:
        return False
    return any(coding.system == _LOINC for coding in codings)
