"""An excluded diagnosis or use with a kind of it taken out: "X other than Y" is all-of(X, TEXT).

Uses (`excepted_use`): a medication, a procedure or a prior therapy with an exception ("except
(for)", "excluding", "other than", "apart from", "with the exception of", "unless") — "Use of
antibiotics within 4 weeks (except for antimalarial prophylaxis)", "Radiotherapy (except
radiotherapy for antalgic purposes) during the last 7 days" — read the same way, the window kept.

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
from fhirtrial.eligibility.rules.any_medication import CONCEPT as ANY_MEDICATION
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


# A use of a medication or a procedure with some of it taken out: "Use of antibiotics within 4
# weeks prior to recruitment (except for antimalarial prophylaxis)", "Radiotherapy (except
# radiotherapy for antalgic purposes) during the last 7 days", "taking vitamin or mineral
# supplements (unless they agree to discontinue supplementation …)", "Current use of
# antidepressants, except for SSRIs". The exception can only take patients out of the use.
_USE_EXCEPTION = re.compile(
    r"(?:,\s*|\s+)(?P<open>\()?\s*(?:except(?:ing)?(?: for)?|excluding|other than|apart from"
    r"|with the exception of|(?:with )?(?:an )?exceptions? (?:for|of)|unless)\b\s*"
)
# A trailing exception (no parenthesis) must say nothing that could belong to the use itself:
# a window or an amount after it may bound the head ("steroids, except inhaled, within 4
# weeks"); a clause about the people taken out ("excluding those who …") is the exception's.
_TRAILING_REFUSAL = re.compile(
    r"\d|\b(?:within|during|prior|before|since|past|last|previous|preceding|months?|weeks?"
    r"|days?|years?)\b"
)
_TAKEN_OUT_PEOPLE = re.compile(
    r"(?:for )?(?:those|patients|subjects|participants|people|individuals|women|men)\b"
)
_USE_KINDS = frozenset({Kind.MEDICATION, Kind.PROCEDURE, Kind.PRIOR_THERAPY})


def excepted_use(
    normalized: str, text: str, read: Callable[[str], Criterion | None]
) -> Criterion | None:
    """all-of(use, TEXT) for an exclusion "use of X except Y", or None.

    The words without the exception must read in full, affirmed, as uses of medications
    (classes or drugs), procedures or prior therapies — one, or a list whose reading holds
    whichever item the exception takes out of ("NSAIDs or anticoagulants (except low-dose
    aspirin)"). Words after the exception that may add an alternative ("anticoagulants
    (excluding aspirin) or dual antiplatelet therapy" when the rest is not read in full, ", or
    antipsychotics" after a trailing exception) refuse. Exclusion bullets only: in an inclusion
    the exception would allow what the reading requires."""
    match = _USE_EXCEPTION.search(normalized)
    if match is None or match.start() == 0:
        return None
    before = normalized[: match.start()].rstrip(" ,")
    if match["open"]:
        close = normalized.find(")", match.end())
        if close < 0 or "(" in normalized[match.end() : close]:
            return None  # the parenthesis must hold the whole exception
        exception = normalized[match.end() : close]
        after = normalized[close + 1 :].strip(" .;,")
        head = f"{before} {after}".strip() if after else before
        if after and (after.startswith(("or ", "and ", "and/or ")) or _REST_SENTENCE.search(after)):
            return None
    else:
        exception = normalized[match.end() :].rstrip(" .;,")
        if _REST_SENTENCE.search(exception):
            return None
        if not _TAKEN_OUT_PEOPLE.match(exception) and _TRAILING_REFUSAL.search(exception):
            return None
        head = before
    if not exception or len(exception) > _MAX_REST or _USE_EXCEPTION.search(exception):
        return None
    if "(" in head or ")" in head or _HEAD_NEGATION.search(head) or re.search(r"[.;:]\s", head):
        return None
    reading = read(head)
    if reading is None or not affirmed(reading) or not uses_only(reading):
        return None
    return kind_of(reading, text)


def uses_only(criterion: Criterion, *, any_medication: bool = True) -> bool:
    """Uses of medications, procedures or prior therapies only, alone or combined: whichever
    item the exception takes out of, the excluded patients are among those the reading meets.
    ``any_medication``: whether "any medication" (no class named) counts as a use."""
    if criterion.kind is Kind.COMBINATION:
        return all(uses_only(c, any_medication=any_medication) for c in criterion.children)
    return criterion.kind in _USE_KINDS and (any_medication or criterion.concept != ANY_MEDICATION)


# What may add an alternative or another requirement after an exception: "or"/"and" after a
# comma, a ";", a new sentence.
_REST_SENTENCE = re.compile(r",\s*(?:and/or|or|and)\b|;|\.\s+\S")
