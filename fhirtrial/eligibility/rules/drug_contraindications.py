"""A contraindication to a named drug, said without an allergy word: "Contraindication to
allopurinol", "contraindication for misoprostol", "any contraindication to carvedilol, or
atorvastatin", "Contra-indication to colchicine: …".

A known allergy (hypersensitivity) to a drug is a contraindication to it in every drug's label,
and the only one a record states as such; the other contraindications (renal failure for
gadolinium, an interaction, a pregnancy …) are judgement over the whole record. The bullet is
any-of(allergy to each drug, TEXT), as `rules.medications` reads "contraindication or allergy to
ibuprofen": an allergy meets it, and a patient with none is unknown, never "not met".

Only drugs and drug classes: a "contraindication to food intake" or "to tape" is no allergy to
food or to adhesive (a peanut allergy is no contraindication to eating).
"""

from __future__ import annotations

# Every contraindication lead holds one of these (a cheap test before the allergy scan).
GATE = ("contraindicat", "contra-indicat")
# Allergens of `rules.medications` that are not drugs: their allergy is not a contraindication
# to what the text names ("contraindication to oral food", "to adhesive tape").
_NOT_DRUGS = frozenset(
    {
        *("latex", "peanut", "egg", "soy", "milk", "sesame-oil", "sesame", "shellfish"),
        *("fish", "tree-nut", "wheat", "nickel", "adhesive", "food"),
    }
)


def said(words: str) -> bool:
    """Whether a lead's words say a contraindication (with or without an allergy word)."""
    return "contraindicat" in words or "contra-indicat" in words


def all_drugs(concepts: list[str]) -> bool:
    """Whether every substance named is a drug, whose allergy contraindicates it."""
    return not any(concept in _NOT_DRUGS for concept in concepts)
