"""An excluded diagnosis defined by a bound after "defined as": all-of(diagnosis, TEXT).

"Severe secondary hyperparathyroidism defined as iPTH level > 800 pg/ml", "Severe renal
impairment defined as eGFR<30ml/m.", "severe COPD defined as FEV1 ≤ 50%": the same bullet as
"diagnosis (bound)" (`rules.measured_asides`), the bound written after "(as) defined as / by"
or "characterized by" instead of in parentheses. It reads the same way and only where that one
does, and only when a word of degree (mild, moderate, severe) says the bound grades a diagnosis
named apart from it: in an exclusion, after one affirmed diagnosis, when the bound only
bounds it (`measured_asides.narrows_by_measure`: a number, a comparator or a stage, nothing that
widens, allows, dates or adds an alternative) and does not read in full as a measurement (that
is the lab finder's reading, or text). All-of is not met when the record lacks the diagnosis
and unknown otherwise, so it excludes nobody the text does not; every number stays in the TEXT
member. Never in an inclusion: there the definition may be how the diagnosis is shown ("OSA
defined as AHI > 15"), which a record can hold by the measurement without the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.asides import IGNORE, set_aside
from fhirtrial.eligibility.rules.base import has_any
from fhirtrial.eligibility.rules.measured_asides import (
    is_one_diagnosis,
    measured,
    narrows_by_measure,
)

_GATE = ("defined as", "defined by", "characterized by", "characterised by")
_DEFINED = re.compile(
    r"^(?P<name>[^()]+?),?\s+(?:(?:as|is|was)\s+)?(?:defined|characteri[sz]ed)\s+(?:as|by)\s+"
    r"(?P<body>[^()]+?)[\s.,;]*$"
)
# The bound grades a diagnosis named by a word of degree ("severe COPD defined as FEV1 ≤ 50%"):
# the patient must have the diagnosis and the definition says which degree. Without one the
# definition may say what the diagnosis itself is ("toxic megacolon as defined by a colon
# diameter more than 5.5cm"), which a patient may meet without its code (`rules.diagnosis_residue`
# keeps such a bullet text in either list).
_DEGREE = re.compile(
    r"^(?:(?:presence|diagnosis) of )?(?:(?:very )?(?:mild|moderate|severe)"
    r"(?:(?:-| to |-to-)(?:moderate|severe))?) "
)
# The name must hold no number or comparator of its own (each must be read or stay text) and no
# second clause the definition could belong to.
_NAME_REFUSAL = re.compile(r"[0-9<>≤≥=%/;:]|\b(?:or|and|and/or|either|defined|characteri[sz]ed)\b")


def defined_diagnosis(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """all-of(diagnosis, TEXT) for an exclusion's "<diagnosis> defined as <bound>", or None."""
    if not has_any(normalized, _GATE):
        return None
    if "(" in normalized:  # only an abbreviation or its expansion: "copd (chronic …)"
        aside = set_aside(normalized)
        if aside is None or aside.effect != IGNORE or not aside.restates or aside.method:
            return None
        normalized = aside.rest
    match = _DEFINED.match(normalized)
    if match is None:
        return None
    name, body = match["name"].strip(" ,"), match["body"]
    if not _DEGREE.match(name) or _NAME_REFUSAL.search(name) or not narrows_by_measure(body):
        return None
    read = compile_clause(name)
    if read is None or not is_one_diagnosis(read) or measured(compile_clause(body)):
        return None
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION, children=(read, residue), combination="all-of", source_text=text
    )
