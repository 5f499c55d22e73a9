"""A diagnosis named as what a treatment is for: "Treatment for seizure disorders", "People
under treatment for hypertension", "being treated for heart failure, coronary artery disease or
atrial fibrillation".

The finders read the diagnosis and "treatment", "treated", "for" are filler words, so the bullet
read as the bare diagnosis: a patient with the diagnosis but no treatment for it (diet-controlled
diabetes, epilepsy in remission off drugs) met an exclusion the text does not make. Being treated
for a diagnosis requires having it, and a record seldom says what a medication treats
(docs/eligibility-evaluation.md), so the bullet means all-of(diagnosis, TEXT): not met without
the diagnosis, unknown with it — in either list.

A duration after "for" ("hypertension treated for >= 6 months") says how long, not what for: not
this reading. Only a reading made of diagnoses is narrowed ("Statin therapy for > 2 years" is a
medication's)."""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import has_any

_TREATED_FOR = re.compile(
    r"\b(?:treat(?:ed|ment|ments|ing)?|therap(?:y|ies)|managed|medicated)\s+for\s+"
    r"(?![<>≤≥=\d]|(?:more|less|longer|shorter|at least|at most|over|up to|a (?:minimum|maximum)"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|many)\b)"
)


def treated_for(normalized: str) -> bool:
    """Whether the text names a diagnosis as what a treatment is for."""
    return has_any(normalized, (" for ",)) and _TREATED_FOR.search(normalized) is not None


def only_diagnoses(criterion: Criterion) -> bool:
    """Whether every leaf of a reading is a diagnosis."""
    if criterion.kind is Kind.COMBINATION:
        return bool(criterion.children) and all(only_diagnoses(c) for c in criterion.children)
    return criterion.kind is Kind.CONDITION and not criterion.negated
