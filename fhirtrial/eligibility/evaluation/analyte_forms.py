"""Results whose local names name another form, fraction or ratio of an analyte.

A result that reaches an EHR export with only the laboratory's local code is found by its
words ("BILIRUBIN DIRECT", "Calcium, Ionized", "% Free PSA", "BUN/Creatinine Ratio",
"NEUTROPHILS %"). The analyte's name alone would read each as the value a criterion asks for:
a direct bilirubin of 0.2 mg/dL as the total bilirubin (always larger), an ionized calcium of
1.2 mmol/L as a serum calcium of 4.8 mg/dL, a free PSA as the total PSA, a 1,25-dihydroxy
vitamin D in pg/mL as the 25-hydroxy vitamin D. Such a text keeps no concept of that analyte.
LOINC-coded results are read by their code (the code names the form) and never come here.
"""

from __future__ import annotations

import re
from functools import cache

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.evaluation.units import in_base_unit

# Per concept: words naming another form of the analyte than the one the concept measures.
_OTHER_FORMS: dict[str, re.Pattern[str]] = {
    concept: re.compile(pattern, re.IGNORECASE)
    for concept, pattern in {
        "bilirubin": r"\b(?:direct|indirect|conjugated|unconjugated|delta|neonatal)\b",
        "calcium": r"\b(?:ionized|ionised|free)\b",
        "hemoglobin": r"\b(?:a1c?|a2|f|s|fetal|free|plasma|retic\w*|glycated|glycosylated"
        r"|electrophoresis|variants?|fractions?)\b|\bhb?a1c\b",
        "psa": r"\b(?:free|complexed|velocity|doubling)\b",
        "testosterone": r"\b(?:free|bioavailable)\b",
        "magnesium": r"\b(?:rbc|red (?:blood )?cells?|erythrocytes?)\b",
        "potassium": r"\b(?:rbc|red (?:blood )?cells?|erythrocytes?)\b",
        "vitamin-d": r"\b1,?\s?25\b|\bdihydroxy\b|\bcalcitriol\b",
        "tsh": r"\b(?:receptor|antibod\w*|ab|tsi|trab|stimulating immunoglobulin)\b",
        "cortisol": r"\bfree\b",
        "albumin": r"\b(?:electrophoresis|spep|fractions?)\b",
    }.items()
}
# A ratio or product of two measures is neither of them ("BUN/Creatinine Ratio", "A/G ratio",
# "Calcium x Phosphorus product"), and a share ("NEUTROPHILS %", "% Free PSA") is no count.
_RATIO = re.compile(r"\bratio\b|\bproduct\b|\ba/g\b", re.IGNORECASE)
_SHARE = re.compile(r"%|\bpercent(?:age)?\b|\bpct\b", re.IGNORECASE)


def without_other_forms(text: str, concepts: frozenset[str]) -> frozenset[str]:
    """The concepts a result's name gives, less those it names another form, a ratio or a
    share of."""
    if not concepts:
        return concepts
    kept = {c for c in concepts if (p := _OTHER_FORMS.get(c)) is None or not p.search(text)}
    if _RATIO.search(text):
        kept &= _ratio_concepts()
    if _SHARE.search(text):
        kept = {c for c in kept if not _counted(c)}
    return frozenset(kept) if len(kept) != len(concepts) else concepts


@cache
def _ratio_concepts() -> frozenset[str]:
    """Concepts that are themselves a ratio (UACR, UPCR, INR)."""
    return frozenset(
        c.id
        for c in terminology.terminology().concepts.values()
        if c.value_set == "observations"
        and any("ratio" in name.lower() for name in (c.display, *c.synonyms))
    )


@cache
def _counted(concept: str) -> bool:
    """A measure whose unit is no share: a share of it ("%") is another measure."""
    unit = terminology.canonical_unit(concept)
    base = in_base_unit(1.0, unit) if unit else None
    return base is not None and base[1] != "fraction"


def is_a_share(unit: str | None) -> bool:
    """A result unit that is a share (%), not an amount."""
    base = in_base_unit(1.0, unit) if unit else None
    return base is not None and base[1] == "fraction"
