"""An exclusion that names an age group with a standard definition: "Minors", "Neonates".

- "Minors", "Minor", "Minor patients", "Patients who are minors": under 18 years. The UN
  Convention on the Rights of the Child (art. 1) makes a child "every human being below the age
  of eighteen years", and ClinicalTrials.gov's Child age group is birth to 17 years.
- "Neonates", "Newborns", "Newborn infants": under 28 days. The neonatal period is "the first
  28 days of life" (WHO; ICH E11 "newborn infants: 0 to 27 days").

Read in exclusion bullets (and exclusion list items) only, and only when the bullet is the group
alone. An exclusion read narrower than its text at worst leaves a patient it excludes as
eligible: where majority comes later (19, 20 or 21 in some countries and states) an 18-year-old
minor is not excluded; a preterm infant still called a neonate past 28 days is not excluded.
In an inclusion the same readings would be wider than the text — they would fail an 18-year-old
minor, or a 6-week-old preterm "neonate" — so inclusion bullets stay as the other readings leave
them. Groups with no single standard cut-off (infant, child, adolescent, teenager, elderly) are
not read here.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind

_WHO = r"(?:patients?|subjects?|participants?|individuals?|persons?|people|volunteers?)"
_MINORS = re.compile(
    rf"^(?:(?:{_WHO} (?:who are|that are|being) )?minors|minor(?: {_WHO})?|{_WHO} who is a minor)"
    r"\s*[.;]?$"
)
_NEONATES = re.compile(r"^(?:neonates?|newborns?|newborn (?:infants?|babies|baby))\s*[.;]?$")


def population_age(normalized: str) -> Criterion | None:
    """The age an exclusion bullet that is only "Minors" or "Neonates" excludes, or None."""
    if normalized.startswith(("minor", "neonat", "newborn")) or " minor" in normalized:
        if _MINORS.match(normalized):
            return Criterion(Kind.AGE, comparator="<", value=18.0, unit="a")
        if _NEONATES.match(normalized):
            return Criterion(Kind.AGE, comparator="<", value=28.0, unit="d")
    return None


__all__ = ["population_age"]
