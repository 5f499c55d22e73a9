"""Clinical scores with a bound: cognitive tests (MMSE, MoCA, telephone MoCA, CDR), coma and
stroke scales (Glasgow, NIHSS, modified Rankin), disability stages (Hoehn and Yahr, EDSS), ASA
physical status, the Bishop score and the depression / anxiety questionnaires (PHQ-9, GAD-7,
HDRS, GDS, EPDS), read as observations (`lab` kind, no unit: a score is a count of points).

A bound is read whole or not at all: "MMSE ≥ 24", "a score of 24 or above on the Folstein
Mini-Mental State Exam", "NIHSS 4-25", "ASA physical status I or II" (≤ 2: the class list must be
one run of classes), "Co-morbidity > ASA II", "Glasgow Coma Scale - 15/15". Roman numerals are
read as their numbers (ASA I–VI, Hoehn and Yahr I–V); a scale of half steps (EDSS, Hoehn and
Yahr 2.5) takes no value between them. A value out of the scale's range, a class list with a
gap, a denominator other than the scale's maximum, a point score with no comparator, or a score
qualified by who rates it or by a later visit ("… as determined by the investigator", "… at
week 4") leaves the text unread. A score taken before an event the record cannot date
("pre-stroke mRS ≤ 3") is not today's score: text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fhirtrial.eligibility.model import Comparator, Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, Triggers, comparator


@dataclass(frozen=True, slots=True)
class Score:
    concept: str
    name: str  # regex of the score's names, normalized text
    low: float
    high: float
    words: tuple[str, ...]  # one of them is in every text that names the score
    steps: tuple[float, ...] = ()  # the values a score takes when not every integer
    roman: bool = False  # classes written as roman numerals (ASA I-VI)


_OF_SCALE = r"(?: (?:total )?(?:score|scale|test|examination|exam|questionnaire|inventory))?"
SCORES = (
    Score(
        "mmse",
        r"(?:folstein )?mini[- ]?mental (?:state|status)(?: examination| exam| test)?"
        r"(?: \(mmse\))?|mini[- ]mental test|\bmmse\b",
        0,
        30,
        ("mental", "mmse"),
    ),
    Score(
        "moca",
        r"(?<![\w-])(?<!telephone )(?:montreal cognitive assessment(?: \(moca\))?|moca\b)",
        0,
        30,
        ("moca", "montreal"),
    ),
    Score(
        "t-moca",
        r"(?:telephone[- ]montreal cognitive assessment|telephone moca)(?: \(t-moca\))?"
        r"|\bt-moca\b",
        0,
        22,
        ("moca", "montreal"),
    ),
    Score(
        "clinical-dementia-rating",
        r"clinical dementia rating(?: scale)?(?: \(cdr\))?(?: global(?: score)?)?"
        r"|\bcdr\b(?: global(?: score)?)?",
        0,
        3,
        ("cdr", "dementia rating"),
        steps=(0, 0.5, 1, 2, 3),
    ),
    Score(
        "glasgow-coma-scale",
        r"glasgow (?:coma )?(?:scale|score)(?: \(gcs\))?(?: score)?|\bgcs\b(?! motor| verbal| eye)",
        3,
        15,
        ("glasgow", "gcs"),
    ),
    Score(
        "nihss",
        r"(?:national institutes? of health stroke scale|nih stroke scale)"
        r"(?: \(nihss\)| \( ?nihss ?\))?|\bnihss\b",
        0,
        42,
        ("nihss", "stroke scale"),
    ),
    Score(
        "modified-rankin-scale",
        r"modified rankin (?:scale|score)(?: \(mrs\))?|\bmrs\b(?= (?:score )?(?:[<>=]|\d|of ))",
        0,
        6,
        ("rankin", "mrs"),
    ),
    Score(
        "asa-physical-status",
        r"(?:american society of anesthesi(?:ologists?|ology|a)|american society of anaesthesi"
        r"(?:ologists?|ology|a))(?: ?\(asa\))?(?: ?(?:physical status|physical classification"
        r"|physical status classification(?: system)?|physical class|classification|class|score"
        r"|category|status))?(?: \(asa(?: ps)?\))?"
        r"|\basa\b(?: physical status classification| physical status| physical class"
        r"| classification| class| score| status| category| ps)?"
        r"(?: class)?",
        1,
        6,
        ("asa", "anesthesi", "anaesthesi"),
        roman=True,
    ),
    Score("bishop-score", r"(?:modified )?bishop(?:'s)? score", 0, 13, ("bishop",)),
    Score(
        "phq-9",
        r"patient health questionnaire(?:[- ]9)?(?: \(phq-?9\))?(?: for depression)?"
        r"|\bphq-?9\b(?! item)",
        0,
        27,
        ("phq", "patient health"),
    ),
    Score(
        "gad-7",
        r"generali[sz]ed anxiety disorder(?:[- ]7)?(?: scale)?(?: \(gad-?7\))|\bgad-?7\b",
        0,
        21,
        ("gad", "anxiety disorder"),
    ),
    Score(
        "hamilton-depression-scale",
        r"hamilton (?:depression rating scale|rating scale for depression)"
        r"(?: \((?:hdrs|ham-?d|hrsd)\))?|\b(?:hdrs|ham-?d|hrsd)\b(?![- ]?\d)",
        0,
        52,
        ("hamilton", "hdrs", "ham-d", "hamd", "hrsd"),
    ),
    # The modified Hoehn and Yahr stages of Parkinson's disease, with its half stages.
    Score(
        "hoehn-yahr-stage",
        r"(?:modified )?hoehn (?:and|&) yahr(?: \(h ?& ?y\))?(?: (?:stage|scale|score"
        r"|classification(?: of disability)?|staging))?(?:,? stage)?|\bh ?& ?y stage",
        0,
        5,
        ("yahr", "h&y", "h & y"),
        steps=(0, 1, 1.5, 2, 2.5, 3, 4, 5),
        roman=True,
    ),
    Score(
        "edss",
        r"(?:kurtzke )?expanded disability status scale(?: \(edss\))?(?: score)?|\bedss\b",
        0,
        10,
        ("edss", "expanded disability"),
        steps=(0, *(n / 2 for n in range(2, 21))),
    ),
    Score(
        "geriatric-depression-scale",
        r"geriatric depression scale(?: \(gds\))?",
        0,
        30,
        ("geriatric depression",),
    ),
    Score(
        "epds",
        r"edinburgh post-?natal depression scale(?: \(epds\))?|\bepds\b",
        0,
        30,
        ("epds", "edinburgh"),
    ),
)
_NUMBER = r"(?:\d{1,2}(?:\.\d)?|(?:vi|iv|v|i{1,3}|[ⅰ-ⅵι]|l{1,3})(?![\w']))"
_MORE = r"(?P<more>,? or (?:>|more|higher|greater|above|over|worse))"
_LESS = r"(?P<less>,? or (?:<|less|lower|below|fewer|better))"
_JOIN = r"(?:\s*(?:-|~|to)\s*|(?:,? or |,? and/or |,? and |, ?))(?:asa |class )?"
_VALUE = (
    rf"(?:(?P<cmp>>=|<=|>|<|=)\s*(?:(?:stage|grade|class) )?(?P<one>{_NUMBER})"
    rf"|between (?P<a>{_NUMBER}) and (?P<b>{_NUMBER})"
    rf"|(?P<list>{_NUMBER}(?:{_JOIN}{_NUMBER})*)(?: points?)?(?:{_MORE}|{_LESS})?)"
    r"(?: points?)?(?:\s*/\s*(?P<out_of>\d{1,2}))?(?! ?(?:%|\d|mm|cm|[.,]\d))"
)
_AFTER_NAME = (
    rf"{_OF_SCALE}(?: \([a-z0-9-]+\))?(?: (?:was|is|of|at|score of|scores? of|total score of)"
    r"| ?:| -| =(?=\s*\d))?\s*"
)
_TIME = (
    r"(?: physical status)?(?: (?:at|on|upon) (?:the time of )?(?:screening|baseline"
    r"|enrol?lment|inclusion|admission|randomi[sz]ation))?"
)
# "a score of 24 or above on the Folstein Mini-Mental State Exam", "Class I or II according to
# American Society of Anesthesiologists (ASA)".
_BEFORE_NAME = (
    rf"(?:(?:a |an )?(?:total )?(?:score|class|stage|grade) (?:of )?)?(?:{_VALUE})"
    r" (?:on|in|according to|per|by) (?:the )?"
)
# Who rates the score, or when in the study it is taken: not a record's value.
_NOT_RECORDED_AFTER = re.compile(
    r"\s*,?\s*\(?(?:as )?(?:(?:determined|assessed|judged|rated|evaluated|confirmed) by"
    r"|(?:at|on) (?:visit|week|day) \d|(?:at|on) (?:the )?(?:end|day) of|after|following"
    r"|during|within)"
)
_BEFORE_AN_EVENT = re.compile(r"(?:pre-?stroke|pre-?morbid|pre-?event|prior|previous) $")
_COMPARATOR_BEFORE = re.compile(r"(?P<cmp>>=|<=|>|<)\s*$")
_ROMAN = {
    **{"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6},
    **{"ⅰ": 1, "ⅱ": 2, "ⅲ": 3, "ⅳ": 4, "ⅴ": 5, "ⅵ": 6, "ι": 1, "l": 1, "ll": 2, "lll": 3},
}
_BEFORE = re.compile(rf"(?<![\w-]){_BEFORE_NAME}$")
_SCALE_WORDS = re.compile(_OF_SCALE)
_PATTERNS = tuple(
    (
        score,
        re.compile(
            rf"(?<![\w-])(?:{score.name}){_AFTER_NAME}(?P<open>\()?(?:{_VALUE})(?(open)\)){_TIME}"
        ),
        re.compile(rf"(?<![\w-])(?:{score.name})(?![\w-])"),
    )
    for score in SCORES
)
# A scale of at most this many grades is a class ("ASA physical status I" is ASA 1).
_CLASSES = 6
# How far before a score's name its value may start ("a total score of 24 or more on the …").
_BEFORE_REACH = 48


# One scan for every score's words first: most texts name no score.
_ANY_SCORE_WORD = Triggers(word for score in SCORES for word in score.words)


def find_scores(text: str) -> list[Match]:
    found: list[Match] = []
    present = _ANY_SCORE_WORD.found_in(text)
    if not present:
        return found
    for score, after, name in _PATTERNS:
        if present.isdisjoint(score.words):
            continue
        for match in after.finditer(text):
            if _BEFORE_AN_EVENT.search(text, max(0, match.start() - 12), match.start()):
                continue
            found.extend(_checked(text, match, score))
        for named in name.finditer(text):
            before = _BEFORE.search(text, max(0, named.start() - _BEFORE_REACH), named.start())
            if before is None:
                continue
            scale = _SCALE_WORDS.match(text, named.end())
            end = scale.end() if scale else named.end()
            found.extend(_checked(text, before, score, leading=False, end=end))
    return found


def _checked(
    text: str, match: re.Match[str], score: Score, *, leading: bool = True, end: int = -1
) -> list[Match]:
    end = match.end() if end < 0 else end
    if _NOT_RECORDED_AFTER.match(text, end):
        return []
    criterion = _bound(match, score)
    if criterion is None:
        return []
    start = match.start()
    symbol = _COMPARATOR_BEFORE.search(text, max(0, start - 4), start) if leading else None
    if symbol is not None:
        # "> ASA II": the symbol applies to one value written without one of its own.
        if match["cmp"] or criterion.comparator != "=" or criterion.value is None:
            return []
        criterion = _criterion(score, comparator(symbol["cmp"]), criterion.value)
        start = symbol.start()
    return [Match(criterion, start, end)]


def _bound(match: re.Match[str], score: Score) -> Criterion | None:
    out_of = match["out_of"]
    if out_of is not None and float(out_of) != score.high:
        return None
    if match["cmp"]:
        value = _value(match["one"], score)
        if value is None:
            return None
        return _criterion(score, comparator(match["cmp"]), value)
    if match["a"]:
        values = [_value(match["a"], score), _value(match["b"], score)]
        ranged = True
    else:
        tokens = re.findall(_NUMBER, match["list"])
        values = [_value(token, score) for token in tokens]
        ranged = bool(
            re.search(r"\d\s*(?:-|~|to)\s*\d|[a-zⅰ-ⅵι]\s*(?:-|~|to)\s*[a-zⅰ-ⅵι]", match["list"])
        )
    if any(v is None for v in values) or not values:
        return None
    numbers = sorted(v for v in values if v is not None)
    low, high = numbers[0], numbers[-1]
    if not ranged and len(numbers) > 1 and not _one_run(numbers, score):
        return None  # "I or III": not one span
    if match["more"]:
        if len(numbers) > 1:
            return None
        return _criterion(score, ">=", low)
    if match["less"]:
        if len(numbers) > 1:
            return None
        return _criterion(score, "<=", high)
    if low == high:
        if score.high > _CLASSES and out_of is None:
            return None  # "MMSE 24": a point score with no comparator says no bound
        return _criterion(score, "=", low)
    if low <= score.low:
        return _criterion(score, "<=", high)
    if high >= score.high:
        return _criterion(score, ">=", low)
    return Criterion(Kind.LAB, concept=score.concept, value=low, high=high)


def _value(token: str, score: Score) -> float | None:
    if token[0].isdigit():
        value = float(token)
    elif score.roman and token in _ROMAN:
        value = float(_ROMAN[token])
    else:
        return None
    if not score.low <= value <= score.high:
        return None
    if score.steps and value not in score.steps:
        return None
    if not score.steps and not value.is_integer():
        return None
    return value


def _one_run(values: list[float], score: Score) -> bool:
    scale = list(score.steps) if score.steps else [float(v) for v in range(int(score.high) + 1)]
    positions = sorted({scale.index(v) for v in values})
    return positions == list(range(positions[0], positions[-1] + 1))


def _criterion(score: Score, symbol: Comparator, value: float) -> Criterion:
    return Criterion(Kind.LAB, concept=score.concept, comparator=symbol, value=value)


SCORE_CONCEPTS = frozenset(score.concept for score in SCORES)
# One of these is in every text that names a score.
SCORE_WORDS = tuple(dict.fromkeys(word for score in SCORES for word in score.words))
