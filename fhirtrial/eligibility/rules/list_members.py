"""Which compiled readings may stand as one member of a list, and which words look decidable.

Shared by the list readings of `rules.partial` (items of a list), `rules.inline_lists` and
`rules.example_lists` (examples of a class): a member must be a positive, cohort-free reading
of a kind the list reads, a measurement must carry its bound, and a malignancy must be another
one than the study's (a bare "cancer" in a cancer study's exclusion list may mean the study's
own).

An item not understood that names a diagnosis no finder reads ("frobnication syndrome",
`names_a_diagnosis`) may stand as a text member beside the members understood — any-of(A, B,
TEXT) is what "A, B or C" says in three-valued logic — when the list is one of diagnoses
(`diagnosis_shaped`) and not only of classes such an item could narrow (`generic_class`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match
from fhirtrial.eligibility.rules.conditions import (
    REQUIRED_STEROIDS,
    find_biomarkers,
    find_conditions,
    find_pregnancy,
    find_stage,
)
from fhirtrial.eligibility.rules.demographics import find_age
from fhirtrial.eligibility.rules.diagnosis_groups import GROUPS
from fhirtrial.eligibility.rules.icd_titles import spell_icd_titles
from fhirtrial.eligibility.rules.labs import find_labs
from fhirtrial.eligibility.rules.medications import find_allergies, find_medications
from fhirtrial.eligibility.rules.performance import find_performance_status
from fhirtrial.eligibility.rules.procedures import find_procedures
from fhirtrial.eligibility.rules.scales import find_scales
from fhirtrial.eligibility.rules.scores import find_scores
from fhirtrial.eligibility.rules.smoking import find_smoking
from fhirtrial.eligibility.rules.therapy import find_therapies
from fhirtrial.eligibility.rules.tumour import find_receptors, find_stage_ranges

# Conditions a part may name only with a qualifier that a record decides and that makes the
# part sufficient on its own: "ILD/pneumonitis that required steroids", "current pneumonitis".
QUALIFIED_CONDITIONS = frozenset({"pneumonitis", "interstitial-lung-disease"})
DECIDING_QUALIFIERS = frozenset({REQUIRED_STEROIDS, "active"})


def may_be_listed(
    criterion: Criterion,
    kinds: frozenset[Kind],
    qualified: frozenset[str] = QUALIFIED_CONDITIONS,
) -> bool:
    """Whether ``criterion`` may be a member on its own. ``qualified``: conditions that need a
    deciding qualifier (an example of a named class needs none: the class says which)."""
    if criterion.negated or criterion.cohort is not None:
        return False
    if criterion.kind is Kind.COMBINATION:
        return criterion.combination in ("all-of", "any-of") and all(
            may_be_listed(child, kinds, qualified) for child in criterion.children
        )
    if criterion.kind not in kinds:
        return False
    if criterion.kind is Kind.LAB:
        return criterion.comparator is not None or criterion.value_concept is not None
    if criterion.kind is Kind.CONDITION:
        if criterion.concept in qualified:
            return bool(set(criterion.qualifiers) & DECIDING_QUALIFIERS)
        return criterion.concept != "malignant-neoplasm" or "other-primary" in criterion.qualifiers
    return True


# Words that name something a record could decide: a residue holding one is a leaf a form
# would lack.
LOOKS_DECIDABLE = re.compile(
    r"\b(?:\w+(?:itis|itides|osis|oses|emia|aemia|pathy|pathies|plasia|trophy|oma|omas|algia"
    r"|ectomy|otomy|ostomy|plasty|scopy|uria|penia|cytosis|iasis|cardia|rrhea|rrhoea|rrhage"
    r"|plegia|paresis|phobia|mania|lepsy|spasms?|mab|nib|pril|olol|statins?|sartan|azole"
    r"|cillin|mycin|cycline|floxacin|caine|profen|azepam|zolam|prazole|tidine|parin|xaban"
    r"|gatran|platin|taxel|rubicin|fentanyl|morphone|morphine|codone|oxetine|afil)"
    r"|diseases?|disorders?|syndromes?|illness\w*|infect\w*|injur\w*|fractures?|failure"
    r"|insufficien\w*|deficien\w*|dysfunction\w*|impair\w*|abuse|dependen\w*|addict\w*"
    r"|allerg\w*|intoleran\w*|hypersensitiv\w*|cancers?|carcinoma\w*|tumou?rs?|malignan\w*"
    r"|neoplas\w*|metasta\w*|lesions?|ulcer\w*|bleed\w*|ha?emorrhag\w*|thromb\w*|embol\w*"
    r"|infarct\w*|strokes?|seizures?|epilep\w*|arrhythmi\w*|fibrillation|flutter|blocks?"
    r"|angina|hypertensi\w*|hypotensi\w*|diabet\w*|obes\w*|pain\w*|dementia|depress\w*"
    r"|anxiety|psych\w*|mental\w*|delay\w*|anomal\w*|malformation\w*|vertigo|ataxia|dystonia"
    r"|paralysis|palsy|apnoea|apnea|ideation|suicid\w*|homicid\w*|effusions?|tachycardia"
    r"|bradycardia|polyps?|cysts?|cystic|hernia\w*|stenos\w*|aneurysm\w*|asthma|copd"
    r"|hepatitis|hiv|aids|virus\w*|viral|bacteri\w*|fung\w*|abnormal\w*|dysplas\w*|nodul\w*"
    r"|masses|edema|oedema|ascites|shock|sepsis|coma|trauma\w*|cataplexy|restless|narcolep\w*"
    r"|drugs?|medication\w*|medicines?|agents?|therap\w*|treatments?|inhibitors?|antibiotic\w*"
    r"|antiviral\w*|steroid\w*|corticoid\w*|glucocorticoid\w*|hormon\w*|chemo\w*|vaccin\w*"
    r"|immun\w*|insulin|opioids?|opiates?|analgesic\w*|an(?:a)?esthe\w*|antagonists?"
    r"|agonists?|blockers?|supplements?|analogu?e?s?|derivatives?|anti[- ]?\w+|alcohol\w*"
    r"|smok\w*|tobacco|nicotine|cannabis|marijuana|substances?|surg\w*|operat\w*|resect\w*"
    r"|transplant\w*|implant\w*|grafts?|bypass|intervention\w*|catheter\w*|stents?|devices?"
    r"|stimulat\w*|prosthe\w*|pumps?|shunts?|clips?|coils?|valves?|electrodes?|ports?"
    r"|pacemaker\w*|defibrillator\w*|dialysis|radiation|radio\w*|irradiat\w*|biops\w*"
    r"|procedures?|ventilat\w*|intubat\w*|revasculari\w*|angioplasty|pci|cabg|levels?"
    r"|counts?|values?|tests?|positive|serolog\w*|clearance|egfr|ratio|scores?|index|bmi"
    r"|pressure|pregnan\w*|lactat\w*|breast\w*|nursing|partum|postpartum|birth|deliver\w*"
    r"|gestation\w*)\b|[<>≤≥=%]"
)

# Every finder of the compiler: an item not understood that any of them reads would be a part
# the form loses.
ALL_FINDERS: tuple[Callable[[str], list[Match]], ...] = (
    *(find_conditions, find_pregnancy, find_therapies, find_labs, find_biomarkers, find_stage),
    *(find_receptors, find_stage_ranges, find_medications, find_allergies, find_procedures),
    *(find_scales, find_performance_status, find_smoking, find_age, spell_icd_titles),
    find_scores,
)


def names_anything(words: str) -> bool:
    """Whether any finder of the compiler reads something in ``words``."""
    return any(finder(words) for finder in ALL_FINDERS)


# No number or comparator may stand in an item left as text: no member would account for it.
_NUMBERS = re.compile(r"[0-9<>≤≥=%]")
# The words of `LOOKS_DECIDABLE` that name a diagnosis or state (not a drug, procedure, device
# or measurement, which a record holds apart and a form would lack as a leaf of another kind).
_DIAGNOSIS_WORD = re.compile(
    r"\w+(?:itis|itides|osis|oses|emia|aemia|pathy|pathies|plasia|trophy|oma|omas|algia|uria"
    r"|penia|cytosis|iasis|cardia|rrhea|rrhoea|rrhage|plegia|paresis|phobia|mania|lepsy"
    r"|spasms?)"
    r"|diseases?|disorders?|syndromes?|illness\w*|infect\w*|injur\w*|fractures?|failure"
    r"|insufficien\w*|deficien\w*|dysfunction\w*|impair\w*|abuse|dependen\w*|addict\w*"
    r"|intoleran\w*|cancers?|carcinoma\w*|tumou?rs?|malignan\w*|neoplas\w*|lesions?|ulcer\w*"
    r"|thromb\w*|embol\w*|infarct\w*|strokes?|seizures?|epilep\w*|arrhythmi\w*|fibrillation"
    r"|flutter|angina|hypertensi\w*|hypotensi\w*|diabet\w*|dementia|depress\w*|anxiety"
    r"|psych\w*|mental\w*|anomal\w*|malformation\w*|vertigo|ataxia|dystonia|paralysis|palsy"
    r"|apnoea|apnea|ideation|suicid\w*|homicid\w*|effusions?|tachycardia|bradycardia|polyps?"
    r"|cysts?|cystic|hernia\w*|stenos\w*|aneurysm\w*|asthma|hepatitis|virus\w*|viral"
    r"|bacteri\w*|fung\w*|abnormal\w*|dysplas\w*|nodul\w*|edema|oedema|ascites|shock|sepsis"
    r"|coma|trauma\w*|cataplexy|narcolep\w*|partum|postpartum"
)
# Classes an unread diagnosis beside them could narrow or define ("infection or frobnication").
_GENERIC_CONCEPTS = frozenset(
    {
        *("malignant-neoplasm", "infection", "surgery", "major-surgery", "autoimmune-disease"),
        *("liver-disease", "kidney-disease", "bleeding-disorder", "coagulopathy"),
    }
)


# A clause that qualifies the list it ends ("… or learning disabilities limiting participation",
# "… that would interfere with the study"): it holds for every item, so no item can stand alone.
_QUALIFYING_CLAUSE = re.compile(
    r"\b(?:limit\w*|interfer\w*|affect\w*|prevent\w*|preclud\w*|compromis\w*|impairing"
    r"|making|makes?|that|which|who|whose|would|could|may|might|requir\w*|judged|deemed"
    r"|considered|according|opinion|investigator|physician|participat\w*|study|protocol"
    r"|complian\w*|comply\w*|unable|inability|ability|able|causing|resulting|leading)\b",
    re.IGNORECASE,
)


def names_a_diagnosis(words: str) -> bool:
    """Whether every word of ``words`` that looks decidable names a diagnosis or state, with no
    number or comparator and no clause qualifying the list ("frobnication syndrome", "thyroid
    adenomas"; not "use of steroids", "deep brain stimulator", "a score > 3", "learning
    disabilities limiting participation")."""
    return (
        _NUMBERS.search(words) is None
        and _QUALIFYING_CLAUSE.search(words) is None
        and all(
            _DIAGNOSIS_WORD.fullmatch(match.group()) for match in LOOKS_DECIDABLE.finditer(words)
        )
    )


def diagnosis_shaped(criterion: Criterion) -> bool:
    """Whether every leaf is a diagnosis or a pregnancy state: a member of a list of diagnoses."""
    if criterion.kind is Kind.COMBINATION:
        return all(map(diagnosis_shaped, criterion.children))
    return criterion.kind in (Kind.CONDITION, Kind.PREGNANCY, Kind.BREASTFEEDING)


def generic_class(criterion: Criterion) -> bool:
    """Whether every leaf is a class ("malignancy", "infection", "heart disease") that an
    unread diagnosis beside it could narrow or define."""
    if criterion.kind is Kind.COMBINATION:
        return all(map(generic_class, criterion.children))
    return criterion.concept in _GENERIC_CONCEPTS or criterion.concept in GROUPS
