"""Age (the criterion text; the structured CT.gov ages are handled by evidence_variable)."""

from __future__ import annotations

import re
from itertools import pairwise

from fhirtrial.eligibility.model import CombinationCode, Criterion, Kind
from fhirtrial.eligibility.rules.age_units import with_population
from fhirtrial.eligibility.rules.ages import OTHER_AGE
from fhirtrial.eligibility.rules.base import CMP, Match, comparator, has_any, normalize, to_number

_YEARS = r"(?:years?|yrs?|y/o|y\.o\.|yo\b|y(?![\w/.-]))"  # "Age > 18y"
_PATTERNS = (
    # "age >= 18 years", "aged > 18 years", "adult patients > 18 years", "age > 18"
    re.compile(
        rf"\b(?:age[ds]?|adults?(?: patients)?|patients aged)\s*(?:of\s*|is\s*)?{CMP}\s*(?:to\s*)?"
        rf"(?P<num>\d+)\s*(?:{_YEARS})?(?: (?:of age"
        r"|old))?(?: at [a-z ]*?(?:consent|registration|screening|enrollment|enrolment|inclusion))?"
    ),
    # ">= 18 years of age", "< 80 years old", "> 50-year-old", "> 18 yo", "over than 18 years"
    re.compile(
        rf"{CMP}\s*(?:than\s*)?(?P<num>\d+)\s*-?{_YEARS}(?:[- ](?:of age"
        r"|old))?(?: at [a-z ]*?(?:consent|registration|screening|enrollment|enrolment|inclusion))?"
    ),
    # "18 years or older", "18 years of age and older", "aged 18 and above", "18 years of age
    # or more", "Ages of 18 and above", "Age: 18 years or over"
    re.compile(
        rf"(?:(?:aged?|ages)(?::| of)? )?(?P<num>\d+)\s*(?:{_YEARS}\s*)?(?:of age |old )?(?:or"
        r"|and) (?:older|above|more|>(?!\s*\d))"
        r"(?: of age)?"
    ),
    # "18 years or younger", "age of 18 years or younger"
    re.compile(
        rf"(?:(?:aged?|ages)(?::| of)? )?(?P<num>\d+)\s*(?:{_YEARS}\s*)?(?:of age |old )?"
        r"(?:or|and) (?:younger"
        r"|less|<(?!\s*\d))(?: of age)?"
    ),
)
# Groups of substrings every match of the pattern at the same position contains (one of each
# group): the patterns have no literal prefix, so a search tries every position of the text.
_PATTERN_TRIGGERS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("<", ">", "="), ("age", "adult")),
    (("<", ">", "="), ("year", "yr", "yo", "y/o", "y.o", "y")),
    (("or older", "or above", "or more", "or >", "and older", "and above", "and >"),),
    (("or younger", "or less", "or <", "and younger", "and <"),),
)
_RANGE = re.compile(
    r"(?:\b(?:aged?|patients) (?:between )?"
    rf"|\bbetween )(?P<low>\d+)\s*(?:{_YEARS} )?(?:to|and|-)\s*"
    rf"(?P<high>\d+)\s*{_YEARS}(?: (?:of age|old))?"
)


# Every age pattern has a comparator, "older" / "above", or a unit of years.
_AGE_TRIGGERS = ("<", ">", "=", "older", "above", "more", "younger", "less", "year", "yr")


# In a bullet about age ("age", "aged", "years old", "of age") and nothing else that is counted
# in years, every bound is an age bound: "Age >= 18 and <= 65 years", "age < 18 or > 60",
# "older than 14 years and younger than 25 years old", "18 < age < 80".
_AGE_ANCHOR = re.compile(r"\bage[ds]?\b|\byears? old\b|\bof age\b")
_OTHER_DURATION = re.compile(
    r"\b(?:history|for|since|within|ago|prior|previous|previously|diagnos\w*|duration|smok\w*"
    r"|pack|experience|free|remission|before|after|last|past|follow\w*|survival|expectancy"
    r"|disease|menopaus\w*|amenorrh\w*|months?|weeks?|days?)\b"
)
_BOUND = re.compile(
    rf"{CMP}\s*(?P<num>\d{{1,3}})(?!\d|[.,]\d|\s*%)\s*(?:{_YEARS})?(?: (?:of age|old))?"
    r"(?! *(?:x|mg|kg|cm|mm|g|ml|l|/|%|times|fold)\b)"
)
_BOUND_BEFORE_AGE = re.compile(rf"(?P<num>\d{{1,3}})\s*(?:{_YEARS}\s*)?{CMP}\s*(?=age[ds]?\b)")
_FLIP: dict[str, str] = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "="}


# A lower and an upper bound side by side are one range, in an exclusion list too (where "A and
# B" otherwise means that each excludes): "aged >= 18, and < 80 years", "18 < age < 80".
_RANGE_GAP = re.compile(r"^\s*,?\s*(?:and|&)?\s*,?\s*(?:age[ds]?\s*)?$")


def _age_bullet_bounds(text: str) -> list[Match]:
    if not has_any(text, ("age", "old")) or not _AGE_ANCHOR.search(text):
        return []
    if _OTHER_DURATION.search(text):
        return []
    bounds: list[Match] = []
    for pattern, flip in ((_BOUND, False), (_BOUND_BEFORE_AGE, True)):
        for match in pattern.finditer(text):
            value = to_number(match["num"])
            if value > 120:
                continue
            symbol = _FLIP[match["cmp"]] if flip else match["cmp"]
            criterion = Criterion(Kind.AGE, comparator=comparator(symbol), value=value, unit="a")
            bounds.append(Match(criterion, match.start(), match.end()))
    bounds.sort(key=lambda m: m.start)
    found: list[Match] = []
    for first, second in pairwise(bounds):
        by_direction = {(m.criterion.comparator or "")[:1]: m.criterion for m in (first, second)}
        low, high = by_direction.get(">"), by_direction.get("<")
        if (
            first.end <= second.start
            and low is not None
            and high is not None
            and (low.value or 0) < (high.value or 0)  # "< 18 and > 65" is two exclusions
            and _RANGE_GAP.match(text[first.end : second.start])
        ):
            both = Criterion(
                Kind.COMBINATION,
                children=(first.criterion, second.criterion),
                combination="all-of",
            )
            found.append(Match(both, first.start, second.end))
    return found + bounds


def find_age(text: str) -> list[Match]:
    if not has_any(text, _AGE_TRIGGERS):
        return []
    found = _find_age(text)
    return [] if found and OTHER_AGE.search(text) else with_population(text, found)


def _find_age(text: str) -> list[Match]:
    found: list[Match] = _age_bullet_bounds(text) + _two_bounds(text)
    if ("year" in text or "yr" in text) and has_any(text, ("age", "patients", "between")):
        for match in _RANGE.finditer(text):
            criterion = Criterion(
                Kind.AGE, value=float(match["low"]), high=float(match["high"]), unit="a"
            )
            found.append(Match(criterion, match.start(), match.end()))
    for pattern, trigger_groups in zip(_PATTERNS, _PATTERN_TRIGGERS, strict=True):
        if not _has_one_of_each(text, trigger_groups):
            continue
        for match in pattern.finditer(text):
            if not _age_context(text, match) and not _follows_an_age(text, match, found):
                continue
            symbol = match.groupdict().get("cmp") or (">=" if pattern is not _PATTERNS[3] else "<=")
            criterion = Criterion(
                Kind.AGE, comparator=comparator(symbol), value=to_number(match["num"]), unit="a"
            )
            found.append(Match(criterion, match.start(), match.end()))
    return found


_NEXT_BOUND_GAP = re.compile(r"^\s*,?\s*(?:or|and)?\s*$")


def _follows_an_age(text: str, match: re.Match[str], found: list[Match]) -> bool:
    """ "Subject under 18 years or over 70 years": a bound in years right after an age bound
    is the other end of the age."""
    return any(
        m.criterion.kind is Kind.AGE
        and m.end <= match.start()
        and _NEXT_BOUND_GAP.match(text[m.end : match.start()]) is not None
        for m in found
    )


def _has_one_of_each(text: str, groups: tuple[tuple[str, ...], ...]) -> bool:
    for group in groups:  # noqa: SIM110 (a plain loop: no generator)
        if not has_any(text, group):
            return False
    return True


# The sex as the subject of the bullet: first, after a lead that only says who ("Patient must
# be female", "Subject is an ambulatory female …" is not: "ambulatory" is read by nobody), or
# right after the age ("18-35-year-old women", "Aged > 20 years old female patients"). Then
# nothing, the age, or its "(mandatory)" / "sex" / "gender" — never a condition or a measure
# said "in women" ("QTc > 450 ms in women" is no sex criterion) — or "with" what they have
# ("Women with epilepsy", "Men with breast cancer": the sex and the diagnosis, each read by its
# finder; not before a pregnancy, whose finder says the sex itself).
_SEX_LEAD = (
    r"(?:(?:the )?(?:patient|subject|participant)s? (?:must be|should be|is|are|will be) (?:an? )?"
    r"|all |being )?"
)
_SEX_WORD = r"(?P<sex>women|woman|females?|men|man|males?)"
# The subject word after the sex is filler: the match ends before it, so that an age read from
# it ("male patients aged > 18") does not overlap.
_SEX_AFTER = (
    r"(?P<named>(?: (?:sex|gender))?)(?: (?:patients?|subjects?|participants?|volunteers?))?"
    r"(?P<only>(?: only)?(?: \(mandatory\))?)"
)
_SEX = re.compile(
    rf"^{_SEX_LEAD}{_SEX_WORD}{_SEX_AFTER}"
    r"(?=\s*[.;,]?\s*$| (?:(?:who are )?(?:aged?\b|between\b|from\b|>=|>|<=|<|\d)"
    r"|at the age\b|will be \d|of age\b|with (?![^,;.]*pregnan)(?=[a-z]))"
    r"|\s*,\s*(?:aged?\b|>=|>|<=|<|\d|between\b))"
)
# "18-35-year-old women", "Aged > 20 years old female patients;", "Age of 40~75 men".
_SEX_AFTER_AGE = re.compile(
    rf"(?:(?<=old)|(?<=years)|(?<=year)|(?<=\d)) {_SEX_WORD}{_SEX_AFTER}(?=\s*[.;,]?\s*$)"
)


_SEX_WORDS = ("male", "men", "man")


def find_sex(text: str) -> list[Match]:
    """ "Women aged 18 to 80 years", "Male", "Patient must be female": the subject word
    restricts sex."""
    # Both patterns are anchored (at the start, at the end): only the ends are looked at.
    tail = max(0, len(text) - 45)
    found = []
    for match in (
        _SEX.match(text) if has_any(text[:60], _SEX_WORDS) else None,
        _SEX_AFTER_AGE.search(text, tail) if has_any(text[tail:], _SEX_WORDS) else None,
    ):
        if match:
            sex = "female" if match["sex"].startswith(("wom", "fem")) else "male"
            end = match.end() if match["only"] else match.end("named")
            found.append(Match(Criterion(Kind.SEX, value_concept=sex), match.start(), end))
    return found


def _age_context(text: str, match: re.Match[str]) -> bool:
    """Years mean age only when the words say so (not "disease-free for > 5 years"), or when
    the bullet says nothing else: "Over 18 years", "> 35 years." in a list of criteria."""
    span = match.group(0)
    if re.search(r"\bage|\bold\b|older|adult", span):
        return True
    if "y" not in span:
        return False  # no unit: "> 18" alone may be anything
    if _YEARS_OF_SOMETHING.match(text, match.end()):
        return False  # "Subjects > 5 years of education", "Patients > 2 years of follow-up"
    before = text[max(0, match.start() - 25) : match.start()]
    if _SUBJECT_BEFORE.search(before):
        return True
    if _SUBJECT_CLAUSE_BEFORE.search(before) and _YEARS_END.match(text, match.end()):
        return True
    if _LAST_ITEM_BEFORE.search(before) and _last_item_of_the_bullet(text, match):
        return True  # "Pregnant, breastfeeding or younger than 18": the patient's age
    # The bullet is the age alone, perhaps in parentheses once its subject was set aside
    # ("Older adults (>= 65 years)": `phrasing` drops the subject the age restates).
    return not text[: match.start()].strip(" (") and not text[match.end() :].strip(" .;)")


# The last item of a list: "…, or < 18 years" (normalized "or younger than 18"), when nothing in
# the bullet counts another duration in years.
_LAST_ITEM_BEFORE = re.compile(r"(?:,|\bor|\band/or)\s*$")


def _last_item_of_the_bullet(text: str, match: re.Match[str]) -> bool:
    if text[match.end() :].strip(" .;)") or _OTHER_DURATION.search(text):
        return False
    return _SOMEONE_ELSE.search(text) is None  # "Mothers of infants, or < 18 years": whose?


_SOMEONE_ELSE = re.compile(
    r"\b(?:child\w*|infants?|babies|baby|newborns?|mothers?|fathers?|parents?|partners?"
    r"|spouses?|caregivers?|donors?|siblings?|relatives?|famil(?:y|ies)|household)\b"
)


# Two bounds in years, and nothing else: "> 18 years and < 65 years" (normalized "Older than 18
# and younger than 65"); the second may leave its unit to the first ("Over 18 years and up to
# 65").
_TWO_BOUNDS = re.compile(
    rf"^(?P<c1>>=|>)\s*(?P<low>\d{{1,3}})\s*{_YEARS}\s*,?\s*and\s*(?P<c2><=|<)\s*"
    rf"(?P<high>\d{{1,3}})\s*(?:{_YEARS})?\s*[.;]?$"
)
# "< 18 years or > 80 years" (normalized "Younger than 18 or older than 80"): either end.
_EITHER_END = re.compile(
    rf"^(?P<c1><=|<)\s*(?P<low>\d{{1,3}})\s*{_YEARS}\s*,?\s*or\s*(?P<c2>>=|>)\s*"
    rf"(?P<high>\d{{1,3}})\s*{_YEARS}\s*[.;]?$"
)


def _two_bounds(text: str) -> list[Match]:
    """The bullet "> 18 years and < 65 years" as one range (in an exclusion list too), and
    "< 18 years or > 80 years" as either end."""
    first = text[:1]
    pattern = _TWO_BOUNDS if first == ">" else _EITHER_END if first == "<" else None
    match = pattern.match(text) if pattern is not None else None
    if match is None or not int(match["low"]) < int(match["high"]) <= 120:
        return []
    ends = (
        Criterion(
            Kind.AGE, comparator=comparator(match["c1"]), value=float(match["low"]), unit="a"
        ),
        Criterion(
            Kind.AGE, comparator=comparator(match["c2"]), value=float(match["high"]), unit="a"
        ),
    )
    code: CombinationCode = "all-of" if pattern is _TWO_BOUNDS else "any-of"
    both = Criterion(Kind.COMBINATION, children=ends, combination=code)
    return [Match(both, 0, match.end())]


# "Patients > 18 years", "Adult patients (>= 18 years)", "Adult ICU patients (>18 yrs)",
# "Healthy volunteers >= 18 years", "Outpatients >= 65 years", "Participant is >= 18 years".
_SUBJECT_BEFORE = re.compile(
    r"\b(?:age[d]?(?: of)?|be|patients?|participants?|subjects?|women|men|adults?|volunteers?"
    r"|individuals?|people|persons?|outpatients?|inpatients?|residents?|students?|employees?"
    r"|workers?|(?:patients?|participants?|subjects?|volunteers?|they) (?:is|are))\s*\(?\s*$"
)
# Years of something else than age after the bound: a duration.
_YEARS_OF_SOMETHING = re.compile(
    r"\s*(?:of\b(?!\s+age\b)|since\b|after\b|ago\b|post\b|duration\b|history\b|experience\b"
    r"|follow)"
)
# "patients who are > 18 years", "Being > 18 years;": a subject said in a clause, then the years
# and nothing that makes them a time since something ("who were > 10 years smokers").
_SUBJECT_CLAUSE_BEFORE = re.compile(
    r"\b(?:(?:patients?|participants?|subjects?|individuals|women|men|adults?)"
    r" (?:who|that) (?:are|is|were)|being)\s*$"
)
_YEARS_END = re.compile(r"\s*(?:[.;,]|$|and\b)")


__all__ = ["find_age", "find_sex", "normalize"]
