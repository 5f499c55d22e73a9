"""A modifier in front of a list of diagnoses, and the bare items after it.

"Neuromuscular scoliosis and/or kyphosis", "idiopathic scoliosis or kyphosis", "clinically
significant hypertension or hypotension": the word in front of the first item may narrow every
item of the list ("neuromuscular kyphosis"). Read alone, a bare later item ("kyphosis") is the
wider diagnosis — in an exclusion list it would exclude any kyphosis, which the text likely does
not. So a bare later item shares the modifier:

- a judgement or state the condition finder already reads as a qualifier ("clinically
  significant", "severe", "uncontrolled", "active"): the later item gets the first item's
  qualifiers (the evaluator answers `unknown` for a judgement no record states);
- any other narrowing word ("neuromuscular", "idiopathic", "congenital", "acute", "chronic"):
  the later item becomes all-of(item, TEXT) — recorded but never decided on the wider concept.

The rule holds only for the shape "MODIFIER HEAD <list word> HEAD": a first item of one head
word after its modifiers, and later items of one word. A longer first item ("chronic kidney
disease or cirrhosis", "congenital heart disease or cardiomyopathy", "Type 2 diabetes or
hypertension") is a fixed name whose first word belongs to it, not a modifier of the list.
"""

from __future__ import annotations

import re
from dataclasses import replace

from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.base import Match

# Words the condition finder turns into qualifiers (see conditions._QUALIFIER_WORDS).
_QUALIFYING = (
    "clinically significant",
    "clinically relevant",
    "clinically important",
    "poorly controlled",
    "inadequately controlled",
    "life threatening",
    "life-threatening",
    "moderate to severe",
    "moderate or severe",
    "moderate-to-severe",
    "significant",
    "serious",
    "severe",
    "uncontrolled",
    "unstable",
    "decompensated",
    "symptomatic",
    "untreated",
    "active",
    "current",
    "ongoing",
    "progressive",
    "progressing",
)
# Of those, the judgements no record states: the evaluator answers `unknown` when the condition
# is recorded, so sharing them never decides more than the bare item would. States a record
# does decide ("active", "untreated", "progressive") would: a later item narrowed by one the
# text may not mean could fail an inclusion it meets; they are shared as TEXT, like any word.
_JUDGEMENT_WORDS = frozenset(
    {"clinically significant", "clinically relevant", "clinically important", "significant"}
    | {"serious", "life threatening", "life-threatening", "severe", "uncontrolled", "unstable"}
    | {"moderate to severe", "moderate or severe", "moderate-to-severe", "decompensated"}
    | {"poorly controlled", "inadequately controlled", "symptomatic"}
)
_JUDGEMENTS = frozenset(
    {"clinically-significant", "moderate-or-severe", "severe", "uncontrolled", "unstable"}
    | {"decompensated", "symptomatic"}
)
# Words that narrow a diagnosis to a kind of it and have no qualifier of their own.
_NARROWING = frozenset(
    {
        *("acute", "chronic", "congenital", "idiopathic", "neuromuscular", "hereditary"),
        *("inherited", "familial", "genetic", "primary", "secondary", "recurrent", "recurring"),
        *("relapsing", "refractory", "degenerative", "mild", "moderate", "juvenile"),
        *("autoimmune", "traumatic", "post-traumatic", "neurogenic", "persistent", "paroxysmal"),
        *("acquired", "systemic", "advanced", "end-stage", "major", "complicated"),
        *("drug-induced", "postural", "structural", "early-onset", "late-onset", "adult-onset"),
        *("neonatal", "infantile", "bilateral", "diffuse", "focal", "malignant", "benign"),
        *("invasive", "nonischemic", "non-ischemic", "obstructive", "restrictive"),
    }
)
_LEADING = re.compile(
    r"^(?:(?P<word>"
    + "|".join(re.escape(w) for w in (*_QUALIFYING, *sorted(_NARROWING, key=len, reverse=True)))
    + r")(?:,? and |,? or |, | ))+"
)
_ONE_WORD = re.compile(r"[a-z][a-z0-9'-]*")
_LIST_CONNECTIVES = frozenset({"or", ",", "and"})


def leading_modifiers(name: str) -> tuple[list[str], str] | None:
    """(the modifiers, the head) of a first item worded "MODIFIER… HEAD" with a one-word head;
    None for any other wording."""
    found = _LEADING.match(name)
    if found is None:
        return None
    head = name[found.end() :]
    if not _ONE_WORD.fullmatch(head):
        return None
    words = re.findall(
        "|".join(re.escape(w) for w in sorted((*_QUALIFYING, *_NARROWING), key=len, reverse=True)),
        found.group(0),
    )
    return words, head


def share_modifier(text: str, first: Match, later: Match) -> Match | None:
    """``later`` narrowed by the modifier in front of ``first`` (two items of one list in
    ``text``, the normalized criterion), or None when the rule does not apply."""
    if not _two_conditions(first, later):
        return None
    read = leading_modifiers(text[first.start : first.end])
    later_name = text[later.start : later.end]
    if read is None or not _ONE_WORD.fullmatch(later_name) or leading_modifiers(later_name):
        return None
    words, _head = read
    criterion = later.criterion
    if all(w in _QUALIFYING for w in words) and set(first.criterion.qualifiers) <= set(
        criterion.qualifiers
    ):
        return None  # "active tuberculosis or pneumonia": the finder shared the qualifiers
    if all(w in _JUDGEMENT_WORDS for w in words):
        missing = tuple(
            q
            for q in first.criterion.qualifiers
            if q in _JUDGEMENTS and q not in criterion.qualifiers
        )
        if not missing:
            return None
        return replace(
            later, criterion=evolve(criterion, qualifiers=(*criterion.qualifiers, *missing))
        )
    return replace(later, criterion=_said_in_part(criterion, f"{' '.join(words)} {later_name}"))


def share_modifier_match(text: str, modifier: Match, first: Match, later: Match) -> Match | None:
    """ "Metastatic breast cancer or melanoma": ``later`` after a list whose first item
    ``first`` follows a modifier match ("metastatic", "unresectable or metastatic") that the
    assembly gives to ``first`` alone. Read bare, ``later`` would be any melanoma."""
    if not _two_conditions(first, later) or later.criterion.qualifiers:
        return None
    later_name = text[later.start : later.end]
    if leading_modifiers(later_name) is not None or "metasta" in later_name:
        return None  # "metastatic melanoma or brain metastases": not a kind of cancer
    said = f"{text[modifier.start : modifier.end]} {later_name}"
    return replace(later, criterion=_said_in_part(later.criterion, said))


def _two_conditions(first: Match, later: Match) -> bool:
    return (
        first.criterion.kind is Kind.CONDITION
        and later.criterion.kind is Kind.CONDITION
        and not first.criterion.negated
        and not later.criterion.negated
    )


def _said_in_part(criterion: Criterion, words: str) -> Criterion:
    """all-of(the item, TEXT): recorded, but never decided on the wider concept alone."""
    said = Criterion(Kind.TEXT, source_text=words)
    return Criterion(Kind.COMBINATION, children=(criterion, said), combination="all-of")


def is_list_connective(connective: str | None) -> bool:
    return connective in _LIST_CONNECTIVES
