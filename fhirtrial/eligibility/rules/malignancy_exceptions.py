"""An exclusion of another malignancy with its exceptions: all-of(the malignancy, TEXT).

"History of another malignancy within the past 3 years, except adequately treated basal cell or
squamous cell skin cancer or carcinoma in situ of the cervix", "Other malignancy (except
non-melanoma skin cancer)", "Known additional malignancy that is progressing or requires active
treatment", "Other active malignancy requiring systemic treatment <=12 months prior to
enrollment": the most frequent exclusion of cancer studies. The words before the exception or
the clause read in full as a malignancy (with its window and qualifiers; the study's own cancer
is set apart later, `evidence_variable._with_other_than`); what follows only takes patients
out of it. So the bullet means all-of(malignancy, TEXT): a patient with no other cancer on
record is not excluded by it (not met), one with another cancer is unknown — never met, even by
an excepted kind (a basal cell carcinoma, C44.91), since which cancers the exceptions cover and
whether one was "adequately treated" stays with the text.

Exclusion bullets only: in an inclusion ("No malignancy except non-melanoma skin cancer") the
head denies what the exceptions allow, and all-of(head, TEXT) would fail a patient whose only
cancer is an excepted one. The reading refuses when the rest may add an alternative instead
of narrowing: a diagnosis other than a cancer in it ("… except skin cancer, or diabetes"), an
"or" that starts another criterion, "including" (what it names may be the study's own cancer),
a new sentence (another criterion, or an allowance), a negated head.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind

_MALIGNANCY = "malignant-neoplasm"
_OTHER = "other-primary"
# "… that is progressing or requires active treatment": only an active cancer can be (a cancer
# recorded as resolved is not); the text member keeps which active ones.
_ACTIVE_CLAUSE = re.compile(
    r"\s*,?\s*(?:(?:that|which) (?:is|are) (?:currently )?(?:actively )?(?:progressing|active)"
    r"|(?:that|which) (?:requires?|needs?) (?:active |systemic |ongoing |current )?"
    r"(?:treatment|therapy)"
    r"|requiring (?:active |systemic |ongoing |current )?(?:treatment|therapy))"
    r"(?![\w-])"
)
_METASTATIC = "metastatic-disease"
# Where the exceptions or the narrowing clause start.
_EXCEPTION = re.compile(
    r"\s*[,(\-–—:]?\s*(?<![\w-])(?:with the exceptions? of|except(?:ing)?(?: for)?"
    r"|(?:with )?exceptions?(?: being| are| include)?|other than|excluding|apart from|besides"
    r"|(?:that|which) (?:is|are|was|were|has|have|had|requires?|required|needs?|need)"
    r"|requiring|needing|for which)(?![\w-])"
)
_TRIGGERS = ("except", "other than", "excluding", "apart from", "besides", "that ", "which ")
_MORE_TRIGGERS = ("requiring", "needing", "for which")
# An alternative of its own after the head: another criterion, not a narrower kind.
_ALTERNATIVE = re.compile(
    r"(?:,\s*|\)\s*|;\s*)(?:or|and/or|and)\b"
    r"|\b(?:or|and/or) (?:any |an? |the )?(?:evidence|history|active|current|known|prior"
    r"|previous|presence|signs?|symptoms?|patients?|subjects?|participants?|those who|use"
    r"|planned|scheduled|suspected|ongoing|uncontrolled|severe|significant|serious)\b"
)
# What adds to the head rather than excepts from it ("…, including prior breast cancer": the
# study's own kind, which the other-than reading leaves out).
_MORE = re.compile(r"\b(?:includ\w*|as well as|in addition|additionally|plus)\b")
_TIME = re.compile(
    r"\d|\b(?:within|past|prior|previous\w*|last|since|history|had|received|ever|years?|months?"
    r"|weeks?|days?|recent\w*)\b"
)
# A later sentence: a criterion of its own, or an allowance ("Patients with prior malignant
# disease are allowed if cancer-free for 1 year") that no exclusion may read
# (`test_corpus_structure`).
_SENTENCE = re.compile(r"(?<=[a-z0-9)\]%])\.\s+(?=\S)|;\s*(?=\S)")
_NEGATION = re.compile(r"(?<![\w-])(?:no|not|non|without|never|free|negative|neither|nor|none)\b")


def excepted_malignancy(
    normalized: str,
    text: str,
    compile_clause: Callable[[str], Criterion | None],
    concepts_found: Callable[[str], set[str]],
) -> Criterion | None:
    """all-of(malignancy, TEXT) for an exclusion's malignancy with its exceptions, or None."""
    if not any(t in normalized for t in _TRIGGERS) and not any(
        t in normalized for t in _MORE_TRIGGERS
    ):
        return None
    match = _EXCEPTION.search(normalized)
    if match is None or match.start() == 0:
        return None
    head, rest = normalized[: match.start()], normalized[match.end() :]
    if _NEGATION.search(head) or not _only_narrows(rest, concepts_found):
        return None
    read = _narrowed_head(compile_clause(head.strip(" ,;:-")))
    if read is None or not _a_malignancy(read):
        return None
    if set(read.qualifiers) <= {_OTHER} and _active_only(normalized, match.start()):
        read = replace(read, qualifiers=(*read.qualifiers, "active"))
    members = (read, Criterion(Kind.TEXT, source_text=text))
    return Criterion(Kind.COMBINATION, children=members, combination="all-of", source_text=text)


def _narrowed_head(read: Criterion | None) -> Criterion | None:
    """The malignancy of a head read as all-of(malignancy, TEXT) ("Concomitant malignancies"):
    the bullet's own text member then stands for both."""
    if (
        read is not None
        and read.kind is Kind.COMBINATION
        and read.combination == "all-of"
        and len(read.children) == 2
        and read.children[1].kind is Kind.TEXT
    ):
        return read.children[0]
    return read


def _active_only(normalized: str, start: int) -> bool:
    """Whether the clause asks for an active cancer now: a time in the bullet ("requiring
    treatment within the past 2 years", "History of other malignancy that requires treatment")
    may count a cancer treated then and resolved since."""
    return _ACTIVE_CLAUSE.match(normalized, start) is not None and not _TIME.search(normalized)


def _a_malignancy(criterion: Criterion) -> bool:
    """Any malignancy, as read in full: one affirmed condition, not a type of cancer ("Rectal
    malignancy other than adenocarcinoma" excepts a kind of the study's own cancer)."""
    return (
        criterion.kind is Kind.CONDITION
        and criterion.concept == _MALIGNANCY
        and not criterion.negated
        and criterion.value is None
    )


def _only_narrows(rest: str, concepts_found: Callable[[str], set[str]]) -> bool:
    if _SENTENCE.search(rest) or _ALTERNATIVE.search(rest) or _MORE.search(rest):
        return False
    vocabulary = terminology.terminology()
    for concept in concepts_found(rest):
        lineage = vocabulary.with_ancestors({concept})
        if _MALIGNANCY not in lineage and _METASTATIC not in lineage:
            return False
    return True
