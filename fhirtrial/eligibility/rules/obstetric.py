"""Obstetric criteria: diagnoses of a pregnancy and the measures a record keeps of it.

- Diagnoses of `terminology/obstetric.json` (ICD-10-CM chapter O, each code's whole subtree
  the meaning) by their names: "Multiple gestation", "Preterm labor", "Placenta previa",
  "HELLP syndrome", "PPROM". A diagnosis belongs to a pregnancy: named after "history of" /
  "previous" / "prior" / "past", or followed by "in a previous pregnancy", it is any earlier
  one (qualifier ``history``); otherwise the one the study sees ("Preeclampsia" in a labour
  study), which the evaluation decides from dates (`evaluation.obstetric`). "in the current
  pregnancy" after a name only says so and is read with it, so that "pregnancy" is not read
  as a criterion of its own (in an exclusion list it would exclude every pregnant patient).
  "History of multiple pregnancies" is left alone: several pregnancies, or a multiple one.
- Parity and gravidity stated by name: "Nulliparous" / "Nulliparas" (parity = 0),
  "Nulligravid" (gravidity = 0), "Primigravida" (gravidity = 1). "Primipara" is left alone:
  labour studies write it of a woman giving birth for the first time (parity 0 before the
  birth) as often as of one who has given birth once.
- Current gestational age with a threshold or a range, when the bullet says it is the
  pregnancy's ("Pregnant women between 16 and 24 weeks of gestation", "Term pregnancy (>= 37
  weeks)", "< 70 days' gestation" after "pregnancy"): the pregnancy and the gestational age.
  A bare "Gestational age < 32 weeks" is left text: neonatal studies write it of the age at
  birth, which is another measure.
- Gestational age at birth, where the bullet says birth ("Born before 33 weeks of gestation",
  "Gestational age at birth < 32 weeks"); population words before it ("infants born before …")
  keep the bullet text.
- Birth weight with a threshold in grams or kilograms ("Birthweight < 1500 g"), and the
  postnatal age in days ("Postnatal age < 28 days"; a corrected age is another measure).

Anything else in the bullet stays over for the residual check ("severe preeclampsia",
"singleton", "live fetus", "cephalic presentation" keep it text).
"""

from __future__ import annotations

import re
from functools import cache

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Comparator, Criterion, Kind
from fhirtrial.eligibility.rules.base import (
    Match,
    Triggers,
    any_substring,
    comparator,
    to_number,
)

VALUE_SET = "obstetric"
HISTORY = "history"
GESTATIONAL_AGE = "gestational-age"
GESTATIONAL_AGE_AT_BIRTH = "gestational-age-at-birth"
PARITY = "parity"
GRAVIDITY = "gravidity"
_MEASURES = frozenset({GESTATIONAL_AGE, GESTATIONAL_AGE_AT_BIRTH, PARITY, GRAVIDITY})
# Diagnoses a fetal weight defines: a weight named with them is the fetus's, which the lab
# finder would read as the patient's own.
_FETAL_SIZE = frozenset({"fetal-macrosomia", "fetal-growth-restriction"})
# Words that, before a diagnosis in its clause, place it in an earlier pregnancy: "History of
# preeclampsia or gestational hypertension" says it of both.
_PAST_BEFORE = re.compile(r"\b(?:history|previous|prior|past)\b[^;]*$")
_THIS_PREGNANCY = re.compile(
    r" (?:in|during) (?:the |this |her )?(?:current |present |index )?pregnancy\b"
)
_EARLIER_PREGNANCY = re.compile(
    r" (?:in|during) (?:a |an |any )?(?:previous|prior|past|earlier) pregnanc(?:y|ies)\b"
)
_STATED_COUNTS = re.compile(
    r"(?<![\w-])(?P<name>nullipar(?:ous|as?|ae)|nulligravid(?:a|ae|as)?|primigravid(?:a|ae|as)?)"
    r"(?: (?:women|woman|patients?|participants?|subjects?|mothers?|parturients?))?(?![\w-])"
)
_GESTATION_UNIT = r"(?P<unit>weeks?|wks?|days?)"
_GESTATION_WORDS = (
    r"(?:'s?|’s?)? ?(?:of )?(?:gestation|gestational age|pregnancy|gestational weeks?)"
    r"| pregnant"
    r"|(?: completed)? gestational weeks?"
)
_NUMBER = r"\d{1,3}(?:\.\d)?"
# "between 16 and 24 weeks of gestation", "16-24 weeks' gestation", "36 to 42 weeks gestation"
_RANGE = re.compile(
    rf"(?:between |from )?\(?(?P<low>{_NUMBER})(?: (?:weeks?|wks?))?(?: ?- ?| to | and )"
    rf"(?P<high>{_NUMBER})\)? ?(?:completed )?{_GESTATION_UNIT}(?:{_GESTATION_WORDS})(?![\w-])"
)
# "< 70 days' gestation", ">= 37 weeks of gestation", "greater than 37 weeks gestation"
_BOUND = re.compile(
    rf"(?P<cmp><=|>=|<|>) ?(?P<num>{_NUMBER}) ?(?:completed )?{_GESTATION_UNIT}"
    rf"(?:{_GESTATION_WORDS})(?![\w-])"
)
# "gestational age < 32 weeks", "gestational age of >= 24 weeks", "gestational age between 14
# and 20 weeks"
_AGE_BOUND = re.compile(
    rf"gestational age (?:of |is )?(?P<cmp><=|>=|<|>) ?(?P<num>{_NUMBER}) ?{_GESTATION_UNIT}"
    r"(?![\w-])"
)
_AGE_RANGE = re.compile(
    rf"gestational age (?:of |is )?(?:between |from )?(?P<low>{_NUMBER})(?: (?:weeks?|wks?))?"
    rf"(?: ?- ?| to | and )(?P<high>{_NUMBER}) ?{_GESTATION_UNIT}(?![\w-])"
)
# "Term pregnancy (>= 37 weeks)", "term pregnancy (equal or more than 37 wks)"
_TERM = re.compile(
    r"(?<![\w-])(?:full[- ])?term pregnanc(?:y|ies) ?\((?:>= ?|equal or > ?|equal to or > ?)"
    r"37 ?(?:weeks?|wks?)(?: of gestation)?\)"
)
_PREGNANT = re.compile(r"(?<![\w-])pregnan(?:t|cy|cies)(?![\w-])")
# Words that make a gestational age the one at birth or another population's.
_NOT_CURRENT = re.compile(
    r"\b(?:born|birth|neonates?|newborns?|infants?|babies|baby|preterm|premature|amenorrh\w*"
    r"|corrected|postmenstrual|delivery|delivered|deliver|labou?r|at randomi[sz]ation"
    r"|at enrol\w*|at screening|at the time|first prenatal|visit|fetus|fetal)\b"
)
_WEEKS = r"(?:weeks?|wks?)(?: of gestation| gestation| of gestational age| gestational age)?"
# "Born before 33 weeks of gestation", "born at < 30 weeks", "gestational age at birth < 32
# weeks", "< 27 weeks gestation at birth", "born at 26 to 34 weeks of gestational age".
_AT_BIRTH = (
    re.compile(
        rf"(?<![\w-])born (?:(?P<word>before|after)|at (?P<cmp><=|>=|<|>)) ?(?P<num>{_NUMBER}) ?"
        rf"{_WEEKS}(?![\w-])"
    ),
    re.compile(
        rf"(?<![\w-])gestational age at birth (?:of )?(?P<cmp><=|>=|<|>) ?(?P<num>{_NUMBER}) ?"
        rf"{_WEEKS}(?![\w-])"
    ),
    re.compile(
        rf"(?<![\w-])(?P<cmp><=|>=|<|>) ?(?P<num>{_NUMBER}) ?(?:weeks?|wks?)(?: of)? gestation(?:al"
        r" age)? at birth(?![\w-])"
    ),
)
_BORN_WITHIN = re.compile(
    rf"(?<![\w-])born (?:at|between) (?P<low>{_NUMBER}) ?(?:-|to|and) ?(?P<high>{_NUMBER}) ?"
    rf"{_WEEKS}(?![\w-])"
)


@cache
def _diagnosis_pattern() -> tuple[re.Pattern[str], dict[str, str], Triggers]:
    vocabulary = terminology.terminology()
    names: dict[str, str] = {}
    for concept in vocabulary.concepts.values():
        if concept.value_set != VALUE_SET or concept.id in _MEASURES:
            continue
        for synonym in concept.synonyms:
            names[synonym.lower()] = concept.id
    # A trie of the names (one pass, longest name first at each position), not an alternation.
    pattern = re.compile(rf"(?<![\w-]){any_substring(names).pattern}(?![\w-])")
    # Most texts hold no name at all: the shared scan (`base.triggers_in`) says so first.
    return pattern, names, Triggers(names)


def is_obstetric_diagnosis(concept: str | None) -> bool:
    """Whether ``concept`` is a diagnosis of a pregnancy of `terminology/obstetric.json`."""
    if concept is None or concept in _MEASURES:
        return False
    try:
        return terminology.concept(concept).value_set == VALUE_SET
    except KeyError:
        return False


def find_obstetric(text: str) -> list[Match]:
    found = _diagnoses(text)
    if "ipar" in text or "gravid" in text:
        found.extend(_stated_counts(text))
    if "pregnan" in text and ("week" in text or "wk" in text or "day" in text):
        found.extend(_gestational_ages(text))
    if "birth" in text or "born" in text:
        found.extend(_ages_at_birth(text))
    return found


def _diagnoses(text: str) -> list[Match]:
    pattern, names, any_name = _diagnosis_pattern()
    found: list[Match] = []
    if not any_name.any_in(text):
        return found
    for match in pattern.finditer(text):
        if names[match.group()] in _FETAL_SIZE and "weight" in text:
            continue  # "macrosomia with a weight > 4 kg": the fetus's weight, no finder's
        qualifiers: tuple[str, ...] = ()
        end = match.end()
        if _PAST_BEFORE.search(text[: match.start()]):
            if match.group() == "multiple pregnancies":
                continue  # "history of multiple pregnancies": many of them, or twins?
            qualifiers = (HISTORY,)
        if (earlier := _EARLIER_PREGNANCY.match(text, end)) is not None:
            qualifiers, end = (HISTORY,), earlier.end()
        elif (this := _THIS_PREGNANCY.match(text, end)) is not None:
            if qualifiers:
                continue  # "history of preeclampsia in this pregnancy": which is not clear
            end = this.end()
        criterion = Criterion(Kind.CONDITION, concept=names[match.group()], qualifiers=qualifiers)
        found.append(Match(criterion, match.start(), end))
    return found


def _stated_counts(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _STATED_COUNTS.finditer(text):
        name = match["name"]
        concept, value = (
            (PARITY, 0.0)
            if name.startswith("nullipar")
            else (GRAVIDITY, 0.0)
            if name.startswith("nulligravid")
            else (GRAVIDITY, 1.0)
        )
        criterion = Criterion(Kind.LAB, concept=concept, comparator="=", value=value)
        found.append(Match(criterion, match.start(), match.end()))
    return found


def _gestational_ages(text: str) -> list[Match]:
    """Current gestational ages, only in a bullet that names the pregnancy (module docstring)."""
    if _NOT_CURRENT.search(text):
        return []
    term = _TERM.search(text)
    if term is not None:
        return [_with_pregnancy(Match(_age(">=", 37.0, None, "wk"), *term.span()), text)]
    if _PREGNANT.search(text) is None:
        return []
    found: list[Match] = []
    for pattern in (_RANGE, _AGE_RANGE):
        for match in pattern.finditer(text):
            unit = _unit(match["unit"])
            low, high = to_number(match["low"]), to_number(match["high"])
            if low < high:
                found.append(Match(_age(">=", low, high, unit), *match.span()))
    for pattern in (_BOUND, _AGE_BOUND):
        for match in pattern.finditer(text):
            criterion = _age(
                comparator(match["cmp"]), to_number(match["num"]), None, _unit(match["unit"])
            )
            found.append(Match(criterion, *match.span()))
    return [_with_pregnancy(match, text) for match in found]


def _with_pregnancy(match: Match, text: str) -> Match:
    """A gestational age whose words name the pregnancy ("24 weeks pregnant", "term pregnancy
    (>= 37 weeks)"): the pregnancy is said too, all-of(pregnancy, gestational age)."""
    if "pregnan" not in text[match.start : match.end]:
        return match
    pregnant = Criterion(Kind.PREGNANCY, concept="pregnancy")
    both = Criterion(Kind.COMBINATION, children=(pregnant, match.criterion), combination="all-of")
    return Match(both, match.start, match.end)


def _age(cmp: Comparator, value: float, high: float | None, unit: str) -> Criterion:
    return Criterion(
        Kind.LAB, concept=GESTATIONAL_AGE, comparator=cmp, value=value, high=high, unit=unit
    )


def _unit(word: str) -> str:
    return "d" if word.startswith("day") else "wk"


def _ages_at_birth(text: str) -> list[Match]:
    """Gestational age at birth: a neonatal study's measure of its patients, never a current
    pregnancy's (`GESTATIONAL_AGE`)."""
    found: list[Match] = []
    for pattern in _AT_BIRTH:
        for match in pattern.finditer(text):
            word = match.groupdict().get("word")
            cmp = comparator(match["cmp"]) if match["cmp"] else "<" if word == "before" else ">"
            criterion = Criterion(
                Kind.LAB,
                concept=GESTATIONAL_AGE_AT_BIRTH,
                comparator=cmp,
                value=to_number(match["num"]),
                unit="wk",
            )
            found.append(Match(criterion, *match.span()))
    for match in _BORN_WITHIN.finditer(text):
        low, high = to_number(match["low"]), to_number(match["high"])
        if low < high:
            criterion = Criterion(
                Kind.LAB,
                concept=GESTATIONAL_AGE_AT_BIRTH,
                comparator=">=",
                value=low,
                high=high,
                unit="wk",
            )
            found.append(Match(criterion, *match.span()))
    return found
