"""A clause that says what the class of an example list does: "medications that may prolong
the QT interval (e.g., amiodarone, sotalol)", "any condition that could interfere with study
procedures, such as dementia or epilepsy", "drugs known to affect bone metabolism, such as
bisphosphonates", "medications which affect ovarian function including metformin".

The clause states a property of the kind — one every member has by the text — and the examples
are, by the text, members: a patient on amiodarone takes a medication that may prolong the QT
interval, whatever the hedge in "may" (it is on the drug's effect, not on the exclusion). So the
clause is cut from the class (the TEXT member of `example_lists.example_parts` stands for it)
and each example, read in full, excludes. `class_clause` cuts it only when nothing could make
an example something other than a member of what excludes:

- the clause follows a class noun of conditions or of medications directly and runs, within
  the sentence and outside any parenthesis, up to the marker ("(e.g.", ", such as", "including");
- it says a property of the kind: a modal verb ("may", "can", "could", "might", "would") with a
  verb (not a perfect, "that may have complicated", which is the patient's event), "known to"
  with a verb, or a present-tense verb of influence ("affect", "interfere", "preclude",
  "contraindicate" …). Never what happened to the patient's own instance ("that required
  hospitalization", "associated with", "due to", "requiring"): that narrows every example;
- it names nothing of the examples' kind ("conditions that may cause neuropathy (e.g. diabetes)":
  an example of the conditions, or of the neuropathy? "drugs that may interact with
  antiretrovirals (e.g., ritonavir)": of the drugs, or of the antiretrovirals?): no class noun
  of that kind, and no reading of its words, or of its last words, of that kind;
- it speaks of no other time than the record's ("drugs that may be given during the study");
- the caller refuses a clause holding any refusal word once its modal is set aside ("that
  would not allow", "in the opinion of", "risk"), and every example must be read as the class's
  kind (`ClassClause.kinds`: a condition under "conditions", a medication under "medications").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from fhirtrial.eligibility.model import Criterion, Kind

TRIGGERS = (" that ", " which ", " known to ")

_CONDITION_HEADS = (
    r"conditions?|diseases?|disorders?|illness(?:es)?|co-?morbidit(?:y|ies)|patholog(?:y|ies)"
    r"|problems|abnormalit(?:y|ies)|infections?|dysfunctions?|impairments?"
)
_MEDICATION_HEADS = r"medications?|medicines?|drugs?|agents?|therap(?:y|ies)|treatments?"
_MARKERS = r"(?:eg|ie|such as|including|for example|for instance|like)\b"
_HEAD = rf"\b(?:(?P<condition>{_CONDITION_HEADS})|(?P<medication>{_MEDICATION_HEADS}))"
_VERB = (
    r"(?P<clause>(?:that|which)\s+(?:(?P<modal>may|might|can|could|would)\s+)?"
    r"(?:(?:potentially|possibly|significantly|severely|adversely|otherwise|also)\s+)?"
    r"(?P<verb>[a-z]+)|(?:(?:are|is)\s+)?known\s+to\s+(?P<known>[a-z]+))"
)
# "medications that may prolong QT (e.g., …)", "… conditions that could interfere, such as …"
_CLAUSE = re.compile(rf"{_HEAD}\s+{_VERB}(?P<rest>[^().;:]*?)(?=\s*,?\s*(?:\(\s*)?\b{_MARKERS})")
# "a brain disorder (such as TBI) that could impact …": the clause after the parenthesis
_CLAUSE_AFTER = re.compile(
    rf"{_HEAD}\s*\(\s*{_MARKERS}[^()]*\)\s*,?\s*{_VERB}(?P<rest>[^().;:]*?)[\s.;,]*$"
)
# Present-tense verbs of influence: what the kind does, not what happened to the patient's own.
_PROPERTY_VERBS = frozenset(
    {
        *("affect", "affects", "interfere", "interferes", "preclude", "precludes"),
        *("contraindicate", "contraindicates", "prohibit", "prohibits", "prevent", "prevents"),
        *("influence", "influences", "impair", "impairs", "compromise", "compromises"),
        *("limit", "limits", "alter", "alters", "interact", "interacts", "confound"),
        *("confounds", "induce", "induces", "inhibit", "inhibits", "prolong", "prolongs"),
    }
)
# A class noun of the examples' kind in the clause: the examples could be its instances.
_CONDITION_WORD = re.compile(
    r"\b(?:conditions?|diseases?|disorders?|illness\w*|syndromes?|infections?|comorbidit\w*"
    r"|co-morbidit\w*|patholog\w*|diagnos\w*)\b"
)
_MEDICATION_WORD = re.compile(
    r"\b(?:medications?|medicines?|drugs?|agents?|therap\w*|treatments?|inhibitors?"
    r"|inducers?)\b"
)
# The study's own drug is no class the examples could belong to.
_STUDY_DRUG = re.compile(
    r"\b(?:the )?(?:study|investigational|trial) (?:drugs?|medications?|agents?|treatments?"
    r"|therap(?:y|ies)|products?)\b|\binvestigational products?\b"
)
# The clause speaks of another time than the record's ("given during the study").
_ANOTHER_TIME = re.compile(
    r"\b(?:during|after|following|before|prior|until|prescribed|administered|given|started"
    r"|initiated|develop\w*|arise|occur\w*)\b"
)
_CONDITION_KINDS = frozenset({Kind.CONDITION})
_MEDICATION_KINDS = frozenset({Kind.MEDICATION, Kind.PRIOR_THERAPY})


@dataclass(frozen=True, slots=True)
class ClassClause:
    bullet: str
    """The bullet without the clause."""
    words: str
    """The clause's own words, its modal set aside (for the caller's refusal words)."""
    kinds: frozenset[Kind]
    """The kinds an example must be read as: the class's."""


def class_clause(
    bullet: str, compile_clause: Callable[[str], Criterion | None]
) -> ClassClause | None:
    """The bullet with its class's clause cut, or None when it has none that may be cut."""
    found = _CLAUSE.search(bullet) or _CLAUSE_AFTER.search(bullet)
    if found is None:
        return None
    verb = found["verb"] or found["known"]
    if found["verb"] and not found["modal"] and verb not in _PROPERTY_VERBS:
        return None  # "conditions that required hospitalization": the patient's own instance
    if found["modal"] and verb in ("have", "had"):
        return None  # "… that may have complicated …": an event
    if _ANOTHER_TIME.search(found["rest"]):
        return None  # "medications that may be given during the study": not the patient's now
    kinds = _CONDITION_KINDS if found["condition"] else _MEDICATION_KINDS
    said = _STUDY_DRUG.sub(" ", f"{verb}{found['rest']}")
    if (_CONDITION_WORD if found["condition"] else _MEDICATION_WORD).search(said):
        return None
    if _names_the_kind(found["rest"], kinds, compile_clause):
        return None
    return ClassClause(
        bullet=bullet[: found.start("clause")].rstrip() + " " + bullet[found.end() :].lstrip(" ,"),
        words=f"{verb}{found['rest']}",
        kinds=kinds,
    )


def _names_the_kind(
    rest: str, kinds: frozenset[Kind], compile_clause: Callable[[str], Criterion | None]
) -> bool:
    """Whether the clause's words, or its last words (what an example list right after them
    could exemplify: "drugs that may interact with antiretrovirals (e.g., ritonavir)"), read as
    something of the examples' kind."""
    words = rest.strip(" ,").split()
    pieces = {" ".join(words), *(" ".join(words[-size:]) for size in range(1, 5))}
    for piece in pieces - {""}:
        for said in (piece, f"use of {piece}") if Kind.MEDICATION in kinds else (piece,):
            named = compile_clause(said)
            if named is not None and _kinds(named) & kinds:
                return True
    return False


def _kinds(criterion: Criterion) -> set[Kind]:
    kinds = {criterion.kind}
    for child in criterion.children:
        kinds |= _kinds(child)
    return kinds
