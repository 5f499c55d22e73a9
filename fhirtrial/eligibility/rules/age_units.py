"""Ages in months, weeks and days, as pediatric and neonatal studies write them: "Children aged
6-36 months", "Age < 6 months", "less than 28 days old", "Postnatal age < 28 days", "Infant is
>= 1 and <= 6 month old", "Age between 8 months to 7 years" (a range across units is a lower
bound in one and an upper bound in the other).

Also the population word an age bound implies: "Children aged 6-36 months", "Minors aged < 22
years". It is absorbed into the age only when the age has an upper bound within that population
("Infants > 1 month of age" stays text: the form would lose the infant's upper bound).

Every pattern needs the age said as one ("age", "aged", "old", "of age", "of life") or a subject
word right before the bound. Gestational, corrected and postmenstrual ages are not the patient's
age: `OTHER_AGE` leaves the whole bullet to the residual check.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import CMP, MEAN_UCUM_DAYS, Match, comparator, has_any

_UNITS = {"month": "mo", "week": "wk", "wk": "wk", "day": "d", "year": "a", "yr": "a"}
_SMALL = r"(?:months?|weeks?|wks?|days?)"
_ANY = r"(?:months?|weeks?|wks?|days?|years?|yrs?)"
_MAX = {"a": 120, "mo": 240, "wk": 520, "d": 3660}
_OLD = r"(?:[- ](?:old|of age|of life))?"
_AGE = r"(?:(?:postnatal |chronological )?age[ds]?|aged)\b"
# "Age 6-36 months", "aged between 1 and 12 months", "between the age of 6 months and 5 years".
_AGE_RANGE = re.compile(
    rf"(?:between (?:the )?)?{_AGE}\s*(?:range\s*)?(?:[:]\s*|of |between |from |is )*"
    rf"(?P<low>\d{{1,3}})\s*(?P<u1>{_SMALL}\s*)?(?:-|to|and|~)\s*(?P<high>\d{{1,3}})\s*"
    rf"(?P<u2>{_ANY}){_OLD}"
)
# "12-23 months of age", "between 12 and 72 months old", "from 0 to 30 days of age".
_RANGE_OLD = re.compile(
    rf"(?<![\w.,-])(?:between |from )?(?P<low>\d{{1,3}})\s*(?P<u1>{_SMALL}\s*)?(?:-|to|and|~)\s*"
    rf"(?P<high>\d{{1,3}})\s*(?P<u2>{_ANY})[- ](?:old|of age|of life)"
)
# A bullet that is only the range, after a subject word or across units: "Infants 3-95 days",
# "Between 2 months and 5 years" (a bare "6-12 months" is a duration as often as an age).
_BARE_RANGE = re.compile(
    r"^(?P<who>(?:patients|subjects|participants|infants?|children|neonates?|newborns?)\s+)?"
    rf"(?P<range>(?:between |from )?(?P<low>\d{{1,3}})\s*(?P<u1>{_SMALL}\s*)?(?:-|to|and|~)\s*"
    rf"(?P<high>\d{{1,3}})\s*(?P<u2>{_ANY}))(?=\s*[.;]?\s*$)"
)
# "age < 6 months", "Postnatal age < 28 days", "< 28 days old", "> 1 month of age".
_AGE_BOUND = re.compile(
    rf"{_AGE}\s*(?:is\s*|of\s*)?{CMP}\s*(?P<num>\d{{1,4}})\s*(?P<unit>{_SMALL}){_OLD}"
    r"|(?P<cmp2><=|>=|<|>)"
    rf"\s*(?P<num2>\d{{1,4}})\s*(?P<unit2>{_SMALL})[- ](?:old|of age|of life)"
)
# "Infants < 6 months": a young population and the bound, nothing after ("Patients > 6 months"
# may be a time since something the bullet's lead-in names).
_SUBJECT_BOUND = re.compile(
    r"(?:infants?|neonates?|newborns?|babies|children)\s*"
    rf"(?P<bound>{CMP}\s*(?P<num>\d{{1,4}})\s*(?P<unit>{_SMALL}))(?=\s*[.;]?\s*$)"
)
# "Infant is >= 1 and <= 6 month old", "older than 6 months and younger than 80 years": the
# first bound may take its unit from the second.
_BOUND_PAIR = re.compile(
    rf"(?P<c1><=|>=|<|>)\s*(?P<n1>\d{{1,4}})\s*(?P<u1>{_ANY})?\s*,?\s*(?P<join>and|or|&)\s*"
    rf"(?:age[ds]?\s*)?(?P<c2><=|>=|<|>)\s*(?P<n2>\d{{1,4}})\s*(?P<u2>{_ANY}){_OLD}"
)
# Ages of something other than the patient now.
_OTHER = re.compile(
    r"gestation|corrected|post-?menstrual|post-?conception\w*|\bbone age|\bmental age"
    r"|developmental|\bat (?:birth|delivery|diagnosis|onset|the time of (?:diagnosis|surgery))"
    r"|\bhours?\b|\bh of life"
)


# The word before "age" says whose age it is: the patient's only after a subject, a filler word or
# nothing ("Ulcer age < 4 weeks" is not the patient's).
_WHOSE_AGE = frozenset(
    {
        *("the", "a", "an", "their", "whose", "patient's", "patients'", "is", "are", "be", "of"),
        *("at", "with", "and", "between", "postnatal", "chronological", "current", "infant's"),
        *("infant", "infants", "child", "children", "neonate", "neonates", "newborn", "newborns"),
        *("patient", "patients", "subject", "subjects", "participant", "participants", "who"),
    }
)
_LAST_WORD = re.compile(r"([a-z']+)[^a-z']*$")


def _patients_age(text: str, start: int) -> bool:
    before = text[max(0, start - 30) : start]
    if not before.strip(" (:;,.-0123456789"):
        return True
    last = _LAST_WORD.search(before)
    return last is None or last.group(1) in _WHOSE_AGE


_OPENING = frozenset("0123456789<>bf")  # a number, a bound, "between", "from"


def _unit(word: str | None) -> str | None:
    if not word:
        return None
    word = word.strip()
    for stem, unit in _UNITS.items():
        if word.startswith(stem):
            return unit
    return None


def _in_days(value: float, unit: str) -> float:
    return value * MEAN_UCUM_DAYS[unit]


# Every pattern needs one of these (an age word, a young population, or a bullet that opens
# with the numbers).
_CONTEXT_TRIGGERS = ("age", "old", "of life", "infant", "neonat", "newborn", "bab", "child")


def find_ages_in_small_units(text: str) -> list[Match]:
    if not has_any(text, ("month", "week", "wk", "day")):
        return []
    if not (has_any(text, _CONTEXT_TRIGGERS) or text.lstrip()[:1] in _OPENING) or _OTHER.search(
        text
    ):
        return []
    found: list[Match] = []
    for match in _ranges(text):
        found.append(match)
    if has_any(text, ("<", ">")):
        found.extend(_bounds(text))
    return found


def _ranges(text: str) -> list[Match]:
    found: list[Match] = []
    matches = [*_AGE_RANGE.finditer(text), *_RANGE_OLD.finditer(text)]
    bare = _BARE_RANGE.match(text)
    if bare and (bare["who"] or _unit(bare["u1"]) not in (None, _unit(bare["u2"]))):
        matches.append(bare)
    for match in matches:
        if not _patients_age(text, match.start()):
            continue
        low_unit, high_unit = _unit(match["u1"]), _unit(match["u2"])
        if high_unit is None or (low_unit is None and high_unit == "a"):
            continue  # years only: the years finders' job
        low_unit = low_unit or high_unit
        low, high = float(match["low"]), float(match["high"])
        if high > _MAX[high_unit] or _in_days(low, low_unit) >= _in_days(high, high_unit):
            continue
        start = match.start("range") if "range" in match.groupdict() else match.start()
        if low_unit == high_unit:
            criterion = Criterion(Kind.AGE, value=low, high=high, unit=high_unit)
        else:
            criterion = _pair(
                Criterion(Kind.AGE, comparator=">=", value=low, unit=low_unit),
                Criterion(Kind.AGE, comparator="<=", value=high, unit=high_unit),
            )
        found.append(Match(criterion, start, match.end()))
    return found


def _pair(low: Criterion, high: Criterion) -> Criterion:
    return Criterion(Kind.COMBINATION, children=(low, high), combination="all-of")


def _bounds(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _AGE_BOUND.finditer(text):
        if not _patients_age(text, match.start()):
            continue
        symbol, number = match["cmp"] or match["cmp2"], match["num"] or match["num2"]
        unit = _unit(match["unit"] or match["unit2"])
        if unit is not None and int(number) <= _MAX[unit]:
            found.append(Match(_bound(symbol, number, unit), match.start(), match.end()))
    for match in _SUBJECT_BOUND.finditer(text):
        unit = _unit(match["unit"])
        if unit is not None and int(match["num"]) <= _MAX[unit]:
            criterion = _bound(match["cmp"], match["num"], unit)
            found.append(Match(criterion, match.start("bound"), match.end()))
    for match in _BOUND_PAIR.finditer(text):
        second_unit = _unit(match["u2"])
        first_unit = _unit(match["u1"]) or second_unit
        if second_unit is None or first_unit is None or "a" == first_unit == second_unit:
            continue
        if not _said_as_an_age(text, match):
            continue
        first = _bound(match["c1"], match["n1"], first_unit)
        second = _bound(match["c2"], match["n2"], second_unit)
        if max(int(match["n1"]), int(match["n2"])) > _MAX[second_unit]:
            continue
        if match["u1"] is None:  # the first bound has no unit: it is read only as part of the pair
            if not _is_range(first, second):
                continue
            found.append(Match(_pair(first, second), match.start(), match.end()))
            continue
        if _is_range(first, second) and match["join"] != "or":
            found.append(Match(_pair(first, second), match.start(), match.end()))
        found.append(Match(first, match.start(), match.end("u1")))
        found.append(Match(second, match.start("c2"), match.end()))
    return found


def _bound(symbol: str, number: str, unit: str) -> Criterion:
    return Criterion(Kind.AGE, comparator=comparator(symbol), value=float(number), unit=unit)


def _is_range(first: Criterion, second: Criterion) -> bool:
    ends = {(c.comparator or "")[:1]: c for c in (first, second)}
    low, high = ends.get(">"), ends.get("<")
    if low is None or high is None:
        return False
    return _in_days(low.value or 0, low.unit or "a") < _in_days(high.value or 0, high.unit or "a")


_PAIR_CONTEXT = re.compile(
    r"(?:\bage[ds]?|patients|subjects|participants|infants?|neonates?|newborns?|children|"
    r"genders|is|are)\s*(?:is\s*|are\s*|of\s*)?$"
)


def _said_as_an_age(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 30) : match.start()]
    if not before.strip() and _unit(match["u1"]) not in (None, _unit(match["u2"])):
        # The bullet opens with bounds in two units, "> 6 months and < 80 years": an age (a
        # duration is said in one unit); the residual check reads the rest.
        return True
    if context := _PAIR_CONTEXT.search(before):
        return _patients_age(text, match.start() - len(before) + context.start())
    return match.group(0).endswith(("old", "of age"))


# A population word and the oldest age (in days) it stands for: the age read after it must
# keep within that age for the word to add nothing.
_POPULATION = re.compile(
    r"(?:^|(?<=[\s(]))(?P<pop>(?:children|child)(?: (?:or|and|/) adolescents?)?|minors?|kids"
    r"|infants?|babies|baby|neonates?|newborns?|adolescents?|teenagers?)"
    r"(?: (?:patients?|subjects?|participants?))?\s*,?\s*"
    r"(?:(?:who|that) (?:are|is)\s*|whose\s*|aged?\s*|is\s*|are\s*|at\s*"
    r"|(?:at )?(?:the )?age of\s*)*$"
)
# "Children, adults under 21 years of age": children and the adults under the bound are everyone
# under it, when the bound is past childhood and there is no lower one.
_CHILDREN_AND_ADULTS = re.compile(
    r"(?:^|(?<=[\s(]))(?P<pop>children|minors)\s*,?\s*(?:and |or |and/or )?(?:young )?adults\s*"
    r"(?:aged?\s*)?$"
)
# Words before the population word that make it someone else than the patient: "having a
# child aged 3-5", "mother of an infant aged 1-6 months", "their child".
_OTHER_PERSON = re.compile(
    r"\b(?:hav(?:e|ing)|has|had|with|of|their|his|her|whose|my|your|own|raising|caring for)"
    r"\s+(?:(?:an?|one|at least one|a young|young)\s+)?$"
)
_POPULATION_OLDEST = {"neo": 31.0, "new": 31.0, "inf": 366.0, "bab": 366.0}
_CHILD_OLDEST = 18 * 365.25 + 365


# Why the study wants that age, in a parenthesis that ends the bullet: "Aged 21-45 (advanced age
# can hinder hormone levels)", "18-65 years old (to avoid outcomes being affected by aging)". It
# restricts nobody: no number, negation, alternative, allowance or condition in it.
_EXPLANATION = re.compile(
    r"\s*\((?:to (?:avoid|ensure|limit|reduce|minimi[sz]e)|because|due to|since|given"
    r"|considering|advanced age|older age|aging|ageing)\b[^()\d<>=]*\)\s*[.;]?\s*$"
)
_EXPLANATION_REFUSAL = re.compile(
    r"\b(?:not|no|non|without|or|unless|except\w*|if|only|allow\w*|eligible|included"
    r"|excluded|may|must|should)\b"
)


def with_population(text: str, matches: list[Match]) -> list[Match]:
    """The age matches, each extended over a population word right before it that its upper
    bound implies ("Children aged 6-36 months", "Minors aged < 22 years" — not "Children
    aged > 6 months", which the form would widen to adults), and over an explanation after it
    that ends the bullet."""
    if not matches:
        return matches
    if "(" in text:
        matches = [_with_explanation(text, match) for match in matches]
    if not has_any(
        text, ("child", "minor", "kids", "infant", "bab", "neonat", "newborn", "adol", "teen")
    ):
        return matches
    out: list[Match] = []
    for match in matches:
        lead = _POPULATION.search(text, 0, match.start) if match.start else None
        if lead is not None and _OTHER_PERSON.search(text, 0, lead.start("pop")):
            lead = None  # "having a child aged 3 to 5 years": the child's age, not the patient's
        oldest = _oldest(match.criterion)
        if lead is not None and oldest is not None:
            word = lead["pop"]
            limit = _POPULATION_OLDEST.get(word[:3], _CHILD_OLDEST)
            if word.startswith("minor"):
                limit = 22 * 365.25  # the age of majority is 18 to 21
            if word.startswith(("adolesc", "teen")):
                # Adolescence is bounded both ways: the age must be within 10 to 19 years.
                limit = 20 * 365.25
                youngest = _youngest(match.criterion)
                if youngest is None or youngest < 10 * 365.25:
                    limit = 0.0
            if oldest <= limit:
                match = Match(match.criterion, lead.start("pop"), match.end, match.kind)
        elif oldest is not None and oldest >= 18 * 365.25 and _youngest(match.criterion) is None:
            both = _CHILDREN_AND_ADULTS.search(text, 0, match.start)
            if both is not None:
                match = Match(match.criterion, both.start("pop"), match.end, match.kind)
        out.append(match)
    return out


def _oldest(criterion: Criterion) -> float | None:
    """The oldest age in days the criterion admits (the day before the next birthday counted
    as the bound), or None without an upper bound."""
    if criterion.kind is Kind.COMBINATION and criterion.combination == "all-of":
        uppers = [_oldest(child) for child in criterion.children]
        known = [u for u in uppers if u is not None]
        return min(known) if known else None
    if criterion.kind is not Kind.AGE:
        return None
    unit = criterion.unit or "a"
    if criterion.comparator is None and criterion.high is not None:
        return _in_days(criterion.high, unit)
    if criterion.comparator in ("<", "<=") and criterion.value is not None:
        return _in_days(criterion.value, unit)
    return None


# The population the age stands for, in a parenthesis that ends the bullet: "Age >= 12 and < 18
# years (adolescents)", "less than 28 days old (neonate)", "Age >= 65 years (older adults)". It
# adds nothing when the age keeps within what the word means (days from birth to the youngest
# and the oldest age it admits); otherwise ("Age 16-25 (adolescents)") it stays for the text.
_POPULATION_ASIDE = re.compile(
    r"\s*\((?P<pop>adolescents?|teenagers?|adults?|older adults|elderly|children|child|minors?"
    r"|neonates?|newborns?|infants?)\)\s*[.;]?\s*$"
)
_ASIDE_LIMITS: dict[str, tuple[float, float | None]] = {
    "adol": (10 * 365.25, 20 * 365.25),
    "teen": (13 * 365.25, 20 * 365.25),
    "adul": (18 * 365.25, None),
    "olde": (60 * 365.25, None),
    "elde": (60 * 365.25, None),
    "chil": (0.0, _CHILD_OLDEST),
    "mino": (0.0, 22 * 365.25),
    "neon": (0.0, 31.0),
    "newb": (0.0, 31.0),
    "infa": (0.0, 366.0),
}


def _within_population(criterion: Criterion, word: str) -> bool:
    youngest_allowed, oldest_allowed = _ASIDE_LIMITS[word[:4]]
    youngest, oldest = _youngest(criterion), _oldest(criterion)
    if youngest_allowed and (youngest is None or youngest < youngest_allowed):
        return False
    return oldest_allowed is None or (oldest is not None and oldest <= oldest_allowed)


def _with_explanation(text: str, match: Match) -> Match:
    if match.criterion.kind not in (Kind.AGE, Kind.COMBINATION):
        return match
    aside = _POPULATION_ASIDE.match(text, match.end)
    if aside is not None and _within_population(match.criterion, aside["pop"]):
        return Match(match.criterion, match.start, aside.end(), match.kind)
    said = _EXPLANATION.match(text, match.end)
    if said is None or _EXPLANATION_REFUSAL.search(said.group(0)):
        return match
    return Match(match.criterion, match.start, said.end(), match.kind)


def _youngest(criterion: Criterion) -> float | None:
    """The youngest age in days the criterion admits, or None without a lower bound."""
    if criterion.kind is Kind.COMBINATION and criterion.combination == "all-of":
        lowers = [_youngest(child) for child in criterion.children]
        known = [low for low in lowers if low is not None]
        return max(known) if known else None
    if criterion.kind is not Kind.AGE or criterion.value is None:
        return None
    if criterion.comparator in (None, ">", ">="):
        return _in_days(criterion.value, criterion.unit or "a")
    return None
