"""Performance status: ECOG (LOINC 89247-1) and Karnofsky (LOINC 89243-0).

The WHO (Zubrod) performance status is the ECOG scale under another name (the same grades 0-5),
so "WHO performance status 0-2" is ECOG 0-2. A bare "performance status" with a grade of 0 to 5
is that scale too (Karnofsky and Lansky run from 0 to 100 in tens): "Performance status 0-2",
"Performance Status < 2".
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import CMP, Match, comparator, has_any, threshold_matches

_EXPANSION = r"eastern cooperative oncology group"
# The name with its initials in brackets either way round ("ECOG (Eastern Cooperative Oncology
# Group)", "Eastern Cooperative Oncology Group [ECOG]") and the WHO name for the same scale.
_ECOG_NAME = (
    rf"(?:{_EXPANSION}\s*[(\[]ecog[)\]]|ecog \(e[a-z]* cooperative oncology group\)|{_EXPANSION}"
    r"|who \(ecog\)|ecog|zubrod|who(?= performance status| ps\b))"
    r"(?:[- ]performance)?(?: status| score| scale of performance status)?"
    r"(?: \((?:ps|ecog ps|ecog-ps)\)|[- ]ps)?(?: scores?)?"
)
_DIGIT = r"(?:[0-5]|zero|one|two|three|four)"
_VALUE = (
    rf"(?:(?:[<>]=?|=)\s*{_DIGIT}\b|{_DIGIT}\s*(?:,? or (?:less|lower|below)|,? or (?:more|higher"
    rf"|above|greater))|between {_DIGIT} and {_DIGIT}|{_DIGIT}(?:\s*(?:-|to|~)\s*{_DIGIT})"
    rf"|{_DIGIT}(?:\s*,\s*{_DIGIT})*(?:,?\s*(?:or|and)\s*{_DIGIT}))(?! *(?:%|\d))"
    r"(?: points?)?"
)
_ECOG = re.compile(
    rf"(?:(?:(?:a|an|with) )?performance status (?:\(ps\) )?(?:of )?(?P<pre>{CMP}\s*\d))?"
    rf"(?P<name>{_ECOG_NAME})(?: performance status| ps)?(?: (?:of|is|=|score of|scores))?\s*"
    rf"(?P<value>{_VALUE}|\d(?:\s*(?:-|to)\s*\d))?"
    r"(?: \(appendix [a-z]\))?"
)
_PS_FIRST = re.compile(
    rf"performance status (?P<value>{CMP}\s*\d) (?:according to"
    rf"|per) (?:the )?{_ECOG_NAME}(?: score)?"
)
# "Performance status 0-2", "Performance Status < 2": no scale named, a grade of 0 to 5.
_BARE_PS = re.compile(
    rf"(?<![\w-])performance status(?: \(ps\))?(?: (?:of|is|should be|must be))?\s*"
    rf"(?P<value>{_VALUE})"
)
_KARNOFSKY_NAME = (
    r"(?:karnofsky(?: performance status| performance score| performance scale| performance"
    r" index| ps)?(?: \(kps\))?|kps)(?: score)?(?: of)?"
)
_KARNOFSKY = re.compile(rf"{_KARNOFSKY_NAME}\s*(?:{CMP})\s*(?P<num>\d+)\s*%?")
# "Karnofsky performance scale 80 or more", "Karnofsky Performance Status 70-100".
_KARNOFSKY_WORDED = re.compile(
    rf"{_KARNOFSKY_NAME}\s*(?:(?P<num>\d{{2,3}})\s*%?\s*,? or (?:more|higher|above|greater)"
    r"|(?P<low>\d{2,3})\s*%?\s*(?:-|to)\s*(?P<high>\d{2,3})\s*%?)(?![\w.])"
)
_WORD_DIGITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4}


# Every pattern names ECOG (or Zubrod, WHO), Karnofsky or a performance status.
_TRIGGERS = (
    *("ecog", "eastern cooperative oncology group", "zubrod", "karnofsky", "kps"),
    "performance status",
)


def find_performance_status(text: str) -> list[Match]:
    found: list[Match] = []
    if not has_any(text, _TRIGGERS):
        return found
    for match in _PS_FIRST.finditer(text):
        criterion = _ecog_value(match["value"])
        if criterion:
            found.append(Match(criterion, match.start(), match.end()))
    for match in _ECOG.finditer(text):
        raw = match["value"] or (match["pre"] or "")
        criterion = _ecog_value(raw)
        if criterion is None:
            continue
        found.append(Match(criterion, match.start(), match.end()))
    if "performance status" in text:
        for match in _BARE_PS.finditer(text):
            criterion = _ecog_value(match["value"])
            if criterion is not None:
                found.append(Match(criterion, match.start(), match.end()))
    if "karnofsky" in text or "kps" in text:
        found += threshold_matches(_KARNOFSKY, text, Kind.PERFORMANCE_STATUS, "karnofsky", "%")
        found += _karnofsky_worded(text)
    return found


def _karnofsky_worded(text: str) -> list[Match]:
    found = []
    for match in _KARNOFSKY_WORDED.finditer(text):
        if match["num"]:
            criterion = Criterion(
                Kind.PERFORMANCE_STATUS,
                concept="karnofsky",
                comparator=">=",
                value=float(match["num"]),
                unit="%",
            )
        else:
            low, high = int(match["low"]), int(match["high"])
            if not low < high <= 100:
                continue
            criterion = Criterion(
                Kind.PERFORMANCE_STATUS,
                concept="karnofsky",
                value=float(low),
                high=float(high),
                unit="%",
            )
        found.append(Match(criterion, match.start(), match.end()))
    return found


def _digits(raw: str) -> list[int]:
    return [
        int(token) if token.isdigit() else _WORD_DIGITS[token]
        for token in re.findall(r"\d|zero|one|two|three|four", raw)
    ]


def _ecog_value(raw: str) -> Criterion | None:
    raw = raw.strip()
    if not raw:
        return None
    numbers = _digits(raw)
    if not numbers:
        return None
    if cmp_match := re.match(r"([<>]=?|=)", raw):
        symbol = cmp_match[1]
        return _ecog(comparator(symbol), numbers[0])
    if re.search(r"or (?:less|lower|below)", raw):
        return _ecog("<=", numbers[0])
    if re.search(r"or (?:more|higher|above|greater)", raw):
        return _ecog(">=", numbers[0])
    low, high = min(numbers), max(numbers)
    if low == high:
        return _ecog("=", low)
    return Criterion(
        Kind.PERFORMANCE_STATUS,
        concept="ecog",
        value=float(low),
        high=float(high),
        unit="{score}",
    )


def _ecog(symbol: str, value: int) -> Criterion:
    return Criterion(
        Kind.PERFORMANCE_STATUS,
        concept="ecog",
        comparator=comparator(symbol),
        value=float(value),
        unit="{score}",
    )
