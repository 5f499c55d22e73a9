"""Words around an age, sex, pregnancy or breastfeeding criterion that add nothing a record
decides, and the clauses that only say what the bullet does ("… would be excluded").

Real bullets state a criterion the finders know with extra words: "Age 18-85 at index",
"Children under the age of 18", "Participants must be at least 18 years of age to participate;
there is no upper age limit", "pregnancy in progress", "Pregnant women (Urine hCG test will be
performed at baseline on women of child bearing potential)". `PHRASING_NOISE` cuts those words
out of the normalized text before the finders run (like `vocabulary.MORE_NOISE`): each pattern
matches only words next to the criterion they qualify, so a word that could change who or what
the bullet is about ("children" anywhere else, "self-reported" but before a pregnancy, "unless …")
stays and keeps the bullet text-only.

`consequence` finds a last clause that says only what happens to the patients the bullet
describes ("Patients aged below 18 or older than 65 would be excluded", "Pregnant women would not
be enrolled", "… will be included in the study"). Its polarity matters: in an inclusion list,
"Women who are pregnant are excluded" is an exclusion — NOT pregnant — never "pregnant required"
(`negate`). A permissive clause ("may be included", "are eligible") is never read as one: it
allows, it does not require.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from fhirtrial.eligibility.model import CombinationCode, Comparator, Criterion, Kind
from fhirtrial.eligibility.rules.base import has_any

_AGE_END = (
    r"(?:(?<=\d)|(?<=years)|(?<=year)|(?<=yrs)|(?<=old)|(?<=older)|(?<=above)|(?<=\d\))"
    r"|(?<=years\))|(?<=inclusive\))|(?<=of age)|(?<=and >)|(?<=or >))"
)
# Moments at which the age is taken: enrolment in all but name ("at index", "at the time of
# screening", "at the start of the study", "upon admission").
_AGE_MOMENT = re.compile(
    _AGE_END + r",? (?:at|upon|on|as of) (?:the )?(?:(?:time|date|day) of |start of (?:the )?)?"
    r"(?:index(?: date)?|enrol+ment|recruitment|(?:screening|baseline)(?: visit)?|inclusion|consent"
    r"|informed consent|registration|randomi[sz]ation|admission|hospitali[sz]ation|study entry"
    r"|entry"
    r"|(?:the )?(?:study )?(?:treatment|therapy|intervention)"
    r"|(?:the )?study(?: start| entry| enrol+ment)?|signing (?:the )?(?:informed )?consent)\b"
)
# "18-65 years, inclusive", "(inclusive)", "; there is no upper age limit".
_AGE_BOUNDS_NOTE = re.compile(
    _AGE_END + r"\s*(?:,\s*|\()?\s*(?:both )?inclusive\)?"
    r"|(?:"
    + _AGE_END
    + r"\s*[,;.]?|\s*[,;.])\s*(?:and |with |but |there is |there are )?no upper(?:[- ]bound)?"
    r" (?:age )?limits?(?: (?:for|on|of|to) (?:the )?age)?"
    r"|" + _AGE_END + r"\s*[,;]?\s*(?:with |and )?no age limits?\b"
)
# A subject word that says no more than the age next to it: "Children under the age of 18",
# "Adolescents aged 12-17", "Older adults (>= 65 years)".
_AGE_SUBJECT = re.compile(
    r"^(?:all )?(?:children|child|adolescents?|teenagers?|older adults|elderly(?: patients)?)"
    r"(?: (?:and|or) (?:adolescents|children|young adults))?"
    r"(?= (?:aged?\b|<|>|between\b|from\b|\d|\(\s*(?:aged?\b|<|>|\d)|who are (?:aged?\b|<|>|\d)))"
)
# Ways of saying a pregnancy is a current one ("pregnancy in progress", "ongoing pregnancy").
_CURRENT_PREGNANCY = re.compile(
    r"(?<![\w-])(?:ongoing|active|existing)(?= pregnan(?:cy|t)\b)"
    r"|(?<=pregnancy) (?:in progress|ongoing)\b"
)
# A parenthesis after "pregnant" / "pregnancy" / "breastfeeding" that only says how it is tested:
# "(Urine hCG test will be performed at baseline on women of child bearing potential)",
# "(pregnancy test will be taken pre-operatively in women of reproductive age)", "(urine
# test-verified)". Nothing in it may allow, restrict or negate.
_TESTED_HOW = re.compile(
    r"(?:(?<=pregnant)|(?<=pregnancy)|(?<=feeding)|(?<=lactating)|(?<=lactation)|(?<=women))"
    r" \((?P<body>[^()]*\b(?:tests?|tested|testing|hcg|urinalysis|urine|serum)\b[^()]*)\)"
)
_TESTED_HOW_REFUSAL = re.compile(
    r"\b(?:unless|except\w*|other than|eligible|allow\w*|permit\w*|accept\w*|if|may|can|could"
    r"|might|not|no|non|without|regardless|only|self|reported|stated|suspect\w*|history|prior"
    r"|previous|past|within|during|after|planned|plan\w*|intend\w*|future|weeks?|months?"
    r"|trimester|gestation\w*)\b"
)

# The subject of a negated pregnancy or breastfeeding state: "Women must not be breastfeeding".
_NEGATED_STATE_SUBJECT = re.compile(
    r"^(?:women|woman|females?)(?= (?:must|should|shall|will) not be (?:currently )?"
    r"(?:pregnant|nursing|lactating|breast[- ]?feeding)\b)"
)
# A period of the state itself: "those in lactation period", "during pregnancy period"; nursing
# said of whom: "nursing a child"; the state restated: "nursing (lactating)".
_STATE_PERIOD = re.compile(
    r"(?<=lactation) periods?\b|(?<=pregnancy) periods?\b"
    r"|(?<=nursing) (?:a child|an infant|a baby"
    r"|\((?:lactating|breast[- ]?feeding)\)(?: (?:women|woman|females?|mothers?)\b)?)"
)
# How a pregnancy or breastfeeding was learnt: "Pregnancy (as stated by patient)". It says
# nothing of who is excluded: a record that shows the state shows what the patient would state.
_STATED_HOW = re.compile(
    r"(?:(?<=pregnant)|(?<=pregnancy)|(?<=feeding)|(?<=lactating)|(?<=lactation)|(?<=nursing))"
    r" \((?:as )?(?:stated|reported|declared) by (?:the )?(?:patient|participant|subject)\)"
)
# The same learnt from the patient, said before the state or after "pregnant" ("Self-reported
# pregnancy", NCT03797768 exc-2, NCT03868761 exc-5, NCT03924622 exc-10; "Self-reported pregnancy
# or lactation;", NCT03936569 exc-5; "Patient is pregnant per self-reporting or older than age 70
# years", NCT03798691 exc-9). Not a date or a history the patient reports ("pregnant, based on
# self-reported date of last menses"; "self-reported history of psychosis"): the lookahead holds
# the state's own word right after it.
_SELF_REPORTED = re.compile(
    r"^self-reported (?=(?:pregnancy|pregnant|lactation|lactating|breast-?feeding)\b)"
    r"|(?<=pregnant) per self-report(?:ing|ed)?\b"
)

# Either sex next to the age: no restriction ("Age >= 18, male or female;", "Male and Female;
# 18 years of age or older", "Age of 40~75 men and women").
_SEXES = r"(?:men|males?|women|females?)"
_EITHER_SEX_BY_AGE = re.compile(
    rf"^(?:(?:both )?{_SEXES} (?:and|or|and/or|&) {_SEXES}"
    r"|(?:(?:patients|subjects|participants) (?:of )?)?(?:any|either|both) (?:genders?|sex(?:es)?))"
    r"\s*[;,]?\s*"
    r"(?=(?:aged?\b|ages\b|>|<|\d|between\b|from\b))"
    rf"|{_AGE_END}\s*[,;]?\s*\(?(?:(?:both )?{_SEXES} (?:and|or|and/or|&) {_SEXES}"
    r"|(?:and |with )?no (?:gender|sex) (?:limitations?|restrictions?|limits?)"
    r"|(?:of )?both (?:genders?|sexes|sex)|regardless of (?:gender|sex))\)?(?=\s*[.;,]?\s*$)"
    # Between the subject and its age: "Individuals regardless of gender older than 18 years".
    r"|,? (?:regardless of (?:gender|sex)|of (?:either|any|both) (?:genders?|sex(?:es)?)),?"
    r"(?= (?:aged?\b|ages\b|>|<|\d|between\b|from\b))"
)
# Whose age: "Patient's age >= 15 years", "Patients' age from 18 to 60 years old".
_AGE_OWNER = re.compile(r"^(?:the )?(?:patient|participant|subject)(?:'s|s') (?=age\b)")
# Comparators worded as nobody would in a form ("Aged greater than and equal to 30 years", "is
# equal to or older than 18 years old"; normalization has made "greater" / "older" ">"), and
# look-alike characters ("Age ˂ 35 years", "age＞18").
_WORDED_AT_LEAST = re.compile(
    r"\bequal (?:to )?or >|> and equal to|\b(?:more|greater) or equal(?: to)?"
)
_LOOKALIKE = {"˂": "<", "˃": ">", "＜": "<", "＞": ">"}

_ABOUT_AGE = re.compile(r"\bage[ds]?\b|\bold\b|\byears?\b|\byrs\b")
# (pattern, cheap triggers, whether the text must speak of age at all).
PHRASING_NOISE: tuple[tuple[re.Pattern[str], tuple[str, ...], bool], ...] = (
    # The note first: "18 to 85 years of age inclusive at screening" then loses its moment.
    (_AGE_BOUNDS_NOTE, ("inclusive", "upper", "age limit"), True),
    (_AGE_MOMENT, (" at ", " upon ", " on ", " as of "), True),
    (_AGE_SUBJECT, ("child", "adolescent", "teenager", "older adults", "elderly"), True),
    (_EITHER_SEX_BY_AGE, (" men", "women", "male", "gender", "sex"), True),
    (_AGE_OWNER, ("'s age", "s' age"), True),
    (_CURRENT_PREGNANCY, ("ongoing", "active", "existing", "in progress"), False),
    (_NEGATED_STATE_SUBJECT, (" not be ",), False),
    (_STATE_PERIOD, (" period", "nursing a", "nursing an", "nursing ("), False),
    (_STATED_HOW, (" by the ", " by patient", " by participant", " by subject"), False),
    (_SELF_REPORTED, ("self-report",), False),
)


def _may_be_about_age(text: str) -> bool:
    # Each match of `_ABOUT_AGE` holds "age", "old", "year" or "yrs". The gate before this one
    # was "age" or "y" (in most texts): a text whose only match is "old" still needs a "y".
    return has_any(text, ("age", "year", "yrs")) or ("old" in text and "y" in text)


def strip_phrasing(text: str) -> str:
    """The normalized text without the words `PHRASING_NOISE` and `_TESTED_HOW` cut out."""
    about_age = _may_be_about_age(text) and _ABOUT_AGE.search(text) is not None
    if about_age:
        text = _age_comparators(text)
    for pattern, triggers, needs_age in PHRASING_NOISE:
        if needs_age and not about_age:
            continue
        for trigger in triggers:
            if trigger in text:
                text = pattern.sub("", text)
                break
    if "(" in text and ("pregnan" in text or "feeding" in text or "lactat" in text):
        text = _TESTED_HOW.sub(_without_test, text)
    return text


def _age_comparators(text: str) -> str:
    if not text.isascii():
        for lookalike, symbol in _LOOKALIKE.items():
            text = text.replace(lookalike, symbol)
    if "equal" in text:
        text = _WORDED_AT_LEAST.sub(">=", text)
    return text


def _without_test(match: re.Match[str]) -> str:
    return match.group(0) if _TESTED_HOW_REFUSAL.search(match["body"]) else ""


# ---------------------------------------------------------------- consequence clauses

_WHO = r"(?:(?:from |in |into |for )(?:participation in |entry into |enrol+ment in(?:to)? )?"
_STUDY = _WHO + r"(?:the |this )(?:clinical |research )?(?:study|trial|protocol|research))"
_PARTICIPATION = r"(?:participation|participating|enrol+ment)"
_EXCLUDED = re.compile(
    r"\s*[,;]?\s*(?:and |then |so |thus )?"
    r"(?:(?:will|would|shall|should|must|are|is|were|was|to) (?:also )?(?:be )?(?:also )?"
    r"(?:excluded|ineligible|not (?:be )?(?:eligible|enrol+ed|included|recruited|considered))"
    r"|(?:will|would|shall|should|can|could|may|must) not (?:be )?(?:enrol+ed|included|recruited"
    r"|eligible|considered|allowed|permitted|accepted|admitted|participate|take part|join)"
    r"|(?:cannot|can't|are not able to|will not be able to) (?:be )?(?:enrol+ed|included"
    r"|recruited|participate|take part|join))"
    rf"(?: {_STUDY})?(?: (?:from )?{_PARTICIPATION})?\s*[.;,]?\s*$"
)
# Definite statements of inclusion only: "may be included" or "are eligible" allow, they do not
# require, and are not read.
_INCLUDED = re.compile(
    r"\s*[,;]?\s*(?:(?:will|shall) be (?:included|enrol+ed|recruited)"
    r"|(?:in order )?to (?:participate|take part|enrol+|be (?:enrol+ed|included|eligible))"
    # "A BMI of 25 or greater is required for inclusion."
    r"|(?:is|are) required for (?:inclusion|eligibility|enrol+ment|participation))"
    rf"(?: {_STUDY})?\s*[.;,]?\s*$"
)
_CONSEQUENCE_TRIGGERS = (
    *("exclud", "ineligible", "not be", "not eligible", "not enrol", "not included", "cannot"),
    *("can't", "not able", "not participate", "not take", "not join", "not recruit"),
    *("not consider", "not allow", "not permit", "not accept", "not admit"),
    *("will be", "shall be", "to participate", "to take part", "to enrol", "to be "),
    "required for",
)
# The words `_EXCLUDED` and `_INCLUDED` can end with ("led" and "lment" for "enrol(l)ed" and
# "enrol(l)ment"; "enrol(l)" is tested apart): the searches try up to 240 positions each, so a
# text that ends otherwise is not searched.
_LAST_WORDS = (
    *("excluded", "eligible", "led", "included", "recruited", "considered", "allowed"),
    *("permitted", "accepted", "admitted", "participate", "take part", "join", "study", "trial"),
    *("protocol", "research", "participation", "participating", "lment"),
    *("inclusion", "eligibility"),
)
# "History of hepatitis B. Patients with hepatitis B within 5 years are excluded": the clause
# speaks of its own sentence only.
_CLAUSE_REACH = 240
_SENTENCE_BREAK = re.compile(r"[.;:](?:\s|$)")
_NEGATION = re.compile(r"\b(?:no|not|non|without|never|free|negative|neither|nor|none)\b")


@dataclass(frozen=True, slots=True)
class Consequence:
    """A last clause that only says what happens to the patients the rest describes."""

    rest: str
    """The text before it: who the bullet is about."""
    excludes: bool
    """True: they are excluded ("… would not be enrolled"); False: they are included."""


def consequence(text: str) -> Consequence | None:
    """The consequence clause at the end of a normalized text, or None."""
    for trigger in _CONSEQUENCE_TRIGGERS:
        if trigger in text:
            break
    else:
        return None
    last = text.rstrip().rstrip(".;,").rstrip()  # what `\s*[.;,]?\s*$` leaves
    if not last.endswith(_LAST_WORDS) and not last.rstrip("l").endswith("enro"):
        return None
    # The clause ends the text and is shorter than _CLAUSE_REACH: searching the tail finds the
    # same leftmost match without trying every earlier position.
    tail = max(0, len(text) - _CLAUSE_REACH)
    for pattern, excludes in ((_EXCLUDED, True), (_INCLUDED, False)):
        match = pattern.search(text, tail)
        if match is not None and match.start() > 0:
            rest = text[: match.start()].strip(" ,;")
            if rest and not _SENTENCE_BREAK.search(rest):
                return Consequence(rest, excludes)
    return None


def has_negation(text: str) -> bool:
    """Whether the words say "not": the inclusion reading of "… are excluded" then refuses
    (an exclusion list reads "No X" as X, so its reading would come out the wrong way)."""
    return bool(_NEGATION.search(text))


def names_any_malignancy(criterion: Criterion) -> bool:
    """Whether a reading names "any malignancy" (not "another"): in a cancer study "Patients with
    a history of any malignancy are ineligible" means another one, which the plain reading
    cannot tell. Such a bullet is not read through its consequence clause."""
    if criterion.kind is Kind.COMBINATION:
        return any(names_any_malignancy(child) for child in criterion.children)
    return (
        criterion.kind is Kind.CONDITION
        and criterion.concept == "malignant-neoplasm"
        and "other-primary" not in criterion.qualifiers
    )


_FLIPPED: dict[str, Comparator] = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def negate(criterion: Criterion) -> Criterion | None:
    """NOT criterion, pushed down to the leaves (De Morgan): what an inclusion list means by
    "X are excluded". An age bound is turned round ("NOT age < 18" is "age >= 18"). None when
    the negation cannot be pushed down (an at-least, a negated or per-cohort combination)."""
    if criterion.kind is Kind.COMBINATION:
        if (
            criterion.combination not in ("all-of", "any-of")
            or criterion.negated
            or criterion.cohort is not None
        ):
            return None
        children = [negate(child) for child in criterion.children]
        if any(child is None for child in children):
            return None
        code: CombinationCode = "any-of" if criterion.combination == "all-of" else "all-of"
        return replace(
            criterion, combination=code, children=tuple(c for c in children if c is not None)
        )
    if (
        criterion.kind is Kind.AGE
        and not criterion.negated
        and criterion.high is None
        and criterion.comparator in _FLIPPED
    ):
        return replace(criterion, comparator=_FLIPPED[criterion.comparator])
    return replace(criterion, negated=not criterion.negated)
