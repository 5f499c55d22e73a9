"""Groups of diagnoses named as a group, read literally: "History of mental illness",
"neurological disease", "significant cardiac disease", "cardiovascular, neurological or
psychiatric disease", "congenital abnormality".

Each group is a concept of `terminology/diagnosis_groups.json`: its extent is the ICD-10-CM range
the name means (mental: F01–F99, nervous system: G00–G99, circulatory: I00–I99 …), and a record
decides it by a core (`evaluation.diagnosis_groups`): a diagnosis of the core is the group, one of
the rest of the extent leaves it unknown. So the name is read as the text says it, in an
exclusion and in an inclusion alike, and nobody is ruled out on a reading the text does not force.
"Liver disease" and "kidney disease" are hand-made concepts (`rules.conditions`); here they only
join a list of organs that names a group ("hepatic, renal or psychiatric disease").

Read here: the group's name alone ("psychiatric disorder"), with the judgements and states before
it that the other diagnoses take ("severe", "clinically significant", "major", "uncontrolled",
"active", "current"; "severe or unstable" gives one reading per word), and lists of organs sharing
the noun ("neurological or psychiatric illness", "neurological and psychiatric disorders": each
excludes), where an organ system no group names ("hepatobiliary", "immunologic") is a text
member. Any other word before the name ("other", "chronic", "structural", "organic") stays over
for the residual check: "other psychiatric disorders" means others than the study's, "chronic
lung disease" and "structural heart disease" narrower classes. "Severe (serious) mental illness"
is a term of art (psychoses, bipolar disorder, severe depression), not mental illness that is
severe: it is a group of its own, as "chronic liver disease" is (`rules.named_groups`).

Not read when it is the study's own disease, which its inclusion criteria (or its CT.gov
conditions) name a diagnosis of: "psychiatric disorder" in a depression study's exclusions means
another one, "neurological disease" in a Parkinson study's too, and "heart disease" among the
inclusions of a study of infarction names the infarction. `own_groups` finds those groups; the
compiler leaves such bullets text (`compiler.compile_outline`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, Triggers, normalize
from fhirtrial.eligibility.terminology.groups import meets_extent

_MENTAL = "mental-disorder"
_NEUROLOGICAL = "neurological-disease"
_NEUROMUSCULAR = "neuromuscular-disease"
_HEART = "heart-disease"
_CARDIOVASCULAR = "cardiovascular-disease"
_LUNG = "lung-disease"
_ENDOCRINE = "endocrine-disease"
_SKIN = "skin-disease"
_CONGENITAL_HEART = "congenital-heart-disease"
_CONGENITAL = "congenital-malformation"
_GASTROINTESTINAL = "gastrointestinal-disease"
_HEMATOLOGIC = "hematologic-disease"
_MUSCULOSKELETAL = "musculoskeletal-disease"
_RHEUMATIC = "rheumatic-disease"
_INFECTIOUS = "infectious-disease"
_GENITOURINARY = "genitourinary-disease"
_EYE = "eye-disease"
_EAR = "ear-disease"
_METABOLIC = "metabolic-disease"
GROUPS = frozenset(
    {_MENTAL, _NEUROLOGICAL, _NEUROMUSCULAR, _HEART, _CARDIOVASCULAR, _LUNG, _ENDOCRINE, _SKIN}
    | {_CONGENITAL_HEART, _CONGENITAL, _GASTROINTESTINAL, _HEMATOLOGIC, _MUSCULOSKELETAL}
    | {_RHEUMATIC, _INFECTIOUS, _GENITOURINARY, _EYE, _EAR, _METABOLIC}
    # Named by a phrase of their own (`rules.named_groups`).
    | {"chronic-liver-disease", "serious-mental-illness", "clotting-disorder"}
    | {"thromboembolic-disease", "chronic-viral-hepatitis", "essential-hypertension"}
    # Impairment of an organ's function (`rules.organ_impairment`).
    | {"renal-impairment", "hepatic-impairment", "renal-insufficiency"}
)
"""The concepts of diagnosis_groups.json."""
# The organ or field a group is named by → the group.
_ADJECTIVES = {
    "psychiatric": _MENTAL,
    "mental": _MENTAL,
    "mental health": _MENTAL,
    "psychological": _MENTAL,
    "neurological": _NEUROLOGICAL,
    "neurologic": _NEUROLOGICAL,
    "neuromuscular": _NEUROMUSCULAR,
    "cardiovascular": _CARDIOVASCULAR,
    "cardio vascular": _CARDIOVASCULAR,
    "cardio-vascular": _CARDIOVASCULAR,
    "heart": _HEART,
    "cardiac": _HEART,
    "lung": _LUNG,
    "pulmonary": _LUNG,
    "respiratory": _LUNG,
    "endocrine": _ENDOCRINE,
    "endocrinal": _ENDOCRINE,
    "endocrinologic": _ENDOCRINE,
    "endocrinological": _ENDOCRINE,
    "skin": _SKIN,
    "scalp": _SKIN,
    "dermatologic": _SKIN,
    "dermatological": _SKIN,
    "hepatic": "liver-disease",
    "liver": "liver-disease",
    "renal": "kidney-disease",
    "kidney": "kidney-disease",
    "cerebrovascular": "cerebrovascular-disease",
    "gastrointestinal": _GASTROINTESTINAL,
    "gi": _GASTROINTESTINAL,
    "digestive": _GASTROINTESTINAL,
    "hematologic": _HEMATOLOGIC,
    "hematological": _HEMATOLOGIC,
    "haematologic": _HEMATOLOGIC,
    "haematological": _HEMATOLOGIC,
    "blood": _HEMATOLOGIC,
    "musculoskeletal": _MUSCULOSKELETAL,
    "musculo-skeletal": _MUSCULOSKELETAL,
    "rheumatologic": _RHEUMATIC,
    "rheumatological": _RHEUMATIC,
    "rheumatic": _RHEUMATIC,
    "infectious": _INFECTIOUS,
    "genitourinary": _GENITOURINARY,
    "genito-urinary": _GENITOURINARY,
    # Urology treats the urinary tract and the male genital organs: read as the wider
    # genitourinary group, whose core is urinary, a female genital disorder is unknown, never
    # "not met".
    "urologic": _GENITOURINARY,
    "urological": _GENITOURINARY,
    "ophthalmologic": _EYE,
    "ophthalmological": _EYE,
    "opthalmologic": _EYE,
    "ophthalmic": _EYE,
    "eye": _EYE,
    "ocular": _EYE,
    "ear": _EAR,
    "otologic": _EAR,
    "otological": _EAR,
    "metabolic": _METABOLIC,
}
# Names of two organs at once: "cardiopulmonary disease" is heart or lung disease.
_BOTH = {"cardiopulmonary": (_HEART, _LUNG), "cardio-pulmonary": (_HEART, _LUNG)}
# Organ systems no group names: in a list beside a group they stand for a text member —
# "cardiovascular, gastrointestinal or renal disease" is any-of(cardiovascular-disease,
# kidney-disease, TEXT) —, never alone.
_UNNAMED = frozenset({"hepatobiliary", "immunologic", "immunological", "orthopedic", "orthopaedic"})
# The nouns each group is named with: "mental problems" is a mental disorder, "lung
# condition" or "liver illness" say less than a disease.
# "Pathology", "problems" and "comorbidities" of an organ are its diseases ("pulmonary pathology",
# "heart problems", "cardiovascular comorbidities"); "abnormality" and "impairment" are not read
# (a finding of an examination or a test, a loss of function after an injury or a stroke).
_DISEASE = frozenset(
    {"disease", "diseases", "disorder", "disorders", "pathology", "pathologies", "problem"}
    | {"problems", "comorbidity", "comorbidities", "co-morbidity", "co-morbidities"}
)
_ILLNESS = _DISEASE | {"illness", "illnesses", "condition", "conditions"}
_NOUNS = {
    _MENTAL: _ILLNESS | {"problem", "problems"},
    _NEUROLOGICAL: _ILLNESS,
    _NEUROMUSCULAR: _DISEASE,
    _CARDIOVASCULAR: _DISEASE | {"condition", "conditions"},
    _HEART: _DISEASE | {"condition", "conditions"},
    _LUNG: _DISEASE,
    _ENDOCRINE: _DISEASE,
    _SKIN: _ILLNESS,
    "liver-disease": _DISEASE,
    "kidney-disease": _DISEASE,
    "cerebrovascular-disease": _DISEASE,
    # "Blood dyscrasia": the older clinical name of a disease of the blood.
    _HEMATOLOGIC: _DISEASE | {"dyscrasia", "dyscrasias"},
    **dict.fromkeys((_GASTROINTESTINAL, _MUSCULOSKELETAL, _RHEUMATIC), _DISEASE),
    **dict.fromkeys((_INFECTIOUS, _GENITOURINARY, _EYE, _EAR, _METABOLIC), _DISEASE),
}
# Read only beside another organ system ("cardiovascular, infectious or hematologic disease"):
# alone, "infectious disease" is the `infection` concept (`rules.conditions`), current and read
# with the treatment it requires.
_ONLY_IN_LISTS = frozenset({_INFECTIOUS})
_ADJECTIVE = "|".join(
    sorted(map(re.escape, {*_ADJECTIVES, *_UNNAMED, *_BOTH}), key=len, reverse=True)
)
_NOUN = "|".join(sorted({noun for nouns in _NOUNS.values() for noun in nouns}, key=len))
# "And" joins organs as "or" does: in an exclusion each excludes on its own, negated in an
# inclusion neither may be there.
_SEPARATOR = r"(?:,? or |,? and/or |,? and |, | ?/ ?)"
_GROUP_NAME = re.compile(
    # "Diagnostic and Statistical Manual of Mental Disorders" names a book, not a diagnosis.
    rf"(?<![\w-])(?<!manual of )(?P<list>(?:{_ADJECTIVE})(?:{_SEPARATOR}(?:{_ADJECTIVE}))*)"
    rf" (?P<noun>{_NOUN})(?P<abbreviation> \(cvds?\))?(?![\w-])"
    r"|(?<![\w-])(?P<congenital_heart>congenital (?:heart|cardiac) (?:diseases?|defects?"
    r"|malformations?)(?: \(chds?\))?)(?![\w-])"
    r"|(?<![\w-])(?P<congenital>congenital (?:abnormalit(?:y|ies)|anomal(?:y|ies)"
    r"|malformations?)|birth defects?)(?![\w-])"
    r"|(?<![\w-])(?P<history>psychiatric history)(?![\w-])"
)
_TRIGGERS = (
    *("psychiatric", "mental", "psycholog", "neurolog", "neuromuscular", "cardi", "heart"),
    *("lung", "pulmonary", "respiratory", "endocrin", "skin", "scalp", "dermatolog"),
    *("congenital", "birth defect", "blood", "gastro", "gi ", "digestive", "hematolog"),
    *("haematolog", "musculo", "rheumat", "infectious", "genito", "urolog", "ophthalm"),
    *("opthalm", "eye", "ocular", "ear dis", "otolog", "metabolic"),
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
# "Cardiovascular disease (ischemic heart disease, peripheral artery disease, and stroke)",
# "psychiatric disorder (including bipolar disorder, schizophrenia)": what follows says what the
# author counts, which may be less than the name, and the examples of an inclusion would be read
# as all required. The name is not read; the examples are `rules.example_lists`'.
# A colon after the name heads the list that says it ("the following cardiovascular
# comorbidities: uncontrolled hypertension, …").
_DEFINED_AFTER = re.compile(
    r",? ?\(| ?:\s*\S|[,:]? (?:including|such as|e\.g\.?|eg|for example|for instance|i\.e\.?|ie"
    r"|like)\b"
)
# "Severe mental illness" (SMI): psychoses, bipolar disorder and severe depression, a class of
# its own that no code range spells.
_TERM_OF_ART = re.compile(r"(?:severe|serious) (?:and persistent )?$")
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


# Blood-borne infections: HIV, hepatitis B and C, and others (HTLV, syphilis) a text member
# stands for.
_BLOOD_BORNE = re.compile(
    r"(?<![\w-])blood[- ]?borne (?:viral )?(?:infections?|infectious diseases?|diseases?"
    r"|viruses|pathogens)(?![\w-])"
)
_BLOOD_BORNE_KNOWN = ("hiv", "hbv", "hcv")


# A name ends with one of these: most bullets naming an organ ("cardiac surgery") have none.
_ENDINGS = (
    *("disease", "disorder", "illness", "condition", "problem", "abnormalit", "anomal"),
    *("patholog", "morbidit", "dyscrasia"),
    *("malformation", "defect", "psychiatric history", "borne"),
)
# The two gates as groups of the shared scan (`base.triggers_in`): 47 substring tests a text.
_ANY_ENDING = Triggers(_ENDINGS)
_ANY_TRIGGER = Triggers(_TRIGGERS)


def qualifiers_before(text: str, start: int) -> tuple[int, tuple[str, ...], bool]:
    """Where a group's name begins with the judgement words just before it ("severe or
    uncontrolled"), those words as qualifiers, and whether they were alternatives."""
    before = _QUALIFIERS_BEFORE.search(text, max(0, start - 80), start)
    if before is None:
        return start, (), False
    qualifiers, alternatives = _qualifiers(text, before)
    return before.start(), qualifiers, alternatives


def find_diagnosis_groups(text: str) -> list[Match]:
    if not _ANY_ENDING.any_in(text) or not _ANY_TRIGGER.any_in(text):
        return []
    found: list[Match] = [
        Match(_blood_borne(match.group()), match.start(), match.end())
        for match in _BLOOD_BORNE.finditer(text)
    ]
    for match in _GROUP_NAME.finditer(text):
        concepts = _concepts(match)
        if not concepts or _DEFINED_AFTER.match(text, match.end()) or _slashed(text, match):
            continue
        if concepts == [_MENTAL] and _TERM_OF_ART.search(text, 0, match.start()):
            continue
        start, qualifiers, alternatives = qualifiers_before(text, match.start())
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


def _blood_borne(name: str) -> Criterion:
    known = (Criterion(Kind.CONDITION, concept=c) for c in _BLOOD_BORNE_KNOWN)
    return Criterion(
        Kind.COMBINATION,
        children=(*known, Criterion(Kind.TEXT, source_text=name)),
        combination="any-of",
    )


def _slashed(text: str, match: re.Match[str]) -> bool:
    """Whether a slash joins the name to a word ("heart disease/ lung disease", "psychiatric
    illness/social situations"): the assembly would read the two side by side as both."""
    before, after = text[: match.start()].rstrip(), text[match.end() :].lstrip()
    return before.endswith("/") or after.startswith("/")


def _concepts(match: re.Match[str]) -> list[str | None]:
    """The concepts a name spells, in order, None for an organ system no group names; none when
    the noun does not fit an organ of the list or the list names no group of this module (only
    "liver or kidney disease")."""
    if match["congenital_heart"]:
        return [_CONGENITAL_HEART]
    if match["congenital"]:
        return [_CONGENITAL]
    if match["history"]:
        return [_MENTAL]
    organs = [
        organ
        for word in _ADJECTIVE_WORD.findall(match["list"])
        for organ in _BOTH.get(word, (_ADJECTIVES.get(word),))
    ]
    if not GROUPS.intersection(organs) or set(organs) <= _ONLY_IN_LISTS:
        return []
    if any(organ is not None and match["noun"] not in _NOUNS[organ] for organ in organs):
        return []
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


def groups_named(criterion: Criterion | None) -> set[str]:
    """The groups a compiled criterion names, anywhere in it."""
    found: set[str] = set()
    stack = [criterion] if criterion is not None else []
    while stack:
        each = stack.pop()
        if each.kind is Kind.COMBINATION:
            stack.extend(each.children)
        elif each.concept in GROUPS:
            found.add(each.concept)
    return found


def own_groups(texts: Iterable[str]) -> frozenset[str]:
    """The groups a diagnosis named in ``texts`` (a study's inclusion criteria, its conditions)
    belongs to: "major depressive disorder" → mental-disorder, "Parkinson's disease" →
    neurological-disease. A group's own name is no diagnosis of it."""
    found: set[str] = set()
    for text in texts:
        for concept in _named_conditions(normalize(text)):
            found |= _groups_holding(concept)
    return frozenset(found)


def _named_conditions(text: str) -> set[str]:
    from fhirtrial.eligibility.rules.conditions import find_conditions
    from fhirtrial.eligibility.rules.icd_titles import spell_icd_titles

    found: set[str] = set()
    stack = [m.criterion for m in (*find_conditions(text), *spell_icd_titles(text))]
    while stack:
        criterion = stack.pop()
        if criterion.kind is Kind.COMBINATION:
            stack.extend(criterion.children)
        elif criterion.kind is Kind.CONDITION and criterion.concept:
            found.add(criterion.concept)
    return found


@cache
def _groups_holding(concept: str) -> frozenset[str]:
    """The groups whose extent one of the concept's ICD-10-CM codes meets."""
    try:
        codings = terminology.concept(concept).codings
    except KeyError:
        return frozenset()
    codes = [c.code for c in codings if c.system == terminology.ICD10CM_SYSTEM]
    return frozenset(g for g in GROUPS if any(meets_extent(g, code) for code in codes))
