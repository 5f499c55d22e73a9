"""A neonatal population born at a gestational age: "Preterm infants born before 32 weeks of
gestation", "Neonates born at < 30 weeks gestation", "Premature babies born between 26 and 34
weeks of gestation".

The gestational age at birth is the patient's own measure (`rules.obstetric`); the population
words before it say more — an infant or a neonate now, preterm — which no bound in the bullet
states. An inclusion bullet so written reads as all-of(gestational age at birth, TEXT): the
measure is necessary, the rest stays for the reader. Only when the words before "born" are
population words and nothing else, and the rest reads in full as that measure alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.obstetric import GESTATIONAL_AGE_AT_BIRTH

_LEAD = re.compile(
    r"^(?:(?:all|healthy|hospitali[sz]ed|live|liveborn|singleton|very|extremely|moderately"
    r"|late|preterm|pre-term|premature)\s+)*"
    r"(?:infants?|neonates?|newborns?|new-borns?|babies|baby|children)\s+"
    r"(?:(?:who|that)\s+(?:were|was|are|is)\s+)?(?=born\b)"
)

ReadClause = Callable[[str], Criterion | None]


def born_population(normalized: str, text: str, read_clause: ReadClause) -> Criterion | None:
    """all-of(gestational age at birth, TEXT) for an inclusion bullet "<population> born …",
    or None."""
    if "born" not in normalized or (lead := _LEAD.match(normalized)) is None:
        return None
    rest = normalized[lead.end() :].rstrip(" .;")
    read = read_clause(rest)
    if read is None or read.negated:
        return None
    if read.kind is not Kind.LAB or read.concept != GESTATIONAL_AGE_AT_BIRTH:
        return None
    members = (read, Criterion(Kind.TEXT, source_text=text))
    return Criterion(Kind.COMBINATION, children=members, combination="all-of", source_text=text)


__all__ = ["born_population"]
