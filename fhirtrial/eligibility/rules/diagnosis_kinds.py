"""Whether a diagnosis concept is a cancer, and whether its own codes name a kind ("acute").

Words such as "acute", "chronic", "recurrent" before a diagnosis either narrow it inside its
own family of codes ("acute heart failure" I50.21 under I50) or name another family ("acute"
renal failure N17 beside chronic N18): a reading that keeps the diagnosis and leaves the word
as text holds only in the first case (`rules.diagnosis_residue`, `rules.narrowing_words`).
"""

from __future__ import annotations

from functools import cache

from fhirtrial.eligibility import terminology


@cache
def malignant(concept: str) -> bool:
    vocabulary = terminology.terminology()
    try:
        return concept == _MALIGNANCY or _MALIGNANCY in vocabulary.ancestors(concept)
    except KeyError:
        return False


_MALIGNANCY = "malignant-neoplasm"


@cache
def codes_the_kind(concept: str, word: str) -> bool:
    """Whether an ICD-10-CM title inside the concept's codes names the kind ("acute")."""
    try:
        codings = terminology.codings(concept)
    except KeyError:
        return False
    codes = [c.code for c in codings if "icd" in c.system.lower()]
    prefixes = tuple(code for code in codes if "-" not in code)
    # A range of categories ("J00-J99": diseases of the respiratory system) holds every code
    # whose category lies between its ends.
    ranges = [tuple(code.split("-", 1)) for code in codes if "-" in code]
    if not prefixes and not ranges:
        return False
    titles = terminology.terminology().icd_titles
    return any(
        word in title.lower()
        and (
            code.startswith(prefixes)
            or any(low <= code[: len(low)] <= high for low, high in ranges)
        )
        for code, title in titles.items()
    )
