"""Age as criteria write it without a comparator: ranges ("Age 18-64", "45-75 years of age",
"between the ages of 18 and 70"), "under the age of 19", "age 60+".

Kept apart from `demographics` (the comparator forms): every pattern here needs "age" or
"years old / of age" next to the numbers, and months, weeks and days are never read as years;
`age_units` reads them, in their own unit ("Children aged 6-36 months": 6..36 mo).
Gestational, bone and onset ages are not the patient's age and are left alone.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.age_bound_ranges import find_age_bound_ranges
from fhirtrial.eligibility.rules.age_units import find_ages_in_small_units, with_population
from fhirtrial.eligibility.rules.base import Match, comparator, has_any

# "y" as protocols abbreviate years ("Age > 18y", "18-65 y"): only right after the number.
_YEARS = r"(?:years?|yrs?|y(?![\w/.-]))"
# "18-60 y/o", "18_60 yo": years old, abbreviated.
_YEARS_OLD = r"(?:y/o|y\.o\.?|yo)(?![\w/])"
_NOT_YEARS = r"(?!\s*(?:months?|weeks?|days?|mos?|wks?|hours?|h\b|kg|cm|%|\.\d))"
# The literal first (the regex engine then looks for "age" quickly), the word boundary after.
_AGE_WORD = (
    r"age(?<![\w-]age)(?<!gestational age)(?<!gestation age)(?<!bone age)(?<!corrected age)[sd]?"
)
# "Age 18-64", "Ages 18 to 59", "Age: 50-80 years", "Age (20-50)", "age range 18-90 years",
# "aged between 18 and 65", "age from 50 to 75 years old" ("50 an 65 years": a typo of "and").
_AGE_THEN_RANGE = re.compile(
    rf"{_AGE_WORD}(?: range| group)?\s*(?:[:;.]\s*|\(|of |between |from |is |range |in )*"
    rf"(?P<low>\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:old\s*)?(?:-|_|to|and?|~)\s*(?P<high>\d{{1,3}})"
    rf"{_NOT_YEARS}(?:\s*{_YEARS_OLD}|\s*{_YEARS}(?: (?:old|of age))?)?\)?"
)
# "45-75 years of age", "18 - 85 years old", "from 40 to 80 years old", "20-70 age",
# "65-80 aged".
_RANGE_THEN_AGE = re.compile(
    rf"(?<![\w.,-])(?:from |between )?(?P<low>\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:-|_|to|and|~)\s*"
    rf"(?P<high>\d{{1,3}})\s*(?:(?:-\s*)?{_YEARS}(?:-| )(?:old|of age)|{_YEARS_OLD}"
    r"|aged?(?=\s*(?:[.;,)]|$)))"
)
# A bullet that is only a range of years is an age: "18-40 years", "From 18 to 25 years",
# "Subjects of 40-70 years.", "18 years to 50 years; <another criterion>".
_BARE_RANGE = re.compile(
    rf"^(?:(?:patients|subjects|participants|individuals|women|men|males?|females?),? "
    r"(?:of |aged? )?)?(?P<range>(?:from |between )?"
    rf"(?P<low>\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:-|_|to|and|~)\s*(?P<high>\d{{1,3}})\s*"
    rf"(?:{_YEARS_OLD}|{_YEARS}(?: old| of age)?))(?=\s*(?:[.;]|$))"
)
# "between the ages of 18 and 70 years old", "between age 18 and 75".
_BETWEEN_AGES = re.compile(
    rf"between (?:the )?ages? (?:group )?(?:of )?(?P<low>\d{{1,3}})\s*(?:{_YEARS}\s*)?"
    rf"(?:and|to|-)\s*(?P<high>\d{{1,3}}){_NOT_YEARS}(?:\s*{_YEARS})?(?: (?:old|of age))?"
)
# "under the age of 19" (normalized "< the age of 19"), "age 60+ years", "18+ years of age".
_BOUND_AGE = re.compile(
    rf"(?P<cmp><=|>=|<|>)\s*(?:the )?age:? (?:of )?(?P<n>\d{{1,3}}){_NOT_YEARS}(?:\s*{_YEARS})?"
    rf"(?: (?:old|of age))?"
)
_PLUS = re.compile(
    rf"(?:{_AGE_WORD}\s*(?::\s*)?(?P<n>\d{{1,3}}) ?\+(?:\s*{_YEARS})?(?: (?:old|of age))?"
    rf"|(?<![\w.])(?P<n2>\d{{1,3}}) ?\+ ?{_YEARS}(?: (?:old|of age))?)"
)
# The age at some event is not the age at enrolment: "age at onset < 40", "18-65 years at
# diagnosis", "diagnosed at age > 50", a gestational or bone age. A bullet that names one is
# left to the residual check (text) by both age finders.
OTHER_AGE = re.compile(
    r"\bage (?:at|of) (?:the )?(?:onset|diagnosis|menarche|menopause|first|symptom|disease)"
    r"|\b(?:years?|yrs?|old|of age|\d)\s*,?\s*\(?\s*(?:at|when|upon) (?:the )?"
    r"(?:(?:time|date) of )?(?:(?:first|initial|primary) )?(?:diagnos|onset|symptom)"
    r"|\b(?:diagnos\w*|onset|first (?:diagnos\w*|symptoms?))\s+"
    r"(?:at|before|after|under|over|prior to|by)\s+(?:the\s+)?(?:age|\d)"
    r"|gestation|\bbone age|\bmental age|\bcorrected age|\bdevelopmental age"
)

# An age bound written in words, which no age finder reads: "under sixty years old", "more than
# eighteen", "< a year old". A reading that keeps an age read elsewhere in the bullet refuses.
WORDED_AGE = re.compile(
    r"[<>]=?\s*(?:[a-z-]+\s+){0,3}?(?:old|ages?|aged)\b"
    r"|[<>]=?\s*(?:[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b"
)

# Cheap substrings that every match of the pattern contains, in the same order.
_RANGE_PATTERNS = (
    (_AGE_THEN_RANGE, ("age ", "age:", "age;", "age.", "age(", "ages", "aged")),
    (_RANGE_THEN_AGE, ("old", "of age", "age", "y/o", "yo", "y.o")),
    (_BETWEEN_AGES, ("between",)),
)


def find_age_ranges(text: str) -> list[Match]:
    return with_population(
        text,
        _find_age_ranges(text) + find_ages_in_small_units(text) + find_age_bound_ranges(text),
    )


def _find_age_ranges(text: str) -> list[Match]:
    found: list[Match] = _bare_range(text)
    if not has_any(text, ("age", " old", "-old", "+", "y/o", "yo", "y.o")):
        return found
    for pattern, triggers in _RANGE_PATTERNS:
        if not has_any(text, triggers):
            continue
        for match in pattern.finditer(text):
            low, high = int(match["low"]), int(match["high"])
            if not low < high <= 120:
                continue
            criterion = Criterion(Kind.AGE, value=float(low), high=float(high), unit="a")
            found.append(Match(criterion, match.start(), match.end()))
    if ("<" in text or ">" in text) and ("age " in text or "age:" in text):
        for match in _BOUND_AGE.finditer(text):
            value = int(match["n"])
            if value <= 120:
                criterion = Criterion(
                    Kind.AGE, comparator=comparator(match["cmp"]), value=float(value), unit="a"
                )
                found.append(Match(criterion, match.start(), match.end()))
    if "+" in text:
        for match in _PLUS.finditer(text):
            value = int(match["n"] or match["n2"])
            if value <= 120:
                criterion = Criterion(Kind.AGE, comparator=">=", value=float(value), unit="a")
                found.append(Match(criterion, match.start(), match.end()))
    return [] if found and OTHER_AGE.search(text) else found


_BARE_STARTS = ("from", "between", "patients", "subjects", "participants", "individuals")
_BARE_SEX_STARTS = ("women", "men", "male", "female")


def _bare_range(text: str) -> list[Match]:
    if not (text[:1].isdigit() or text.startswith(_BARE_STARTS + _BARE_SEX_STARTS)):
        return []
    match = _BARE_RANGE.match(text) if has_any(text, ("year", "yr", "y/o", "yo", "y.o")) else None
    if match is None:
        return []
    low, high = int(match["low"]), int(match["high"])
    if not low < high <= 120:
        return []
    criterion = Criterion(Kind.AGE, value=float(low), high=float(high), unit="a")
    # The lead (a subject or sex word) is not part of the age.
    return [Match(criterion, match.start("range"), match.end())]
