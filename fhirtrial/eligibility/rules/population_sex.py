"""The sex a bullet's population implies, added to an age read in part.

"Postmenopausal women aged 50 or older", "Female outpatients aged 18-65 years", "Healthy male
volunteers >= 18 years", "Female DoD beneficiaries age 18 years or older": the other readings
give all-of(age, TEXT) — the population words are no record's — and leave the sex out, which the
bullet requires of every patient. `with_population_sex` adds it when the bullet opens with one
sex (after adjectives that only describe the population: "postmenopausal", "healthy", "adult")
and names no other sex, gender identity or other person anywhere ("women and men", "male or
female", "transgender women", "women and their partners", "mothers of …").

`population_sex_head` reads the same lead as the head of a bullet `rules.demographic_parts`
reads in part when a clause follows it ("Women who reside within the catchment area of the
health facilities", "Women able to read and write in English"): all-of(sex, TEXT), the sex being
necessary whatever the clause says. Not when the sex is the scope of a requirement ("Males must
agree …", "Women of childbearing potential must …": a man need not), names pregnancy (a condition
on some women, or an exclusion misfiled), fertility, menopause, sterility, abstinence or a
hysterectomy ("Women who are unable to conceive": a subgroup of the women a study takes), a
group, a label or count, an allowance, or another person or population ("… and individuals
who …", "women or men").
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import has_any

_LEAD = re.compile(
    r"^(?:(?:all|healthy|adult|elderly|older|young|ambulatory|community-dwelling|hospitali[sz]ed"
    r"|postmenopausal|post-menopausal|premenopausal|pre-menopausal|perimenopausal"
    r"|peri-menopausal|non-pregnant|nonpregnant|sedentary|overweight|obese)\s+)*"
    r"(?P<sex>women|woman|females?|men|man|males?)\b"
)
_FEMALE_ONLY = ("postmenopausal", "post-menopausal", "premenopausal", "pre-menopausal")
# Another sex, gender identity or person named after the lead ("women and men", "transgender
# women", "women and their partners").
_OTHER_PERSON_WORDS = (
    r"women|woman|females?|men|man|males?|boys?|girls?|sex|sexes|gender\w*|trans\w*|intersex"
    r"|non-binary|nonbinary|partners?|spouses?|wives|wife|husbands?|mothers?|fathers?|parents?"
    r"|caregivers?|couples?|pairs?|dyads?|their|msm"
)
_OTHER_PERSON = re.compile(rf"\b(?:{_OTHER_PERSON_WORDS})\b|/")
# With the words that refuse only beside a sex ("any sex", "both", "either").
_REFUSAL = re.compile(rf"\b(?:{_OTHER_PERSON_WORDS}|both|either|any|who have sex)\b|/")
_FEMALE_WORD = re.compile(r"\b(?:women|woman|females?|girls?)\b")
_MALE_WORD = re.compile(r"\b(?:men|man|males?|boys?)\b")
# Substrings every word of `_FEMALE_WORD`, `_MALE_WORD` and `_LEAD`'s sex holds: the cheap gates
# (most bullets name no sex; "women" holds "men", "female" "male").
_FEMALE_STEMS = ("wom", "fem", "girl")
_MALE_STEMS = ("men", "man", "male", "boy")
_LEAD_STEMS = ("men", "man", "male")
# Words that make the sex a condition of a requirement ("Males must agree …", "Women of
# childbearing potential …"): a man need not.
_MODAL_WORDS = r"must|should|shall|need|needs|required?|agree\w*|will|would|have to|if|unless"
_CHILDBEARING_WORDS = (
    r"childbearing|child-bearing|fertile|contracept\w*|birth control|pregnan\w*"
    r"|breast-?feeding|lactating"
)
# Fertility, menopause, sterility, abstinence, hysterectomy after the lead: a subgroup of women
# ("Female participants who are surgically sterilised / hysterectomised or post-menopausal",
# NCT03921450 exc-9; "Women who have undergone permanent sterilization", NCT03925116 exc-1;
# "Women of childbearing potential must agree to be strictly abstinent", NCT03921411 inc-7;
# "premenopausal women with intact reproductive organs", NCT03925285 exc-8), not the study's
# population: with "Male or female aged 18 to 65" in the same list, the sex is no requirement.
_SUBGROUP_OF_WOMEN_WORDS = (
    r"reproductive|conceiv\w*|infertil\w*|fertility|(?:post-?|pre-?|peri-?)?menopaus\w*"
    r"|steril\w*|abstinen\w*|hysterectom\w*"
)
# Nouns that may follow the sex word and still name the patient ("Female patients who …").
_NOUN = re.compile(
    r"\s*(?:patients?|subjects?|participants?|volunteers?|adults?|outpatients?|inpatients?)\b"
)
# What opens the clause after the population: a relative, "with", an ability, a verb of being,
# having or coming ("Women who reside …", "Women able to read …", "Woman reports …"); a noun
# ("Female DoD beneficiaries …") names another population, read with its age elsewhere.
_CLAUSE = re.compile(
    r",?\s+(?:who|whose|that|with|without|able|unable|is|are|was|were|has|have|had|having"
    r"|living|residing|attending|presenting|seeking|reports?|reporting|admitted|referred"
    r"|registered|at|in|from)\b"
)
# Words after the lead that make the sex a condition, an option, someone else's or a subgroup's.
_NOT_NECESSARY = re.compile(
    rf"\b(?:{_MODAL_WORDS}|{_CHILDBEARING_WORDS}|{_SUBGROUP_OF_WOMEN_WORDS}|except"
    r"|may|eligible|allowed|permitted|included|excluded|enrolled|accepted|considered"
    r"|cohorts?|groups?|arms?|controls?|individuals|people|persons|children|infants|those"
    r"|patients?|subjects?|participants?|volunteers?|adults?|anyone|someone|everyone"
    r"|gestation\w*|trimesters?|antenatal|prenatal|obstetric\w*|labou?r|deliver\w*"
    r"|post-?partum|nursing)\b|[:;(]"
)


def population_sex_head(text: str) -> tuple[Criterion, int] | None:
    """The sex of a population that opens ``text`` ("Women who …", "Female patients able …")
    and where the words after it start, when a clause follows that cannot make the sex
    unnecessary (`rules.demographic_parts` weighs what the clause names); None otherwise."""
    lead = _LEAD.match(text)
    if lead is None:
        return None
    start = lead.end()
    if noun := _NOUN.match(text, start):
        start = noun.end()
    if not _CLAUSE.match(text, start):
        return None  # the sex alone (the full reading's), "female-to-male", "women's", a noun
    if _OTHER_PERSON.search(text, lead.end()) or _NOT_NECESSARY.search(text, start):
        return None
    if text.startswith(_FEMALE_ONLY) and not lead["sex"].startswith(("wom", "fem")):
        return None
    return Criterion(Kind.SEX, value_concept=_sex_of(lead["sex"])), start


# A bullet about the other sex's population only under a condition ("Women of childbearing
# potential must …", "Males must agree to use contraception"): not a population of its own.
_CONDITIONAL = re.compile(rf"\b(?:{_MODAL_WORDS}|{_CHILDBEARING_WORDS})\b")


def population_sex_of(text: str) -> str | None:
    """The sex of the population an inclusion bullet opens with ("Postmenopausal women", "Men
    >50-year-old"), read or not, when it names no other sex and sets no condition."""
    lowered = text.lower()
    if not has_any(lowered, _LEAD_STEMS):
        return None
    normalized = " ".join(lowered.split())
    lead = _LEAD.match(normalized)
    if lead is None or _REFUSAL.search(normalized, lead.end()):
        return None
    if _CONDITIONAL.search(normalized):
        return None
    return _sex_of(lead["sex"])


def names_both_sexes(text: str) -> bool:
    """Whether an inclusion bullet names a population of both sexes ("Male or female aged 18 to
    65 years", "Healthy men and women"), setting no condition on either."""
    lowered = text.lower()
    if not has_any(lowered, _FEMALE_STEMS) or not has_any(lowered, _MALE_STEMS):
        return False
    normalized = " ".join(lowered.split())
    return (
        _FEMALE_WORD.search(normalized) is not None
        and _MALE_WORD.search(normalized) is not None
        and _CONDITIONAL.search(normalized) is None
    )


def _sex_of(word: str) -> str:
    return "female" if word.startswith(("wom", "fem")) else "male"


def with_population_sex(read: Criterion, normalized: str) -> Criterion:
    """``read`` (all-of(age…, TEXT) from the partial readings) with the sex of the bullet's
    population, or ``read`` unchanged."""
    if read.kind is not Kind.COMBINATION or read.combination != "all-of" or read.negated:
        return read
    if read.cohort or not any(c.kind is Kind.AGE for c in read.children):
        return read
    if any(c.kind is Kind.SEX for c in read.children):
        return read
    lead = _LEAD.match(normalized)
    if lead is None or _REFUSAL.search(normalized, lead.end()):
        return read
    sex = _sex_of(lead["sex"])
    if sex == "male" and normalized.startswith(_FEMALE_ONLY):
        return read  # "postmenopausal men": not for this reading to say
    return Criterion(
        Kind.COMBINATION,
        children=(Criterion(Kind.SEX, value_concept=sex), *read.children),
        combination="all-of",
        source_text=read.source_text,
    )


__all__ = [
    "names_both_sexes",
    "population_sex_head",
    "population_sex_of",
    "with_population_sex",
]
