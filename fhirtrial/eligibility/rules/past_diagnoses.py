"""Whether a diagnosis criterion counts a past diagnosis: "History of asthma" does, "Asthma"
leaves it open.

A bare name in a criterion ("Asthma", "Hepatitis B or C infection", "Seizure disorder") usually
means the patient has it; whether a diagnosis recorded as resolved, inactive or in remission
still counts, the text does not say, so the evaluator answers `unknown` for such an entry
(a coordinator asks). Words that say the past counts — "history of", "prior", "previous", "past",
"ever", "had", "lifetime", "at any time", "status post" / "s/p" — give the bullet's diagnoses
the qualifier `history`: a past entry meets them, as before. A window ("within 5 years") or a
qualifier of its own ("active", "uncontrolled") already says which time counts and is left as it
is. Cancers are left out: a cancer's site and histology stay the patient's after treatment
("melanoma of uveal origin" asks which melanoma) — but "another malignancy" is about a second
cancer, and takes `history` like any diagnosis ("Prior malignancy" counts a cured one).
Metastases at a site are not: they are a state of the disease ("History of liver metastases"
counts a resolved entry, "Liver metastases" alone leaves it open).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.metastasis_sites import SITE_CONCEPTS

HISTORY = "history"
OTHER_PRIMARY = "other-primary"
_PAST_COUNTS = re.compile(
    r"\b(?:history|hx|h/o|prior|previous|previously|past|ever|had|lifetime|at any time|s/p"
    r"|status post)\b",
    re.IGNORECASE,
)


# "Past", "prior", "previous" that only count a window back ("in the past 6 months", "within 4
# weeks prior to enrolment", "during the previous year", "3 months prior"): they say when the
# windowed diagnosis counts, not that the past counts for the other diagnoses of the bullet
# ("Myocardial infarction in the past 6 months or unstable angina": unstable angina years ago,
# now resolved, is not what the text excludes).
_WINDOW_PAST = re.compile(
    r"\b(?:(?:with)?in|during|over|for) (?:the )?(?:past|previous|last|prior|preceding) "
    r"(?:(?:\d+(?:\.\d+)?|[a-z]+)[ -])?(?:\(\d+\) )?(?:day|week|month|year)s?\b"
    r"|\b(?:\d+(?:\.\d+)?|[a-z]+)[ -](?:day|week|month|year)s? (?:prior|previous(?:ly)?)\b"
    r"|\b(?:prior|previous) to\b",
    re.IGNORECASE,
)


def with_past_counting(criterion: Criterion | None, text: str) -> Criterion | None:
    """The criterion with `history` on its untimed, unqualified diagnoses when ``text`` says
    the past counts (a word that only counts a window back does not say so)."""
    if criterion is None or not _PAST_COUNTS.search(text):
        return criterion
    if not _PAST_COUNTS.search(_WINDOW_PAST.sub(" ", text)):
        return criterion
    return _marked(criterion)


def _marked(criterion: Criterion) -> Criterion:
    if criterion.kind is Kind.COMBINATION:
        children = tuple(_marked(child) for child in criterion.children)
        if children == criterion.children:
            return criterion
        return replace(criterion, children=children)
    if criterion.kind is not Kind.CONDITION or criterion.window is not None:
        return criterion
    if not criterion.qualifiers and (
        not names_a_neoplasm(criterion.concept) or criterion.concept in SITE_CONCEPTS
    ):
        return replace(criterion, qualifiers=(HISTORY,))
    if criterion.qualifiers == (OTHER_PRIMARY,):
        # "Prior malignancy", "History of another cancer": a cured second cancer counts.
        return replace(criterion, qualifiers=(OTHER_PRIMARY, HISTORY))
    return criterion


@cache
def names_a_neoplasm(concept: str | None) -> bool:
    """A cancer, its site or histology, or a metastasis: below the malignancy concept or coded in
    ICD-10-CM's neoplasm chapter (C00–D49)."""
    if not concept:
        return False
    vocabulary = terminology.terminology()
    if "malignant-neoplasm" in {concept, *vocabulary.ancestors(concept)}:
        return True
    try:
        codings = vocabulary.concept(concept).codings
    except KeyError:
        return False
    codes = [c.code for c in codings if c.system == terminology.ICD10CM_SYSTEM]
    return any(code[:1] == "C" or code[:2] in ("D0", "D1", "D2", "D3", "D4") for code in codes)
