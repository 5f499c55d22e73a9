"""A medication never taken: "Metformin-naive", "SSRI naïve patients", "naive to tamoxifen",
"chemotherapy-naïve"; and "never treated with metformin", "have never received insulin"
(`Kind.PRIOR_THERAPY`, any recorded use up to the evaluation day).

"Naive" is the whole history: NOT prior therapy of the drug (terminology/drug_names.json), of a
medication class (terminology/medications.json, as `rules.medications` names them) or of
chemotherapy; a list ("naive to metformin or insulin") is naive to each. For "never" the match is
the use alone ("treated with metformin" as a prior therapy) and the compiler reads "never" as
the negation it is, as it reads "no prior treatment with".

"Naive" only where it means never: "opioid-naive" means not tolerant to opioids (no regular use
now), "insulin-naive" and "steroid-naive" allow the short courses a hospital stay gives, and
courses stopped and restarted (antibiotics, anticoagulants …) make "naive" mean not recently: read
as "never", they would fail an inclusion the patient meets. Those stay text; "never treated with
opioids" says never, and is read.

"Treatment-naive", "drug-naive" or "naive to the study drug" name no drug and stay text, as does
a list with any other item ("naïve of any steroid intake or immune therapy"). Words after the
name that narrow it ("chemotherapy-naive for metastatic disease", "never treated with metformin
for more than 2 weeks", "statin-naive (no statin in 6 weeks)") leave the bullet text; after
"never" only a window may follow, since the compiler's negation would deny whatever else does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match
from fhirtrial.eligibility.rules.medications import class_at, may_name_a_class
from fhirtrial.eligibility.rules.phrasing import negate

_CHEMOTHERAPY = "cytotoxic-chemotherapy"
# "chemotherapy-naive": the chemotherapy word (not the single drugs).
_CHEMO_WORD = re.compile(r"(?:cytotoxic )?(?:chemotherapy|chemo)(?![\w-])")
# "X-naive", "X naïve": the name ends where the naive word begins.
_NAIVE_AFTER = re.compile(r"[- ]na[iï]ve(?![\w-])")
# "naive to (treatment with) X", "naïve of any X (intake / use)".
_NAIVE_BEFORE = re.compile(
    r"(?<![\w-])na[iï]ve (?:to|of|for) (?:(?:prior |previous )?(?:treatment|therapy) with )?"
    r"(?:any |an? |the )?"
)
_USE_NOUN = re.compile(r" (?:use|usage|intake|therapy|treatment|exposure)(?![\w-])")
# "never (been) treated with X", "have never received / taken / used X": the use, its
# "never" left to the compiler's negation.
_NEVER = re.compile(
    r"(?<![\w-])never (?:(?:been|ever|previously) )*(?P<use>(?:treated with|received|taken|used"
    r"|exposed to|had|been on|on) (?:an? |any )?)"
)
# Classes whose "naive" allows some use (see the module docstring).
_NAIVE_ALLOWS_USE = frozenset(
    {
        *("opioid", "insulin", "systemic-corticosteroid", "antibiotic", "antiviral"),
        *("antifungal", "antihistamine", "nsaid", "analgesic", "proton-pump-inhibitor"),
        *("h2-receptor-antagonist", "probiotic", "heparin", "vitamin-mineral-supplement"),
        *("hormonal-contraceptive", "strong-cyp3a4-inhibitor", "strong-cyp3a4-inducer"),
        *("diuretic", "anticoagulant", "oral-anticoagulant", "warfarin"),
        *("vitamin-k-antagonist", "doac", "antiplatelet", "immunosuppressant"),
        *("sedative-hypnotic", "benzodiazepine"),
    }
)
_SEPARATOR = re.compile(r",? (?:or|and/or|nor) |/")
# What may follow: the end of the clause, who is naive, or a window of enrolment (the compiler
# attaches it). "Chemotherapy-naive for metastatic disease", "never treated with metformin for
# more than 2 weeks", "insulin-naive (no more than 14 days …)" say less than never: text.
_TAIL = re.compile(
    r"(?=$|[.,;:]| (?:patients?|subjects?|participants?|women|men|adults?|individuals?|people"
    r"|and|with|who)(?![\w-])| (?:with)?in (?:the )?(?:past|last|previous|preceding)? ?\d"
    r"| (?:with)?in the (?:past|last|previous|preceding) )"
)
# After "never …": only the end of the bullet, or a window that ends it. The compiler reads
# "never" as the negation of the whole bullet ("never received metformin and HbA1c > 7%" would
# deny the HbA1c too).
_NEVER_TAIL = re.compile(
    r"(?: (?:with)?in (?:the )?(?:past|last|previous|preceding)?[ a-z0-9]*)?\s*[.;]?\s*$"
)
_GATE = ("naive", "naïve", "never")


def find_never_used(text: str) -> list[Match]:
    if not any(word in text for word in _GATE):
        return []
    found: list[Match] = []
    if "na" in text:
        found.extend(_naive_after(text))
        found.extend(_naive_before(text))
    if "never " in text:
        found.extend(_never(text))
    return found


def _name_at(text: str, position: int) -> tuple[str, int] | None:
    """The drug, medication class or chemotherapy named at ``position`` (the longest)."""
    best: tuple[str, int] | None = None
    drug = terminology.terminology().drug_at(text, position)
    if drug is not None:
        best = drug
    named = class_at(text, position) if may_name_a_class(text) else None
    if named is not None and len(named[0]) == 1 and (best is None or named[1] > best[1]):
        best = (named[0][0], named[1])
    if (chemo := _CHEMO_WORD.match(text, position)) is not None and (
        best is None or chemo.end() > best[1]
    ):
        best = (_CHEMOTHERAPY, chemo.end())
    return best


def _names(text: str, position: int) -> tuple[list[str], int] | None:
    """The names listed from ``position`` ("metformin or insulin"), and where they end."""
    first = _name_at(text, position)
    if first is None:
        return None
    concepts, end = [first[0]], first[1]
    while separator := _SEPARATOR.match(text, end):
        item = _name_at(text, separator.end())
        if item is None:
            return None  # "steroid intake or immune therapy": an item no rule names
        concepts.append(item[0])
        end = item[1]
    return concepts, end


def _prior(concepts: list[str]) -> Criterion:
    leaves = tuple(
        Criterion(Kind.PRIOR_THERAPY, concept=c, source_text=c) for c in dict.fromkeys(concepts)
    )
    if len(leaves) == 1:
        return leaves[0]
    return Criterion(Kind.COMBINATION, children=leaves, combination="any-of")


def _never_used(concepts: list[str]) -> Criterion | None:
    if any(concept in _NAIVE_ALLOWS_USE for concept in concepts):
        return None
    return negate(_prior(concepts))


def _naive_after(text: str) -> list[Match]:
    found: list[Match] = []
    for naive in _NAIVE_AFTER.finditer(text):
        name_end = naive.start()
        head = text[:name_end]
        clause_start = max(head.rfind(c) for c in ",;.:(") + 1
        # the earliest word start of the clause whose name ends right at the naive word
        for word in re.finditer(r"(?<![\w-])[a-z0-9]", head[clause_start:]):
            start = clause_start + word.start()
            named = _name_at(head, start)
            if named is not None and named[1] == name_end and _TAIL.match(text, naive.end()):
                criterion = _never_used([named[0]])
                if criterion is not None:
                    found.append(Match(criterion, start, naive.end()))
                break
    return found


def _named_after(
    lead_pattern: re.Pattern[str], text: str
) -> Iterator[tuple[re.Match[str], list[str], int]]:
    """Each lead with the names listed after it and where they end (past a use noun: "naive to
    anti-PD-1 therapy")."""
    for lead in lead_pattern.finditer(text):
        listed = _names(text, lead.end())
        if listed is None:
            continue
        concepts, end = listed
        if noun := _USE_NOUN.match(text, end):
            end = noun.end()
        yield lead, concepts, end


def _naive_before(text: str) -> list[Match]:
    found: list[Match] = []
    for lead, concepts, end in _named_after(_NAIVE_BEFORE, text):
        criterion = _never_used(concepts)
        if criterion is not None and _TAIL.match(text, end):
            found.append(Match(criterion, lead.start(), end))
    return found


def _never(text: str) -> list[Match]:
    return [
        Match(_prior(concepts), lead.start("use"), end)
        for lead, concepts, end in _named_after(_NEVER, text)
        if _NEVER_TAIL.match(text, end)
    ]
