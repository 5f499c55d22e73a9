"""What a recorded malignancy is, relative to the cancer a study is about.

"Another primary malignancy" criteria need to tell, for each cancer on the problem list, whether
it is the study's own cancer (the primary, its recurrence, a histology of it), a metastasis
(a site the cancer spread to: "Secondary malignant neoplasm of liver", ICD-10-CM C77–C79), a
different primary ("Malignant neoplasm of prostate"), or too vague to say ("Cancer", C80.1).
EHRs list metastases and the primary as separate Conditions, and code many by site only, so the
answer comes from the concepts of codes *and* words (`facts.condition_concepts`) and, for
ICD-10-CM, from the chapter's structure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Literal

from fhirtrial.eligibility import terminology
from fhirtrial.patient.items import ConditionItem
from fhirtrial.patient.values import ICD10CM

CancerKind = Literal["own", "secondary", "other", "unclear"]

MALIGNANCY = "malignant-neoplasm"
METASTATIC = "metastatic-disease"

# ICD-10-CM neoplasm chapter: C00–C76 primaries by site, C7A neuroendocrine, C81–C96 blood and
# lymphoid; C77–C79 and C7B secondary; C80 without site.
_ICD_SECONDARY = re.compile(r"^C(?:7[789]|7B)", re.IGNORECASE)
_ICD_UNSPECIFIED = re.compile(r"^C80", re.IGNORECASE)
_ICD_PRIMARY_BY_SITE = re.compile(r"^C(?:[0-6]\d|7[0-6]|7A|8[1-9]|9[0-6])", re.IGNORECASE)
# Words that name no site or type: what is left of "Malignant (primary) neoplasm, unspecified
# (HCC)" once they are removed is nothing, of "Malignant tumor of prostate" "prostate".
_GENERIC_WORDING = (
    "malignant malignancy malignancies neoplasm neoplasms neoplastic tumor tumour tumors "
    "cancer cancers carcinoma disease disorder primary unspecified unknown site sites origin "
    "nos of the with without and or in hcc code active history personal status new diagnosis "
    "diagnosed other "
)
_GENERIC_WORDS = frozenset(_GENERIC_WORDING.split())


@cache
def descendants(concept_id: str) -> frozenset[str]:
    """Every concept this one includes, directly or not."""
    vocabulary = terminology.terminology()
    return frozenset(
        other for other in vocabulary.concepts if concept_id in vocabulary.ancestors(other)
    )


@cache
def compatible_with(concepts: tuple[str, ...]) -> frozenset[str]:
    """The concepts a recorded cancer may carry and still be one of ``concepts``: the concept,
    its descendants (a histology of it) and its ancestors short of the generic root (a lung
    cancer whose histology is not recorded may be the study's NSCLC)."""
    vocabulary = terminology.terminology()
    found: set[str] = set()
    for concept_id in concepts:
        found.add(concept_id)
        found |= descendants(concept_id)
        found |= {a for a in vocabulary.ancestors(concept_id) if not vocabulary.is_root(a)}
    return frozenset(found)


def cancer_types(concepts: Iterable[str]) -> frozenset[str]:
    """The cancer types among ``concepts`` (below `malignant-neoplasm`), metastasis concepts
    and the generic root left out."""
    vocabulary = terminology.terminology()
    secondary = {METASTATIC, *descendants(METASTATIC)}
    return frozenset(
        c
        for c in concepts
        if c != MALIGNANCY and c not in secondary and MALIGNANCY in vocabulary.ancestors(c)
    )


def classify(item: ConditionItem, concepts: frozenset[str], own: tuple[str, ...]) -> CancerKind:
    """Whether a recorded malignancy is the study's own cancer, a metastasis, another primary
    or unclear. ``concepts``: every concept of the item (codes and words)."""
    types = cancer_types(concepts)
    if types & compatible_with(own):
        return "own"
    if types:
        return "other"
    codes = [code.strip().upper() for code in item.code.codes_in(ICD10CM)]
    if METASTATIC in concepts or any(_ICD_SECONDARY.match(code) for code in codes):
        return "secondary"
    if any(_ICD_PRIMARY_BY_SITE.match(code) for code in codes):
        return "other"
    if any(_ICD_UNSPECIFIED.match(code) for code in codes):
        return "unclear"
    return "other" if _names_a_site(item) else "unclear"


def _names_a_site(item: ConditionItem) -> bool:
    texts = [item.code.text or "", *(c.display or "" for c in item.code.codings)]
    for text in texts:
        words = re.findall(r"[a-z]+", text.lower())
        if any(word not in _GENERIC_WORDS and len(word) > 2 for word in words):
            return True
    return False


def less_specific_than(
    concepts: frozenset[str], item: ConditionItem, wanted: str, *, primary_unnamed: bool = False
) -> bool:
    """Whether a recorded diagnosis may be ``wanted`` but does not say so: a lung cancer without
    histology for an NSCLC criterion, a cancer of unrecorded site for a melanoma criterion, and
    — when no entry of the record names a primary (``primary_unnamed``) — a metastasis.
    A diagnosis naming a different type of the same family (small-cell for NSCLC) is not."""
    vocabulary = terminology.terminology()
    ancestors = vocabulary.ancestors(wanted)
    if not ancestors:
        return False
    types = cancer_types(concepts)
    specific = {t for t in types if not (descendants(t) & types)}
    for ancestor in ancestors & concepts:
        if vocabulary.is_root(ancestor):
            vague = ("unclear", "secondary") if primary_unnamed else ("unclear",)
            if ancestor == MALIGNANCY and not types and classify(item, concepts, ()) in vague:
                return True
            continue
        siblings = descendants(ancestor) - {wanted} - descendants(wanted)
        siblings -= vocabulary.ancestors(wanted)
        # Only a sibling of the same axis rules ``wanted`` out: ICD-10-CM codes cancers by site,
        # so a type with a code is a site and one without a histology ("laryngeal cancer" may
        # be an HNSCC, a small-cell lung cancer is no NSCLC); nor one sharing a type with it
        # (oral cavity cancer and HNSCC share oral SCC).
        exclusive = {
            s
            for s in siblings
            if _by_site(s) == _by_site(wanted) and not (descendants(s) & descendants(wanted))
        }
        if not (specific & exclusive):
            return True
    return False


def names_no_primary(items: Iterable[tuple[ConditionItem, frozenset[str]]]) -> bool:
    """Whether no recorded malignancy (item, its concepts) is a primary of known type or site."""
    return not any(
        MALIGNANCY in concepts and classify(item, concepts, ()) == "other"
        for item, concepts in items
    )


@cache
def _by_site(concept_id: str) -> bool:
    """Whether a concept is an ICD-10-CM site (has a code) rather than a histology."""
    concept = terminology.terminology().concept(concept_id)
    return any(coding.system == ICD10CM for coding in concept.codings)
