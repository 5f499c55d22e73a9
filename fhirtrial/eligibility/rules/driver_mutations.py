"""Oncogenic driver alterations named by lung-cancer and solid-tumour criteria: EGFR mutation,
ALK and ROS1 rearrangement, alone or in lists ("Known EGFR mutation or ALK rearrangement",
"EGFR, ALK or ROS1 genomic alterations", "EGFR/ALK wild-type").

Each gene is the biomarker concept the evaluator decides from genetic variant Observations
(`evaluation.measures`): a variant reported Present in the gene (detected), or a test of the gene
without one (wild type). A criterion about one kind of variant ("sensitizing EGFR mutation",
"EGFR exon 20 insertion", "T790M", "uncommon EGFR mutations") is narrower than any variant of the
gene: it is not read here, and the bullet stays text, since reading it as the gene would exclude
patients whose variant is another one. A bare "EGFR" is the kidney's eGFR as often as the gene:
only a gene followed (or preceded) by a word of alteration is read.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, has_any

_CONCEPTS = {"egfr": "egfr-mutation", "alk": "alk-rearrangement", "ros1": "ros1-rearrangement"}
_GENE = r"(?:egfr|alk|ros-?1)"
_GENE_LIST = rf"(?P<genes>{_GENE}(?:\s*(?:,|/|or|and/or|and|&)\s*(?:or\s+|and\s+)?{_GENE})*)"
# What the criterion says of the gene: a variant (any), or none (wild type / negative).
_ALTERED = (
    r"(?:gene\s+|genomic\s+|genetic\s+|oncogenic\s+|driver\s+)?"
    r"(?:mutations?(?:[- ]positive)?|mutated|mutant|alterations?|aberrations?|rearrangements?"
    r"|rearranged|fusions?|fusion[- ]positive|translocations?|positive|\+)"
)
_WILD = r"(?:wild[- ]?type|wt|negative|mutation[- ]negative|-)"
_AFTER = re.compile(
    rf"(?<![\w-]){_GENE_LIST}(?:[- ]|\s+)(?:(?P<wild>{_WILD})|(?P<altered>{_ALTERED}))(?![\w-])"
)
_BEFORE = re.compile(
    rf"(?<![\w-])(?:mutations?|alterations?|rearrangements?|fusions?) (?:in|of) (?:the )?"
    rf"{_GENE_LIST}(?: genes?)?(?![\w-])"
)
# Words that name one kind of variant, or a class narrower than any variant, next to a gene.
_SPECIFIC = re.compile(
    r"(?:sensiti[sz]\w*|activating|exon|l858r|t790m|g719\w*|l861q|s768i|del ?19|deletions?"
    r"|insertions?|uncommon|atypical|rare|resistan\w*|classical|common|actionable|targetable"
    r"|amplifi\w*|overexpress\w*|expression|ihc|protein)"
)
_SPECIFIC_NEAR = 40
_TRIGGERS = ("egfr", "alk", "ros")


def find_driver_mutations(text: str) -> list[Match]:
    if not has_any(text, _TRIGGERS):
        return []
    found: list[Match] = []
    for pattern in (_AFTER, _BEFORE):
        for match in pattern.finditer(text):
            if _names_a_kind_of_variant(text, match):
                continue
            wild = pattern is _AFTER and match["wild"] is not None
            if wild and match["wild"] == "-" and not _ends_a_phrase(text, match.end()):
                continue  # "EGFR-TKI", "ALK-inhibitor": a drug, not a result
            if _egfr_positive(pattern, match, wild):
                continue  # "EGFR positive" is the protein by IHC as often as a mutation
            criterion = _genes(match["genes"], "negative" if wild else "detected")
            found.append(Match(criterion, match.start(), match.end()))
    return found


def _egfr_positive(pattern: re.Pattern[str], match: re.Match[str], wild: bool) -> bool:
    return (
        pattern is _AFTER
        and not wild
        and match["altered"] in ("positive", "+")
        and match["genes"].startswith("egfr")
    )


def _genes(named: str, value: str) -> Criterion:
    genes = re.findall(_GENE, named)
    members = tuple(
        Criterion(Kind.BIOMARKER, concept=_CONCEPTS[gene.replace("-", "")], value_concept=value)
        for gene in dict.fromkeys(genes)
    )
    if len(members) == 1:
        return members[0]
    # Several genes: a variant in any of them; wild type, every one.
    if value == "negative":
        return Criterion(Kind.COMBINATION, children=members, combination="all-of")
    return Criterion(Kind.COMBINATION, children=members, combination="any-of")


def _names_a_kind_of_variant(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - _SPECIFIC_NEAR) : match.start()]
    after = text[match.end() : match.end() + _SPECIFIC_NEAR]
    inside = text[match.start() : match.end()]
    return bool(
        _SPECIFIC.search(before.rsplit(",", 1)[-1].rsplit(";", 1)[-1])
        or _SPECIFIC.match(after.lstrip(" (:-"))
        or _SPECIFIC.search(inside)
    )


def _ends_a_phrase(text: str, end: int) -> bool:
    return end >= len(text) or (not text[end].isalnum() and text[end : end + 2] != "-t")
