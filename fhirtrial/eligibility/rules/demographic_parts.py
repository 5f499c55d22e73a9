"""The age, sex, performance status and pregnancy that an inclusion bullet not fully understood
requires.

"adult patients (age 18 and above) who admitted to burn unit", "Healthy male subjects aged between
18 and 45 years (inclusive) at Screening", "18-25 years; Performance status should be 0-2; Life
expectancy should be more than 12 weeks": whatever the rest says, the patient must be of that age
(and sex, and performance status) to meet it. `with_demographic_parts` reads them from the head of
the bullet — the words it starts with, or the head of each of its sentences — and adds them to the
necessary parts `rules.partial` found, or to a TEXT residue.

A head is: lead words that only say who ("all", "healthy", "adult patients", "subjects"), then
age / sex / performance-status expressions one after another with only filler between them, or a
pregnancy said as "Pregnant women …" or denied in full ("Non-pregnant women …") with no test,
negation, plan or other pregnancy after it. It is read only when nothing in the bullet can make it
optional or someone else's: "or" / "either" / "and/or" anywhere ("Age 13-17 years or 18-20 if
still living at home"; the "or" of "18 years or older" aside), another person ("parents of",
"children and their caregivers", "mother", "partner"), a population branch or group ("… for
healthy volunteers", "(Healthy control group)", "Patients with age >= 18 years: …", "cohort"), an
allowance or a condition ("may", "if", "unless", "except"), a negation before the age, another
age ("gestational age", "age at onset") or an age taken at another moment or in another unit ("18
years at diagnosis", "Age less than 72 hours").

The form must hold every necessary decidable part. So when no other reading found the rest's
parts, the rest may name no clinical state at all — nothing a finder reads, and none of the words
by which bullets name one ("with", "diagnosed", "taking", "receiving", "requiring", …): "Adult
patients (aged above 18 years) recently admitted with sepsis" needs sepsis as well and stays text.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.ages import WORDED_AGE, find_age_ranges
from fhirtrial.eligibility.rules.base import Match, has_any
from fhirtrial.eligibility.rules.conditions import (
    find_biomarkers,
    find_conditions,
    find_pregnancy,
    find_stage,
)
from fhirtrial.eligibility.rules.demographics import find_age, find_sex
from fhirtrial.eligibility.rules.icd_titles import find_icd_titles
from fhirtrial.eligibility.rules.labs import find_labs
from fhirtrial.eligibility.rules.medications import find_allergies, find_medications
from fhirtrial.eligibility.rules.performance import find_performance_status
from fhirtrial.eligibility.rules.phrasing import strip_phrasing
from fhirtrial.eligibility.rules.population_sex import population_sex_head
from fhirtrial.eligibility.rules.procedures import find_procedures
from fhirtrial.eligibility.rules.scales import find_scales
from fhirtrial.eligibility.rules.scores import find_scores
from fhirtrial.eligibility.rules.smoking import find_smoking
from fhirtrial.eligibility.rules.therapy import find_therapies
from fhirtrial.eligibility.rules.vocabulary import MORE_NOISE

_FINDERS = (
    *(find_age, find_age_ranges, find_sex, find_performance_status, find_pregnancy, find_scores),
)
_TRIGGERS = (
    *("age", "year", "yr", "y/o", "male", "women", "woman", " men", "men ", "man "),
    *("ecog", "karnofsky", "kps", "performance status", "zubrod", "+", "pregnan"),
)
# A head starts a sentence: the triggers are looked for near the start of the text and of each
# sentence only.
_HEAD_REACH = 80
# Anywhere in the bullet: the head might be optional, conditional or someone else's.
_REFUSAL = re.compile(
    r"\b(?:or|either|and/or|nor|vs|versus|if|unless|except\w*|may|might|can|could|allow\w*"
    r"|permit\w*|optional\w*|prefer\w*|ideally|parent\w*|caregivers?|carers?|guardians?|mothers?"
    r"|maternal|fathers?|paternal|siblings?|spouses?|partners?|famil(?:y|ies)|household"
    r"|relatives?|offspring|infants?|newborns?|neonates?|babies|baby|child|children|kids?"
    r"|cohorts?|arms?|groups?|controls?|strat(?:um|a)|substudy|sub-study|part [a-z0-9]\b"
    r"|gestation\w*|onset|diagnosis at|menarche|menopaus\w*|bone age|mental age|corrected"
    r"|matched|match)\b"
    r"|(?<![y\d])/(?![o\d])|:(?!\s*(?:\d|[<>]))|\bfor (?:the )?(?:healthy|patients|participants"
    r"|subjects|volunteers|those|individuals|people|women|men)\b"
)
# Words that may open the head: who the bullet is about, nothing a record decides against.
_LEAD_WORDS = frozenset(
    {
        *("all", "the", "healthy", "adult", "adults", "ambulatory", "consecutive", "conscious"),
        *("hospitalized", "hospitalised", "inpatients", "outpatients", "inpatient", "outpatient"),
        *("volunteers", "volunteer", "persons", "person", "individuals", "individual"),
        *("patients", "patient", "subjects", "subject", "participants", "participant"),
        *("who", "are", "is", "must", "be", "should", "aged", "age", "ages", "of", "with"),
    }
)
# The "or" of a bound is no alternative: "18 years or older", "65 or younger".
_OR_OLDER = re.compile(
    r"(?:(?<=\d)|(?<=years)|(?<=year)|(?<=yrs)|(?<=old)|(?<=age)) or (?:older|younger|more"
    r"|above|over|greater|less|[<>=])"
)
_LEAD_ADJECTIVES = re.compile(
    r"^(?:(?:all|the|healthy|adult|ambulatory|consecutive|conscious|hospitali[sz]ed)\s+)+"
)
# What may follow the head: a word that ties the age to another moment or measure refuses
# ("18 years at diagnosis", "> 5 years of smoking", "18 years since …").
_AFTER_HEAD_REFUSAL = re.compile(
    r"^\s*[,(]?\s*(?:at|when|during|before|after|since|prior|upon|on|in|of|from|until|by|as"
    r"|than|to|per|x|times|old|hours?|hrs?|h|days?|d|weeks?|wks?|months?|mos?)\b"
    r"|^\s*(?:[-~]|to\b)\s*\d"  # "> 8 - 40 years": the head is half a range
)
_NEGATION = re.compile(r"\b(?:no|not|non|without|never|neither)\b")
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs)\.")
_SENTENCE = re.compile(r"[^.;]+(?:[.;]|$)")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'+\-]*")


def with_demographic_parts(normalized: str, text: str, found: Criterion | None) -> Criterion | None:
    """``found`` (all-of(parts…, TEXT) from the other readings, or None) with the age, sex and
    performance status the bullet's heads require; None when there is neither.

    Without ``found``, the rest of the bullet must name nothing else a record decides: "Adults
    aged 18+ admitted with sepsis" needs sepsis too, and all-of(age, TEXT) would be a form that
    leaves out a necessary part (or one that is not: the reading cannot tell)."""
    parts = _head_parts(normalized, alone=found is None) if _may_have_a_head(normalized) else []
    if not parts:
        return found
    others = found.children if found is not None else (Criterion(Kind.TEXT, source_text=text),)
    kept = [part for part in parts if part not in others]
    return Criterion(
        Kind.COMBINATION, children=(*kept, *others), combination="all-of", source_text=text
    )


def _may_have_a_head(normalized: str) -> bool:
    """Cheaply: a head has a number (an age, a grade) or a sex word near a sentence start."""
    start = normalized[:_HEAD_REACH]
    if has_any(start, _TRIGGERS) and (_DIGIT.search(start) or has_any(start, _SEX_WORDS)):
        return True
    return ("; " in normalized or ". " in normalized) and has_any(normalized, _TRIGGERS)


_DIGIT = re.compile(r"\d")
_SEX_WORDS = ("male", "women", "woman", "men", "man ", "pregnan")


def _head_parts(normalized: str, *, alone: bool) -> list[Criterion]:
    cleaned = normalized
    for pattern, triggers in MORE_NOISE:
        if has_any(cleaned, triggers):
            cleaned = pattern.sub("", cleaned)
    cleaned = strip_phrasing(cleaned)
    if "." in cleaned:
        # "(e.g. ECOG 0-1)": an example, never the head of a sentence of its own
        cleaned = _ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), cleaned)
    if _REFUSAL.search(_OR_OLDER.sub("", cleaned) if "or " in cleaned else cleaned):
        return []
    parts: list[Criterion] = []
    rests: list[str] = []
    for sentence in _SENTENCE.finditer(cleaned):
        read = _head(sentence.group(0).strip())
        if read is None:
            return []  # a head that could not be read: nothing is kept
        head, rest = read
        parts.extend(head)
        rests.append(rest)
    if parts and alone and any(_names_a_criterion(rest) for rest in rests):
        return []
    return parts


# Words by which the rest of a bullet names a clinical state the finders may not know ("with
# an anal fistula", "diagnosed with ITP", "currently taking spironolactone", "requiring
# mechanical ventilation"): a part the form would leave out, so the head alone is not the form.
_CLINICAL_REST = re.compile(
    r"\b(?:with|diagnos\w*|disease|disorders?|syndrome|cancer|carcinoma|tumou?rs?|infections?"
    r"|taking|receiving|received|treated|treatment|therapy|on|requiring|require[sd]?|history"
    r"|suffer\w*|having|has|have|had|presenting|affected|positive|negative|confirmed|known"
    r"|chronic|acute)\b"
)


_OTHER_FINDERS = (
    *(find_conditions, find_icd_titles, find_labs, find_scales, find_stage, find_biomarkers),
    *(find_therapies, find_medications, find_allergies, find_procedures, find_smoking),
    *(find_pregnancy, find_performance_status, find_age, find_age_ranges, find_sex, find_scores),
)


def _names_a_criterion(rest: str) -> bool:
    if _CLINICAL_REST.search(rest):
        return True
    return any(m.kind == "criterion" for finder in _OTHER_FINDERS for m in finder(rest))


def _head(sentence: str) -> tuple[list[Criterion], str] | None:
    """The criteria the sentence opens with ([] if none) and the rest of the sentence, or None
    when its head is unsafe."""
    if lead := _LEAD_ADJECTIVES.match(sentence):
        sentence = sentence[lead.end() :]  # "Healthy male subjects …": the finders read "male …"
    matches = _select([m for finder in _FINDERS for m in finder(sentence)])
    matches = [m for m in matches if m.kind == "criterion"]
    criteria: list[Criterion] = []
    position = 0
    for match in matches:
        gap = sentence[position : match.start]
        criterion = match.criterion
        described = not criteria and _described_pregnancy(criterion, sentence, match, gap)
        if not described and not _is_lead(gap, first=not criteria):
            break
        if _NEGATION.search(gap):
            return None
        if (
            criterion.kind in _STATES
            and not described
            and not _is_a_state_head(criterion, sentence, match)
        ):
            return None
        if criterion.kind is Kind.COMBINATION and criterion.combination == "all-of":
            criteria.extend(criterion.children)  # "aged >= 19 years and <= 50 years"
        else:
            criteria.append(criterion)
        position = match.end
    if not criteria and (population := population_sex_head(sentence)) is not None:
        # "Women who reside within the catchment area …": the population's sex is the head.
        return [population[0]], sentence[population[1] :]
    if criteria and _AFTER_HEAD_REFUSAL.match(sentence[position:]):
        return None
    if any(m.start >= position and m.criterion.kind is Kind.AGE for m in matches):
        return None  # another age later in the sentence: not read
    if criteria and (">" in sentence or "<" in sentence) and WORDED_AGE.search(sentence, position):
        return None  # "… and under sixty years old": a bound the finders do not read
    return criteria, sentence[position:]


def _is_lead(gap: str, *, first: bool) -> bool:
    words = _TOKEN.findall(gap)
    return all(word in (_LEAD_WORDS if first else _BETWEEN_WORDS) for word in words)


_BETWEEN_WORDS = frozenset(
    {
        *("and", "with", "of", "who", "are", "is", "be", "must", "should", "have", "has"),
        *("a", "an", "the", "aged", "age", "patients", "subjects", "participants"),
    }
)
_STATES = frozenset({Kind.PREGNANCY, Kind.BREASTFEEDING})
# Words that make a pregnancy at the head something else than a current one required or denied
# ("Pregnancy test negative", "Previous pregnancy", "Pregnant or planning a pregnancy").
_STATE_REFUSAL = re.compile(
    r"\b(?:tests?|tested|testing|hcg|history|prior|previous\w*|past|plan\w*|intend\w*|future"
    r"|after|post\w*|risk|possibl\w*|suspect\w*|wish\w*|trying|desir\w*|ectopic|nonviable"
    r"|termination|terminat\w*|loss|abortion|miscarriage|outcomes?|no|not|non|without|never"
    r"|negative|deliver\w*|partum|labou?r)\b"
)


# "Singleton pregnancy", "With a viable intrauterine pregnancy": a current pregnancy is necessary,
# what kind it is left to the residue. Each word says what a pregnancy is, none that it is
# past, planned, tested or someone else's.
_PREGNANCY_KIND_WORDS = frozenset(
    {
        *("singleton", "singelton", "monofetal", "mono-fetal", "twin", "live", "viable", "term"),
        *("uncomplicated", "nulliparous", "intrauterine", "established", "ongoing", "current"),
        *("normal", "healthy"),
    }
)
_PREGNANCY_LEAD_WORDS = frozenset({"a", "an", "has", "have", "having", "women", "woman"})


def _described_pregnancy(criterion: Criterion, sentence: str, match: Match, gap: str) -> bool:
    """A head "<kind> pregnancy" with only lead words and kinds of pregnancy before it."""
    if criterion.kind is not Kind.PREGNANCY or criterion.negated:
        return False
    if not sentence.startswith("pregnancy", match.start):
        return False
    words = _TOKEN.findall(gap)
    allowed = _LEAD_WORDS | _PREGNANCY_LEAD_WORDS | _PREGNANCY_KIND_WORDS
    return (
        any(word in _PREGNANCY_KIND_WORDS for word in words)
        and all(word in allowed for word in words)
        and not _STATE_REFUSAL.search(sentence[match.end :])
    )


def _is_a_state_head(criterion: Criterion, sentence: str, match: Match) -> bool:
    """A pregnancy heads the bullet as "Pregnant women …" (required) or as its denial read in
    full ("Non-pregnant women", "WOCBP must have a negative pregnancy test"); nothing after it
    may speak of another pregnancy, a test or a negation."""
    if not criterion.negated and not sentence.startswith("pregnant", match.start):
        return False
    return not _STATE_REFUSAL.search(sentence[match.end :])


def _select(matches: list[Match]) -> list[Match]:
    """The longest non-overlapping matches, in text order (as the compiler keeps them)."""
    chosen: list[Match] = []
    for match in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if all(match.end <= c.start or match.start >= c.end for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)
