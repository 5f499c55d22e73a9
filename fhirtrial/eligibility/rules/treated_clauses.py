"""An exclusion's diagnosis followed by what treats or controls it: all-of(diagnosis, TEXT).

"chronic pain (treated by non steroidal anti inflammatory drugs, opioids, neuroleptic drugs,
antidepressant or anticonvulsants)", "T2D controlled by medication other than metformin": the
words before the participle read in full as diagnoses; the participle says which of those
patients are meant (those on some treatment), and a record seldom says what a medication treats
(`rules.treated_diagnoses`). Every patient the bullet excludes has the diagnosis, so the bullet
is all-of(diagnosis, TEXT): not met without it (the patient is not excluded by it), unknown
otherwise. `rules.narrowing_clauses` reads "that is being treated with …"; this reads the bare
participle, after a comma or in parentheses, and lets the clause name drugs (which there narrow
the diagnosis, not stand as alternatives).

Exclusion only. Refused (the bullet stays text): a number or comparator in the clause (a dose
no reader placed), a negation, an allowance or a hedge, another diagnosis, procedure or lab in
the clause (an alternative the TEXT member would hide: "hypertension treated with medication,
or diabetes"), a head ending on a connective or a verb ("past history of thyroid diseases, or
were treated with amiodarone …": the participle is an item of its own) or with nothing but filler
after its last connective, and a head that is not diagnoses alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.diagnosis_contexts import affirmed_diagnoses
from fhirtrial.eligibility.rules.narrowing_clauses import open_alternative

TRIGGERS = ("treated ", "controlled ", "managed ")

_TREATED = re.compile(
    r"^(?P<head>[^()]+?)\s*(?:,\s*|\(\s*)?(?P<clause>(?<![\w-])(?:treated|controlled|managed)"
    r" (?:with|by) (?P<tail>[^()]+?))\s*\)?\s*[.;,]?\s*$"
)
_REFUSAL = re.compile(
    r"[0-9<>=≤≥%;:]|(?<![\w-])(?:no|not|without|never|none|unless|if|when|whether"
    r"|allow\w*|permit\w*|accept\w*|eligible|may|might|can|could|would|should|will|must"
    r"|suspect\w*|possible|possibly|risk|planned|scheduled|future|family|history|previous\w*"
    r"|prior|past|within|before|after|during|since|until|days?|weeks?|months?|years?)(?![\w-])"
)
# A head that ends on a connective or a verb: the participle is an item of its own ("…, or were
# treated with amiodarone"), or says who ("patients who were treated with …").
_LINKED = re.compile(
    r"(?<![\w-])(?:or|and|and/or|nor|were|was|are|is|be|been|being|who|that|which|have|has|had)$"
)
# What the clause may name: the treatments themselves.
_TREATMENT_KINDS = frozenset({Kind.MEDICATION, Kind.PRIOR_THERAPY, Kind.TEXT})


def treated_diagnosis(
    normalized: str,
    text: str,
    read: Callable[[str], Criterion | None],
    found: Callable[[str], set[Kind]],
) -> Criterion | None:
    """all-of(the diagnoses before "treated / controlled / managed with|by …", TEXT), or None.

    ``read`` reads a normalized exclusion clause in full; ``found`` gives the kinds of what the
    finders read in a text."""
    match = _TREATED.match(normalized)
    if match is None or _REFUSAL.search(match.group("clause")):
        return None
    if not found(match.group("tail")) <= _TREATMENT_KINDS:
        return None  # a diagnosis, procedure or lab in the clause: maybe an alternative
    words = match.group("head").strip(" ,")
    if _LINKED.search(words) or open_alternative(words):
        return None  # "thyroid diseases, or were treated with …": the clause is an item
    head = read(words)
    if head is None or not affirmed_diagnoses(head, dated=True):
        return None
    return Criterion(
        Kind.COMBINATION,
        children=(head, Criterion(Kind.TEXT, source_text=text)),
        combination="all-of",
        source_text=text,
    )
