""" "Immunocompromised": a state, not a diagnosis. A coded immunodeficiency (ICD-10-CM D80–D84,
the `immunodeficiency` concept, which holds immunodeficiency due to drugs and to other
conditions) proves it; immunosuppressive drugs, HIV, a transplant, a cancer or its treatment may
make a patient immunocompromised without one. So the word is any-of(immunodeficiency, TEXT): met
on an immunodeficiency, unknown otherwise — in an exclusion and in an inclusion, negated or not,
nobody is ruled in or out on a reading the text does not force. ("HIV positive or otherwise
immunocompromised": HIV is the list's own member.) "Immunocompromising disease" names a cause,
not the state, and is not read.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, has_any

_IMMUNOCOMPROMISED = re.compile(r"(?<![\w-])immun(?:o|e-)compromised(?![\w-])")
_TRIGGERS = ("compromised",)


def find_immune_states(text: str) -> list[Match]:
    if not has_any(text, _TRIGGERS):
        return []
    return [
        Match(_immunocompromised(match.group()), match.start(), match.end())
        for match in _IMMUNOCOMPROMISED.finditer(text)
    ]


def _immunocompromised(words: str) -> Criterion:
    return Criterion(
        Kind.COMBINATION,
        children=(
            Criterion(Kind.CONDITION, concept="immunodeficiency"),
            Criterion(Kind.TEXT, source_text=words),
        ),
        combination="any-of",
    )
