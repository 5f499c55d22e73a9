"""What a genetic variant Observation (LOINC 69548-6 / 81252-9) says: which genes it studied and
whether the variant it reports is a disease-causing one.

Genomics reports name the gene studied (component LOINC 48018-6) by its HGNC ID, with a display
that is the symbol ("EGFR") in some systems and the approved name ("epidermal growth factor
receptor", as in the CodeX test patients) in others; both are read, through the HGNC table
(terminology/hgnc_genes.json). A variant reported Present with a clinical significance (component
LOINC 53037-8) of uncertain significance, likely benign or benign is not a mutation in the sense
of an eligibility criterion ("BRCA1 mutation", "EGFR mutation"): it decides nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from fhirtrial.patient.items import ObservationItem
from fhirtrial.patient.values import LOINC, Concept

GENE_STUDIED = "48018-6"
_SIGNIFICANCE = "53037-8"
_GENOMIC_SOURCE = "48002-0"
_SOURCE_ANSWERS = {"LA6683-2": "germline", "LA6684-0": "somatic"}
_HGNC_FILE = Path(__file__).resolve().parent.parent / "terminology" / "hgnc_genes.json"
# LOINC answer list LL4034-6 (ACMG clinical significance): the answers that are not a
# pathogenic variant.
_NOT_PATHOGENIC_ANSWERS = {
    "LA26333-7": "of uncertain significance",
    "LA26334-5": "likely benign",
    "LA6675-8": "benign",
}
_DENIED_PATHOGENIC = re.compile(r"\b(?:non|not)[- ]?pathogenic")
_NOT_PATHOGENIC_WORDS = (
    ("non-pathogenic", "benign"),
    ("nonpathogenic", "benign"),
    ("not pathogenic", "benign"),
    ("uncertain", "of uncertain significance"),
    ("unknown significance", "of uncertain significance"),
    ("vus", "of uncertain significance"),
    ("likely benign", "likely benign"),
    ("benign", "benign"),
)


@cache
def _hgnc() -> tuple[dict[str, str], dict[str, str]]:
    """HGNC ID (upper case, "HGNC:3236" and "3236") and approved name (upper case) → symbol."""
    table = json.loads(_HGNC_FILE.read_text(encoding="utf-8"))["genes"]
    by_id: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for symbol, gene in table.items():
        by_id[gene["id"].upper()] = symbol
        by_id[gene["id"].split(":", 1)[1]] = symbol
        by_name[gene["name"].upper()] = symbol
    return by_id, by_name


def genes_studied(item: ObservationItem) -> set[str]:
    """The genes the observation's gene-studied components name, upper case: per component, the
    HGNC symbols its codes, displays or text stand for (an HGNC ID, a symbol, an approved name);
    a component naming no gene of the table gives its display and text as written."""
    by_id, by_name = _hgnc()
    symbols = set(by_name.values())
    genes: set[str] = set()
    for component in item.components:
        value = component.value
        if (LOINC, GENE_STUDIED) not in component.code.keys or not isinstance(value, Concept):
            continue
        words = [w.strip().upper() for c in value.codings for w in (c.display or "",) if w.strip()]
        if value.text and value.text.strip():
            words.append(value.text.strip().upper())
        codes = [c.code.strip().upper() for c in value.codings if c.code]
        known = {by_id[c] for c in codes if c in by_id}
        known |= {w for w in words if w in symbols} | {by_name[w] for w in words if w in by_name}
        genes |= known or set(words)
    return genes


def not_pathogenic(item: ObservationItem) -> str | None:
    """How the report classes its variant when that is not pathogenic ("of uncertain
    significance", "likely benign", "benign"); None when it is pathogenic or unclassed."""
    for meaning, words in _answers(item, _SIGNIFICANCE, _NOT_PATHOGENIC_ANSWERS):
        if meaning is not None:
            return meaning
        pathogenic = "pathogenic" in words and not _DENIED_PATHOGENIC.search(words)
        if pathogenic and "benign" not in words:
            return None
        for word, said in _NOT_PATHOGENIC_WORDS:
            if word in words:
                return said
    return None


def genomic_source(item: ObservationItem) -> str | None:
    """ "germline" or "somatic" (component LOINC 48002-0), or None when the report does not say."""
    for meaning, words in _answers(item, _GENOMIC_SOURCE, _SOURCE_ANSWERS):
        if meaning is not None:
            return meaning
        for source in ("germline", "somatic"):
            if source in words:
                return source
    return None


def _answers(
    item: ObservationItem, code: str, answers: dict[str, str]
) -> Iterator[tuple[str | None, str]]:
    """For each component of LOINC ``code``: the meaning its coded answer has in ``answers``
    (None when it has none) and its words in lower case."""
    for component in item.components:
        if (LOINC, code) not in component.code.keys:
            continue
        value = component.value
        if isinstance(value, Concept):
            coded = next((answers[c.code] for c in value.codings if c.code in answers), None)
            yield coded, value.label.lower()
        else:
            yield None, str(value or "").lower()
