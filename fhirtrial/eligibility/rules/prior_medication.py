"""Any use before of a medication class (`Kind.PRIOR_THERAPY`): "Previously medicated with
opioids", "prior GLP-1 receptor agonist therapy", "history of antipsychotic use", "Subject showed
(no) response to GLP-1RA treatment".

The class is one of terminology/medications.json (as `rules.medications` names them); the
prior therapy is met by any recorded use up to the evaluation day. A response, a failure or an
inadequate response to the class says the patient was treated with it and something the record
does not hold: all-of(prior therapy, TEXT).

Only classes whose use at any time is what such words mean: for drugs most people take now and
then (antibiotics, analgesics, antihistamines, acid suppressants, vitamins, hormonal
contraceptives, interaction classes such as strong CYP3A4 inhibitors) and for courses stopped and
restarted (anticoagulants, antiplatelets, immunosuppressants) "history of use"
means a recent use the text does not bound, and reading it as "ever" would exclude nearly
everyone: the bullet stays text. A window after the class ("previously treated with opioids in
the past 3 months") is a use in that window, which `rules.medications` reads.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, has_any
from fhirtrial.eligibility.rules.medications import class_at, may_name_a_class, window_follows

# Classes whose "history of use" is not any use ever (see the module docstring).
_RECENT_ONLY = frozenset(
    {
        *("antibiotic", "antiviral", "antifungal", "antihistamine", "nsaid", "analgesic"),
        *("proton-pump-inhibitor", "h2-receptor-antagonist", "probiotic", "heparin"),
        *("vitamin-mineral-supplement", "hormonal-contraceptive", "systemic-corticosteroid"),
        *("strong-cyp3a4-inhibitor", "strong-cyp3a4-inducer", "diuretic"),
        # Courses a patient stops and restarts, whose "prior use" criteria mostly mean a recent
        # or current one ("Prior use of anticoagulants", "History of immunosuppressive therapy").
        *("anticoagulant", "oral-anticoagulant", "warfarin", "vitamin-k-antagonist", "doac"),
        *("antiplatelet", "immunosuppressant", "sedative-hypnotic"),
    }
)
_ARTICLE = r"(?:an? |any |the )?"
# Words before the class that say it was given before.
_LEAD = re.compile(
    r"(?<![\w-])(?:(?:(?:have|has|had|having) )?(?:been )?previously (?:treated|medicated)"
    r" with|(?:prior|previous|past) (?:use of|treatment with|therapy with|exposure to)"
    rf"|history of (?:(?:prior|previous) )?(?:use of|treatment with|exposure to)) {_ARTICLE}$"
)
# "Prior GLP-1 receptor agonist therapy", "history of antipsychotic use": the class between the
# past word and the use.
_ADJECTIVE_LEAD = re.compile(r"(?<![\w-])(?:prior|previous|past|history of) $")
_USE_NOUN = re.compile(r" (?:use|usage|treatment|therapy|exposure)(?![\w-])")
# "(No / inadequate) response to GLP-1RA treatment", "failed GLP-1 RA therapy".
_RESPONSE_LEAD = re.compile(
    r"(?<![\w-])(?:(?:showed|shows|show|had|has|have|with|an?) )?(?:(?:no|inadequate"
    r"|insufficient|partial|poor|good|adequate|complete|incomplete|lack of) )?(?:(?:clinical"
    rf"|therapeutic) )?(?:response|responded|failure) to (?:prior |previous )?{_ARTICLE}$"
    r"|(?<![\w-])(?:have |has |had )?failed (?:prior |previous )?(?:an? )?$"
)
_RESPONSE_TAIL = re.compile(r"(?: (?:treatment|therapy))?(?![\w-])")
# After the class: a window (a use in it: `rules.medications`) or words that make the class
# something other than a use ("naive").
_NOT_USE = re.compile(
    r"\b(?:discontinued|stopped|planned|intend|candidate|contraindications?|naive|naïve"
    r"|start\w*|initiat\w*|chang\w*|switch\w*|allerg\w*|intoleran\w*)\b"
)
# Six words: six substring tests cost less than one trie scan (0.8 against 1.1 ms a pass).
_GATE = ("previous", "prior", "past", "history", "respon", "fail")
# Where a class may start: right after a lead word (every lead above ends with one of these).
_CLASS_START = re.compile(
    r"(?<![\w-])(?:prior|previous|past|of|with|to|failed|an?|any|the) (?=[a-z0-9])"
)


def find_prior_medications(text: str) -> list[Match]:
    if not has_any(text, _GATE) or not may_name_a_class(text):
        return []
    found: list[Match] = []
    for start in _CLASS_START.finditer(text):
        position = start.end()
        named = class_at(text, position)
        if named is None or any(c in _RECENT_ONLY for c in named[0]):
            continue
        concepts, end = named
        before = text[:position]
        clause = before[max(before.rfind(c) for c in ";.") + 1 :]
        if _NOT_USE.search(clause) or _NOT_USE.match(text, end + 1):
            continue
        match = _read(text, before, concepts, end)
        if match is not None and not window_follows(text, match.end):
            found.append(match)
    return found


def _read(text: str, before: str, concepts: tuple[str, ...], end: int) -> Match | None:
    if lead := _LEAD.search(before):
        if noun := _USE_NOUN.match(text, end):
            end = noun.end()
        return Match(_prior(concepts), lead.start(), end)
    if (lead := _ADJECTIVE_LEAD.search(before)) and (noun := _USE_NOUN.match(text, end)):
        return Match(_prior(concepts), lead.start(), noun.end())
    if lead := _RESPONSE_LEAD.search(before):
        tail = _RESPONSE_TAIL.match(text, end)
        end = tail.end() if tail else end
        criterion = Criterion(
            Kind.COMBINATION,
            children=(_prior(concepts), Criterion(Kind.TEXT, source_text="response to it")),
            combination="all-of",
        )
        return Match(criterion, lead.start(), end)
    return None


def _prior(concepts: tuple[str, ...]) -> Criterion:
    leaves = tuple(Criterion(Kind.PRIOR_THERAPY, concept=c, source_text=c) for c in concepts)
    if len(leaves) == 1:
        return leaves[0]
    return Criterion(Kind.COMBINATION, children=leaves, combination="any-of")
