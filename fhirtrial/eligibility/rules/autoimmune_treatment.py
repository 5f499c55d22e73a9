"""The immunotherapy exclusion "Active autoimmune disease that has required systemic treatment in
the past 2 years (i.e. with use of disease modifying agents, corticosteroids or immunosuppressive
drugs)", read in part.

Two things are necessary for it to exclude: an (active) autoimmune disease on record, and a
systemic disease-modifying, corticosteroid or immunosuppressive drug used in the window. Neither
is sufficient: a corticosteroid course may have treated something else (dexamethasone with
chemotherapy), and the text lists exceptions (vitiligo, type 1 diabetes, physiologic replacement)
that no record states. So the bullet reads as

    all-of(condition:autoimmune-disease[active], any-of(medication:<agent>:w-<window>…), TEXT)

— never `met`; `not-met` when no autoimmune disease is recorded, or when the medications
recorded hold none of the agents in the window (hypothyroidism on levothyroxine, type 1 diabetes
on insulin, psoriasis on topical treatment: replacement and local therapy are none of them);
`unknown` otherwise. Exceptions and "replacement therapy is not systemic treatment" sentences
only narrow what excludes, so the reading stands beside them. It refuses (None: text) when the
words could make the disease or the treatment optional: another alternative ("or a history of
…", "known or suspected"), a hedge, or a window it cannot read.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import has_any, window_before, word_number

_CANONICAL = re.compile(
    r"^(?:(?:patients?|subjects?|participants?)\s+(?:who\s+)?)?(?:(?:has|have|with)\s+)?"
    r"(?:an?\s+)?(?P<active>active\s*,?\s*)?(?:known\s+)?auto-?immune\s+(?:diseases?|disorders?)"
    r"\s+(?:that|which)\s+(?:has|have)\s+required\s+systemic\s+(?:treatment|therapy)\s+"
    r"(?:in|within|during)\s+(?:the\s+)?(?:past|last|previous|preceding)\s+"
    r"(?P<n>\w+)\s+(?P<unit>years?|months?)\b"
)
_PARENTHESES = re.compile(r"\([^()]*\)")
# Words that make the disease or the treatment one alternative among others, or hedge it.
_REFUSED = re.compile(
    r"\b(?:or|suspect\w*|possible|probable|history|documented|syndrome|unless|if|nor)\b"
)
# A sentence that only allows some patients (an exception) narrows what excludes: its "or"
# lists the exceptions, never another way to be excluded.
_EXCEPTION = re.compile(
    r"\b(?:permitted|allowed|eligible|except\w*|not (?:be )?considered|not excluded"
    r"|may (?:be )?(?:enrolled|included|participate)|can (?:be )?(?:enrolled|included))\b"
)
# The systemic agents the text names ("disease modifying agents, corticosteroids or
# immunosuppressive drugs"): the classes the terminology holds and the disease-modifying
# antirheumatic, multiple sclerosis and biologic drugs by ingredient (`drug_names.json`).
_AGENTS = (
    *("systemic-corticosteroid", "immunosuppressant", "tnf-inhibitor"),
    *("methotrexate", "hydroxychloroquine", "sulfasalazine", "leflunomide", "penicillamine"),
    *("auranofin", "cyclophosphamide", "rituximab", "abatacept", "tocilizumab", "sarilumab"),
    *("anakinra", "tofacitinib", "baricitinib", "upadacitinib", "ustekinumab", "secukinumab"),
    *("ixekizumab", "guselkumab", "brodalumab", "vedolizumab", "belimumab", "apremilast"),
    *("natalizumab", "ocrelizumab", "alemtuzumab", "fingolimod", "siponimod", "ozanimod"),
    *("teriflunomide", "dimethyl fumarate", "glatiramer", "cladribine"),
)


def autoimmune_requiring_treatment(normalized: str, text: str) -> Criterion | None:
    """The exclusion read in part (see the module), or None."""
    if not has_any(normalized, ("immune",)):
        return None
    found = _CANONICAL.match(normalized)
    if found is None:
        return None
    n = word_number(found["n"])
    if n is None or n <= 0:
        return None
    rest = normalized[found.end() :]
    while "(" in rest:
        stripped = _PARENTHESES.sub(" ", rest)
        if stripped == rest:
            return None  # an unclosed parenthesis
        rest = stripped
    for sentence in re.split(r"[.;]\s", rest):
        if _REFUSED.search(sentence) and not _EXCEPTION.search(sentence):
            return None
    window = window_before(n, found["unit"])
    disease = Criterion(
        Kind.CONDITION,
        concept="autoimmune-disease",
        qualifiers=("active",) if found["active"] else (),
        source_text=found.group(0),
    )
    agents = tuple(
        Criterion(Kind.MEDICATION, concept=agent, window=window, source_text=agent)
        for agent in _AGENTS
    )
    treated = Criterion(Kind.COMBINATION, children=agents, combination="any-of")
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION,
        children=(disease, treated, residue),
        combination="all-of",
        source_text=text,
    )
