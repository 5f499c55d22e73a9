"""An excluded diagnosis with a kind of it taken out: "X other than Y" is all-of(X, TEXT).

"Neurological condition other than writer's cramp", "Verified cardiac arrhythmia other than
extrasystoles", "Substance use disorder other than nicotine dependence", "Pulmonary disease
other than asthma", "Congenital heart defect, other than PDA and/or patent foramen ovale": the
words before "other than" read in full as a diagnosis; the rest only takes patients out of it.
Read as the bare diagnosis, the bullet would exclude the patients the text keeps (a patient whose
only lung disease is asthma), so it means all-of(diagnosis, TEXT): not met when the record lacks
the diagnosis (the patient is not excluded by it), unknown otherwise — never met, not even by a
code outside the excepted kind, since the text member keeps which codes the exception covers.

Exclusion bullets only: in an inclusion the head may be denied ("No liver disease other than
fatty liver"), and what the exception allows would then be refused. Another malignancy with its
exceptions is `rules.malignancy_exceptions`' (the study's own cancer is set apart there); this
reading leaves malignancy heads alone. It refuses what may add an alternative instead of taking
out: an "or" after a comma or a ";" in the rest ("… other than asthma, or diabetes"), a new
sentence, an allowance, examples (`rules.example_lists`'), and a head with a negation or
anything but one diagnosis in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.narrowing_words import affirmed, kind_of

# "X other than Y", "X, other than Y", "X (other than Y)".
_EXCEPT = re.compile(r"\s*,?\s*(?P<open>\()?(?<![\w-])other than (?!those\b|that\b|the ones\b)")
_REST_REFUSAL = re.compile(
    r",\s*(?:and/or|or|and)\b|;|\.\s+\S|:\s*\S"
    r"|\b(?:allowed|permitted|acceptable|eligible|may be (?:included|enrol+ed)|can be included)\b"
    # Examples after the exception are `rules.example_lists`' to weigh ("Neurological disease
    # other than epilepsy (e.g., stroke)": the example may be coded outside the class).
    r"|\b(?:e\.?g|eg|such as|including|for example|for instance|like)\b"
)
_HEAD_NEGATION = re.compile(
    r"(?<![\w-])(?:no|not|non|without|never|free|negative|neither|nor|none|absence)\b"
)
_MALIGNANT = frozenset({"malignant-neoplasm", "other-primary", "metastatic-disease"})
_MAX_REST = 160


def excepted_diagnosis(
    normalized: str, text: str, read: Callable[[str], Criterion | None]
) -> Criterion | None:
    """all-of(diagnosis, TEXT) for an exclusion "diagnosis other than a kind of it", or None.

    ``read`` reads a normalized exclusion clause in full."""
    if "other than" not in normalized:
        return None
    match = _EXCEPT.search(normalized)
    if match is None or match.start() == 0:
        return None
    head = normalized[: match.start()].rstrip(" ,")
    rest = normalized[match.end() :].rstrip(" .;,")
    if match["open"]:
        if not rest.endswith(")") or "(" in rest or ")" in rest[:-1]:
            return None  # the parenthesis must hold the whole exception
        rest = rest[:-1]
    if "(" in head or ")" in head:
        return None
    if not rest or len(rest) > _MAX_REST or _REST_REFUSAL.search(rest):
        return None
    if "other than" in rest or _HEAD_NEGATION.search(head) or re.search(r"[.;:]\s", head):
        return None
    reading = read(head)
    if reading is None or not affirmed(reading) or not _diagnoses_only(reading):
        return None
    return kind_of(reading, text)


def _diagnoses_only(criterion: Criterion) -> bool:
    """One diagnosis, not a malignancy: in a list the exception may take out of any item."""
    return criterion.kind is Kind.CONDITION and criterion.concept not in _MALIGNANT
