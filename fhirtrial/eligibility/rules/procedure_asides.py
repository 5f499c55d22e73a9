"""An exclusion's operation followed by examples of it or an exception in parentheses.

"previous uterine surgery (eg: myomectomy)", "previous glaucoma surgery (other than SLT and
ALT)", "Previous laryngeal framework surgery (any type of thyroplasty, arytenoid adduction)":
the words before the parenthesis read in full as an operation done (`rules.procedures`); the
parenthesis names kinds of that operation or the kinds it leaves out. Either way every patient
the bullet excludes has had the operation, so the bullet is all-of(operation, TEXT): not met
when the record holds no such operation (the patient is not excluded by it), unknown otherwise.
An example of an operation is an operation, so the head's concept holds it (the generic
`surgery` any operation, a site's concept its site's operations).

Only in an exclusion (in an inclusion, "No prior surgery (except …)" would turn the exception
into a refusal), only a parenthesis that ends the bullet and opens with a marker of examples,
of an exception or of kinds ("e.g.", "such as", "including", "other than", "except", "any type
of"), and only when the head reads as one operation done, affirmed. Refused (the bullet stays
text): numbers, comparators and times in the parenthesis (every number must be read), negations,
allowances, hedges and populations, a head read as anything but one operation ("bariatric
or gastrointestinal surgery (e.g. …)": which item the examples belong to), and examples no
operation concept holds ("(including biopsy)": biopsies, injections, scopes, lasers and
percutaneous procedures are no surgery to the evaluator; an exception may name them).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind

_ASIDE = re.compile(r"^(?P<head>[^()]+?)\s*\((?P<body>[^()]*)\)\s*[.;,]?\s*$")
_MARKER = re.compile(
    r"^(?:e\.?\s?g\.?|eg|such as|including|for example|for instance|other than"
    r"|except(?: for)?|excluding|any (?:type|kind|form)s? of)(?![\w-])[.:,]?\s*"
)
# Examples the surgery concepts do not hold (docs/eligibility-evaluation.md: biopsies,
# injections, scopes and percutaneous procedures are no surgery): "Prior surgery (including
# biopsy)" would then leave a patient with only a biopsy unexcluded. An exception may name them.
_NOT_AN_OPERATION = re.compile(
    r"biops|inject|laser|endoscop|\w+scop(?:y|ies)\b|catheter|punctur|percutaneous|stent"
    r"|angioplast|transcatheter|endovascular|ablation|block"
)
_EXCEPTION = re.compile(r"^(?:other than|except|excluding)\b")
_REFUSAL = re.compile(
    r"[0-9<>=≤≥%;]|(?<![\w-])(?:no|not|non|without|never|none|unless|if|when|whether|allow\w*"
    r"|permit\w*|accept\w*|eligible|included|enrol\w*|may|might|can|could|would|should|will"
    r"|must|suspect\w*|possible|possibly|probable|risk|within|last|since|before|after|during"
    r"|until|ago|days?|weeks?|months?|years?|recent\w*|planned|scheduled|future|group|cohort"
    r"|arm|healthy|volunteers?|family|relatives?|donors?|reported)(?![\w-])|-free\b"
)


def procedure_with_aside(
    normalized: str, text: str, read: Callable[[str], Criterion | None]
) -> Criterion | None:
    """all-of(the operation before the parenthesis, TEXT), or None.

    ``read`` reads a normalized exclusion clause in full."""
    if "(" not in normalized:
        return None
    match = _ASIDE.match(normalized)
    if match is None:
        return None
    body = match.group("body").strip()
    marker = _MARKER.match(body)
    if marker is None or not body[marker.end() :].strip() or _REFUSAL.search(body):
        return None
    if not _EXCEPTION.match(body) and _NOT_AN_OPERATION.search(body):
        return None  # an example no surgery concept holds
    operation = _one_operation(read(match.group("head")))
    if operation is None:
        return None
    return Criterion(
        Kind.COMBINATION,
        children=(operation, Criterion(Kind.TEXT, source_text=text)),
        combination="all-of",
        source_text=text,
    )


def _one_operation(reading: Criterion | None) -> Criterion | None:
    """The procedure a head reads as, alone or narrowed by TEXT; None for anything else."""
    if reading is None or reading.negated:
        return None
    if reading.kind is Kind.PROCEDURE:
        return reading
    if (
        reading.kind is Kind.COMBINATION
        and reading.combination == "all-of"
        and len(reading.children) == 2
        and reading.children[0].kind is Kind.PROCEDURE
        and not reading.children[0].negated
        and reading.children[1].kind is Kind.TEXT
    ):
        return reading.children[0]
    return None
