"""The sex a bullet's population implies, added to an age read in part.

"Postmenopausal women aged 50 or older", "Female outpatients aged 18-65 years", "Healthy male
volunteers >= 18 years", "Female DoD beneficiaries age 18 years or older": the other readings
give all-of(age, TEXT) — the population words are no record's — and leave the sex out, which the
bullet requires of every patient. `with_population_sex` adds it when the bullet opens with one
sex (after adjectives that only describe the population: "postmenopausal", "healthy", "adult")
and names no other sex, gender identity or other person anywhere ("women and men", "male or
female", "transgender women", "women and their partners", "mothers of …").
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind

_LEAD = re.compile(
    r"^(?:(?:all|healthy|adult|elderly|older|young|ambulatory|community-dwelling|hospitali[sz]ed"
    r"|postmenopausal|post-menopausal|premenopausal|pre-menopausal|perimenopausal"
    r"|peri-menopausal|non-pregnant|nonpregnant|sedentary|overweight|obese)\s+)*"
    r"(?P<sex>women|woman|females?|men|man|males?)\b"
)
_FEMALE_ONLY = ("postmenopausal", "post-menopausal", "premenopausal", "pre-menopausal")
_REFUSAL = re.compile(
    r"\b(?:women|woman|females?|men|man|males?|boys?|girls?|both|either|any|sex|sexes|gender\w*"
    r"|trans\w*|intersex|non-binary|nonbinary|partners?|spouses?|wives|wife|husbands?|mothers?"
    r"|fathers?|parents?|caregivers?|couples?|pairs?|dyads?|their|msm|who have sex)\b|/"
)


def with_population_sex(read: Criterion, normalized: str) -> Criterion:
    """``read`` (all-of(age…, TEXT) from the partial readings) with the sex of the bullet's
    population, or ``read`` unchanged."""
    if read.kind is not Kind.COMBINATION or read.combination != "all-of" or read.negated:
        return read
    if read.cohort or not any(c.kind is Kind.AGE for c in read.children):
        return read
    if any(c.kind is Kind.SEX for c in read.children):
        return read
    lead = _LEAD.match(normalized)
    if lead is None or _REFUSAL.search(normalized, lead.end()):
        return read
    word = lead["sex"]
    female = word.startswith(("wom", "fem"))
    if not female and normalized.startswith(_FEMALE_ONLY):
        return read  # "postmenopausal men": not for this reading to say
    sex = Criterion(Kind.SEX, value_concept="female" if female else "male")
    return Criterion(
        Kind.COMBINATION,
        children=(sex, *read.children),
        combination="all-of",
        source_text=read.source_text,
    )


__all__ = ["with_population_sex"]
