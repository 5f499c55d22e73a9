"""Groups of diagnoses named as a group: "History of mental illness", "neurological disease",
"significant cardiac disease", "cardiovascular, neurological or psychiatric disease".

Each group is a concept of `terminology/diagnosis_groups.json`, bounded by ICD-10-CM subtrees a
clinician reading the criterion would count (what is left out, and why, is written there): a
record is in the group when one of its diagnoses is. "Liver disease" and "kidney disease" are
hand-made concepts (`rules.conditions`); here they only join a list of organs that names a group
("hepatic, renal or psychiatric disease").

Read here: the group's name alone ("psychiatric disorder"), with the judgements and states before
it that the other diagnoses take ("severe", "clinically significant", "major", "uncontrolled",
"active", "current"; "severe or unstable" gives one reading per word), and lists of organs sharing
the noun ("neurological or psychiatric illness", "neurological and psychiatric disorders": each
excludes), where an organ system no group bounds ("respiratory", "endocrine") is a text member.
Any other word before the name ("other", "chronic", "structural", "organic") stays over for the
residual check: "other psychiatric disorders" means others than the study's, "structural heart
disease" a narrower class.

A group is read only where it excludes (an exclusion, "No psychiatric disorder" in the inclusion
list): bounded narrow, it would make a requirement unmet for a patient whose diagnosis of the
group lies outside the bounds. And not when it is the study's own disease, which its inclusion
criteria (or its CT.gov conditions) name a diagnosis of: "psychiatric disorder" in a depression
study's exclusions means another one, "neurological disease" in a Parkinson study's too.
`own_groups` finds those groups; the compiler leaves such bullets text
(`compiler.compile_outline`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, has_any, normalize

_PSYCHIATRIC = "psychiatric-disorder"
_NEUROLOGICAL = "neurological-disease"
_HEART = "heart-disease"
_CARDIOVASCULAR = "cardiovascular-disease"
_LUNG = "lung-disease"
_CONGENITAL_HEART = "congenital-heart-disease"
_NEUROMUSCULAR = "neuromuscular-disease"
GROUPS = frozenset(
    {_PSYCHIATRIC, _NEUROLOGICAL, _NEUROMUSCULAR, _HEART, _CARDIOVASCULAR, _LUNG, _CONGENITAL_HEART}
)
"""The concepts of diagnosis_groups.json."""
# The organ or field a group is named by → the group.
_ADJECTIVES = {
    "psychiatric": _PSYCHIATRIC,
    "mental": _PSYCHIATRIC,
    "mental health": _PSYCHIATRIC,
    "neurological": _NEUROLOGICAL,
    "neurologic": _NEUROLOGICAL,
    "neuromuscular": _NEUROMUSCULAR,
    "cardiovascular": _CARDIOVASCULAR,
    "heart": _HEART,
    "cardiac": _HEART,
    "lung": _LUNG,
    "pulmonary": _LUNG,
    "hepatic": "liver-disease",
    "liver": "liver-disease",
    "renal": "kidney-disease",
    "kidney": "kidney-disease",
    "cerebrovascular": "cerebrovascular-disease",
}
# Names of two organs at once: "cardiopulmonary disease" is heart or lung disease.
_BOTH = {"cardiopulmonary": (_HEART, _LUNG), "cardio-pulmonary": (_HEART, _LUNG)}
# Organ systems no group bounds ("gastrointestinal disease" holds hernias and hemorrhoids,
# "endocrine disorder" obesity and vitamin deficiencies): in a list beside a group they stand for
# a text member — "cardiovascular, respiratory or renal disease" is any-of(cardiovascular-disease,
# kidney-disease, TEXT) —, never alone.
_UNBOUNDED = frozenset(
    {"respiratory", "gastrointestinal", "gi", "digestive", "hepatobiliary", "endocrine"}
    | {"endocrinologic", "endocrinological", "metabolic", "hematologic", "hematological"}
    | {"haematologic", "haematological", "immunologic", "immunological", "rheumatologic"}
    | {"rheumatological", "dermatologic", "dermatological", "musculoskeletal", "genitourinary"}
    | {"urologic", "urological", "ophthalmologic", "ophthalmological", "opthalmologic"}
    | {"orthopedic", "orthopaedic"}
)
# The nouns each group is named with: "mental problems" is a psychiatric disorder, "lung
# condition" or "liver illness" say less than a disease.
_DISEASE = frozenset({"disease", "diseases", "disorder", "disorders"})
_ILLNESS = _DISEASE | {"illness", "illnesses", "condition", "conditions"}
_NOUNS = {
    _PSYCHIATRIC: _ILLNESS | {"problem", "problems"},
    _NEUROLOGICAL: _ILLNESS,
    _NEUROMUSCULAR: _DISEASE,
    _CARDIOVASCULAR: _DISEASE | {"condition", "conditions"},
    _HEART: _DISEASE | {"condition", "conditions"},
    _LUNG: _DISEASE,
    "liver-disease": _DISEASE,
    "kidney-disease": _DISEASE,
    "cerebrovascular-disease": _DISEASE,
}
_ADJECTIVE = "|".join(
    sorted(map(re.escape, {*_ADJECTIVES, *_UNBOUNDED, *_BOTH}), key=len, reverse=True)
)
_NOUN = "|".join(sorted({noun for nouns in _NOUNS.values() for noun in nouns}, key=len))
# "And" joins organs as "or" does: in an exclusion each excludes on its own, negated in an
# inclusion neither may be there, and a group is never read as a requirement (the compiler).
_SEPARATOR = r"(?:,? or |,? and/or |,? and |, | ?/ ?)"
_GROUP_NAME = re.compile(
    # "Diagnostic and Statistical Manual of Mental Disorders" names a book, not a diagnosis.
    rf"(?<![\w-])(?<!manual of )(?P<chronic>chronic )?(?P<list>(?:{_ADJECTIVE})"
    rf"(?:{_SEPARATOR}(?:{_ADJECTIVE}))*) (?P<noun>{_NOUN})(?P<abbreviation> \(cvds?\))?(?![\w-])"
    r"|(?<![\w-])(?P<congenital>congenital (?:heart|cardiac) (?:diseases?|defects?"
    r"|malformations?)(?: \(chds?\))?)(?![\w-])"
    r"|(?<![\w-])(?P<history>psychiatric history)(?![\w-])"
)
_TRIGGERS = (
    *("psychiatric", "mental", "neurolog", "neuromuscular", "cardiovascular", "heart", "cardi"),
    "lung",
    "pulmonary",
)
_ADJECTIVE_WORD = re.compile(rf"(?<![\w-])(?:{_ADJECTIVE})(?![\w-])")
# The judgements and states before a group's name, as the other diagnoses read them.
_QUALIFIER_WORDS = (
    r"clinically (?:significant|relevant|important)|significant|serious|major|severe"
    r"|uncontrolled|poorly controlled|unstable|active|current|ongoing|symptomatic|decompensated"
    r"|pre-?existing|underlying|co-?morbid"
)
_QUALIFIERS_BEFORE = re.compile(
    rf"(?<![\w-])(?P<quals>(?:{_QUALIFIER_WORDS})(?:(?:,? and/or |,? or |,? and |, | )"
    rf"(?:{_QUALIFIER_WORDS}))*) $"
)
_QUALIFIER = re.compile(_QUALIFIER_WORDS)
# "Cardiovascular disease (ischemic heart disease, peripheral artery disease, and stroke)": the
# parenthesis says what the author counts, which may not be the group (stroke is not in it). The
# name is not read; examples ("(e.g. …)") are `rules.example_lists`'.
_DEFINED_AFTER = re.compile(r" ?\((?!e\.g|eg\b|i\.e|ie\b|such as|for example|including)")
_QUALIFIER_IDS = {
    "clinically significant": "clinically-significant",
    "clinically relevant": "clinically-significant",
    "clinically important": "clinically-significant",
    "significant": "clinically-significant",
    "serious": "clinically-significant",
    "major": "clinically-significant",
    "poorly controlled": "uncontrolled",
    "current": "active",
    "ongoing": "active",
}
# Words that add nothing to a diagnosis the patient has ("pre-existing psychiatric illness").
_NO_QUALIFIER = frozenset({"pre-existing", "preexisting", "underlying", "comorbid", "co-morbid"})
# "History of or current psychiatric disorder": either will do, "current" says nothing.
_ALTERNATIVE_BEFORE = re.compile(r"\b(?:or|and/or|and)\s*$")
_OR = re.compile(r"\bor\b")


def find_diagnosis_groups(text: str) -> list[Match]:
    if not has_any(text, _TRIGGERS):
        return []
    found: list[Match] = []
    for match in _GROUP_NAME.finditer(text):
        concepts = _concepts(match)
        if not concepts or _DEFINED_AFTER.match(text, match.end()) or _slashed(text, match):
            continue
        start = match.start()
        qualifiers: tuple[str, ...] = ()
        alternatives = False
        before = _QUALIFIERS_BEFORE.search(text, max(0, start - 80), start)
        if before is not None:
            qualifiers, alternatives = _qualifiers(text, before)
            start = before.start()
        children = [_group(c, qualifiers, alternatives) for c in concepts if c is not None]
        if None in concepts:
            children.append(Criterion(Kind.TEXT, source_text=match.group()))
        criterion = (
            children[0]
            if len(children) == 1
            else Criterion(Kind.COMBINATION, children=tuple(children), combination="any-of")
        )
        found.append(Match(criterion, start, match.end()))
    return found


def _slashed(text: str, match: re.Match[str]) -> bool:
    """Whether a slash joins the name to a word ("heart disease/ lung disease", "psychiatric
    illness/social situations"): the assembly would read the two side by side as both."""
    before, after = text[: match.start()].rstrip(), text[match.end() :].lstrip()
    return before.endswith("/") or after.startswith("/")


def _concepts(match: re.Match[str]) -> list[str | None]:
    """The concepts a name spells, in order, None for an organ system no group bounds; none when
    the noun does not fit an organ of the list or the list names no group of this module (only
    "liver or kidney disease")."""
    if match["congenital"]:
        return [_CONGENITAL_HEART]
    if match["history"]:
        return [_PSYCHIATRIC]
    organs = [
        organ
        for word in _ADJECTIVE_WORD.findall(match["list"])
        for organ in _BOTH.get(word, (_ADJECTIVES.get(word),))
    ]
    if not GROUPS.intersection(organs):
        return []
    if any(organ is not None and match["noun"] not in _NOUNS[organ] for organ in organs):
        return []
    if match["chronic"] and organs != [_LUNG]:
        return []  # only the lung group is chronic by definition
    if match["abbreviation"] and organs != [_CARDIOVASCULAR]:
        return []
    return list(dict.fromkeys(organs))


def _qualifiers(text: str, before: re.Match[str]) -> tuple[tuple[str, ...], bool]:
    """The qualifier ids the words before a name give, and whether they are alternatives
    ("severe or unstable")."""
    words = before["quals"]
    found = [q for q in _QUALIFIER.findall(words) if q.replace("-", "") not in _NO_QUALIFIER]
    if _ALTERNATIVE_BEFORE.search(text, 0, before.start()):
        found = [q for q in found if q not in ("current", "ongoing", "active")]
    ids = tuple(dict.fromkeys(_QUALIFIER_IDS.get(q, q) for q in found))
    return ids, len(ids) > 1 and bool(_OR.search(words))


def _group(concept: str, qualifiers: tuple[str, ...], alternatives: bool) -> Criterion:
    if alternatives:
        children = tuple(
            Criterion(Kind.CONDITION, concept=concept, qualifiers=(q,), source_text=concept)
            for q in qualifiers
        )
        return Criterion(Kind.COMBINATION, children=children, combination="any-of")
    return Criterion(Kind.CONDITION, concept=concept, qualifiers=qualifiers)


def excluding_uses(criterion: Criterion | None, *, exclusion: bool) -> list[tuple[str, bool]]:
    """(group, whether it excludes) for each group the criterion names: a group excludes named
    in an exclusion bullet or negated in an inclusion one ("No psychiatric disorder"); named
    in an inclusion bullet it is required."""
    if criterion is None:
        return []
    against = exclusion != criterion.negated
    if criterion.kind is Kind.COMBINATION:
        return [u for c in criterion.children for u in excluding_uses(c, exclusion=against)]
    return [(criterion.concept, against)] if criterion.concept in GROUPS else []


def own_groups(texts: Iterable[str]) -> frozenset[str]:
    """The groups a diagnosis named in ``texts`` (a study's inclusion criteria) belongs to:
    "major depressive disorder" → psychiatric-disorder, "Parkinson's disease" →
    neurological-disease, a group's own name → that group."""
    found: set[str] = set()
    for text in texts:
        lowered = normalize(text)
        concepts = {m.criterion.concept for m in _named_conditions(lowered) if m.criterion.concept}
        for concept in concepts:
            found |= _groups_holding(concept)
    return frozenset(found)


def _named_conditions(text: str) -> list[Match]:
    from fhirtrial.eligibility.rules.conditions import find_conditions
    from fhirtrial.eligibility.rules.icd_titles import spell_icd_titles

    matches = [*find_conditions(text), *spell_icd_titles(text), *find_diagnosis_groups(text)]
    leaves: list[Match] = []
    for match in matches:
        stack = [match.criterion]
        while stack:
            criterion = stack.pop()
            if criterion.kind is Kind.COMBINATION:
                stack.extend(criterion.children)
            elif criterion.kind is Kind.CONDITION:
                leaves.append(Match(criterion, match.start, match.end))
    return leaves


@cache
def _groups_holding(concept: str) -> frozenset[str]:
    """The groups that share a diagnosis with ``concept``: its ancestors, and those one of its
    ICD-10-CM codes falls in, or one of whose codes falls in it."""
    vocabulary = terminology.terminology()
    found = set(vocabulary.with_ancestors({concept})) & GROUPS
    try:
        codes = [c.code.rstrip("*") for c in vocabulary.concept(concept).codings]
        systems = [c.system for c in vocabulary.concept(concept).codings]
    except KeyError:
        return frozenset(found)
    for code, system in zip(codes, systems, strict=True):
        if system != terminology.ICD10CM_SYSTEM:
            continue
        found |= set(vocabulary.concepts_for(system, code)) & GROUPS
        for group in GROUPS:
            if any(c.code.rstrip("*").startswith(code) for c in vocabulary.concept(group).codings):
                found.add(group)
    return frozenset(found)
