"""Performance status: ECOG (LOINC 89247-1) and Karnofsky (LOINC 89243-0)."""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import CMP, Match, comparator, has_any, threshold_matches

_ECOG_NAME = (
    r"(?:eastern cooperative oncology group \(ecog\)|eastern cooperative oncology group|ecog|"
    r"zubrod)(?: performance)?(?: status| score)?(?: \(ps\)| ps)?(?: score)?"
)
_ECOG = re.compile(
    rf"(?:(?:(?:a|an|with) )?performance status (?:\(ps\) )?(?:of )?(?P<pre>{CMP}\s*\d))?"
    rf"(?P<name>{_ECOG_NAME})(?: performance status| ps)?(?: (?:of|is|=|score of))?\s*"
    r"(?P<value>(?:[<>]=?|=)\s*\d|\d(?:\s*(?:-|to)\s*\d)|\d(?:\s*,\s*\d)*(?:,?\s*(?:or|and)\s*\d))?"
    r"(?: \(appendix [a-z]\))?"
)
_PS_FIRST = re.compile(
    rf"performance status (?P<value>{CMP}\s*\d) (?:according to"
    rf"|per) (?:the )?{_ECOG_NAME}(?: score)?"
)
_KARNOFSKY = re.compile(
    rf"(?:karnofsky(?: performance status| performance score| ps)?(?: \(kps\))?|kps)"
    rf"(?: score)?(?: of)?\s*(?:{CMP})\s*(?P<num>\d+)\s*%?"
)


# Every pattern names ECOG (or Zubrod) or Karnofsky.
_TRIGGERS = ("ecog", "eastern cooperative oncology group", "zubrod", "karnofsky", "kps")


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
    found += threshold_matches(_KARNOFSKY, text, Kind.PERFORMANCE_STATUS, "karnofsky", "%")
    return found


def _ecog_value(raw: str) -> Criterion | None:
    raw = raw.strip()
    if not raw:
        return None
    if cmp_match := re.match(r"([<>]=?|=)\s*(\d)", raw):
        symbol = cmp_match[1]
        return Criterion(
            Kind.PERFORMANCE_STATUS,
            concept="ecog",
            comparator=comparator(symbol),
            value=float(cmp_match[2]),
            unit="{score}",
        )
    numbers = [int(n) for n in re.findall(r"\d", raw)]
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    if low == high:
        return Criterion(
            Kind.PERFORMANCE_STATUS,
            concept="ecog",
            comparator="=",
            value=float(low),
            unit="{score}",
        )
    return Criterion(
        Kind.PERFORMANCE_STATUS,
        concept="ecog",
        value=float(low),
        high=float(high),
        unit="{score}",
    )
