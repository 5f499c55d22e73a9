"""Tumour receptor status, stage ranges with sub-stages, and the disease setting.

- `find_receptors`: ER / PR / hormone-receptor / HER2 status as criteria texts write it
  ("ER-", "estrogen receptor (ER)-positive", "HR+/HER2-", "ER and/or PR positive", "triple
  negative"). Hormone-receptor positive is ER or PR positive; hormone-receptor negative is ER and
  PR negative; triple negative is ER, PR and HER2 negative. Readings that are ambiguous are not
  matched, so their words stay unexplained and the text is not compiled: "ER or PR negative"
  (one or both?), "ER+/PR+" (and, or and/or?). "HER2-low" is not HER2-negative and is never
  matched.
- `find_stage_ranges`: "stage II-IIIB" → II (any), IIIA, IIIB; "stage IIB-IIIC".
- `find_settings`: setting words that are only used to read the necessary parts of an inclusion
  bullet (`rules.partial`): "metastatic" before any disease name, "that has metastasized",
  "advanced or metastatic", "non-metastatic".
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import CombinationCode, Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, has_any, modifier_matches, remember_recent
from fhirtrial.eligibility.rules.cancer_names import NOT_AFTER_REGIONAL_SITE

_SIGN = r"(?:[- ]?(?P<word>positive|negative)\b|(?P<sign>[+-])(?![\w+]))"
_ER = r"(?:(?:o?estrogen)[- ]receptors?(?: \(er\))?|er)"
_PR = r"(?:progesterone[- ]receptors?(?: \((?:pr|pgr)\))?|pr|pgr)"
_HR = r"(?:(?:hormone|hormonal)[- ]receptors?(?: \(hr\))?|hr)"
_HER2 = (
    r"(?:human epidermal growth factor receptor[- ]2|her2/neu|her-2/neu|her2neu|her2|her-2|erbb2)"
    r"(?: \((?:her2|her-2|her2/neu|erbb2)\))?"
)
_SINGLE = re.compile(
    rf"(?<![\w/-])(?:(?P<er>{_ER})|(?P<pr>{_PR})|(?P<hr>{_HR})|(?P<her2>{_HER2})){_SIGN}"
)
# "ER and/or PR positive", "ER/PR-negative", "ER-positive and/or PR-positive", "estrogen receptor
# and progesterone receptor negative".
_FIRST_SIGN = r"(?:[- ]?(?P<word1>positive|negative)\b|(?P<sign1>[+-])(?![\w+]))?"
_ER_PR = re.compile(rf"(?<![\w/-]){_ER}{_FIRST_SIGN}(?P<conj> and/or |/| or | and ){_PR}{_SIGN}")
_TRIPLE = re.compile(
    r"(?<![\w-])(?:triple[- ]negative(?! breast)(?: \(tnbc\))?|\(?tnbc\)?)(?![\w-])"
)
# Whether any receptor word is there: a word found anywhere, or one that stands alone ("er" is
# in most texts). The substring test first: a regex of words between `\b`s scans every position.
_RECEPTOR_STEMS = ("receptor", "triple", "estrogen", "progesterone", "hormon")
_RECEPTOR_WORD = re.compile(r"\b(?:er|pr|pgr|hr|her-?2\w*|erbb2|tnbc)\b")
# HER2-positive as trials define it: "HER2 3+ by IHC or FISH-amplified / a positive score by FISH"
# (either way the tumour is HER2-positive; IHC 0/1+ or a non-amplified ISH is not).
_HER2_POSITIVE_DEFINITION = re.compile(
    r"(?<![\w-])(?:(?:documented )?(?:amplification|over-?expression) of )?"
    r"(?:her2|her-2|her2/neu|erbb2)(?: \((?:her2|erbb2)\))?(?: status)? ?(?:ihc )?3\+"
    r" (?:by |on )?(?:ihc|immunohistochemistry)(?: \(ihc\))? (?:and/)?or (?:a )?"
    r"(?:positive (?:score|result)(?:\s*\([<>]=?\s?2(?:\.\d+)?\))?|amplification|amplified)"
    r"\s+(?:by |on )?(?:fish|ish|in situ hybridi[sz]ation)(?: \((?:fish|ish)\))?(?![\w-])"
)


def _status(concept: str, value: str, source: str) -> Criterion:
    return Criterion(Kind.BIOMARKER, concept=concept, value_concept=value, source_text=source)


def _both(value: str, code: CombinationCode, source: str) -> Criterion:
    children = (_status("er", value, "ER"), _status("pr", value, "PR"))
    return Criterion(Kind.COMBINATION, children=children, combination=code, source_text=source)


@remember_recent(8)
def find_receptors(text: str) -> list[Match]:
    if not has_any(text, _RECEPTOR_STEMS) and not _RECEPTOR_WORD.search(text):
        return []
    found: list[Match] = []
    singles: list[tuple[Match, str, str]] = []
    for match in _SINGLE.finditer(text):
        value = _value(match)
        source = match.group(0)
        if match["hr"]:
            # Hormone-receptor positive: ER or PR positive; negative: both negative.
            code: CombinationCode = "any-of" if value == "positive" else "all-of"
            criterion = _both(value, code, source)
            found.append(Match(criterion, match.start(), match.end()))
            continue
        concept = "er" if match["er"] else "pr" if match["pr"] else "her2"
        single = Match(_status(concept, value, source), match.start(), match.end())
        singles.append((single, concept, value))
    # "ER+/PR+": both positive, or either? Too ambiguous to read: leave both unexplained.
    ambiguous: set[int] = set()
    for index, (first, concept, value) in enumerate(singles[:-1]):
        second, other, other_value = singles[index + 1]
        if (
            {concept, other} == {"er", "pr"}
            and value == other_value == "positive"
            and text[first.end : second.start].strip() == "/"
        ):
            ambiguous |= {index, index + 1}
    found.extend(m for i, (m, _, _) in enumerate(singles) if i not in ambiguous)
    for match in _ER_PR.finditer(text):
        value = _value(match)
        stated = match["word1"] or {"+": "positive", "-": "negative"}.get(match["sign1"] or "")
        if stated and (stated != value or (match["conj"] == "/" and value == "positive")):
            continue  # "ER+ or PR-": not one status of both; "ER+/PR+": and? or? not read
        conj = match["conj"].strip()
        if value == "positive":
            code = "all-of" if conj == "and" else "any-of"
        elif conj in ("and", "/"):
            code = "all-of"
        else:
            continue  # "ER or PR negative": one of them, or both?
        found.append(Match(_both(value, code, match.group(0)), match.start(), match.end()))
    if "3+" in text:
        for match in _HER2_POSITIVE_DEFINITION.finditer(text):
            criterion = _status("her2", "positive", match.group(0))
            found.append(Match(criterion, match.start(), match.end()))
    if "triple" in text or "tnbc" in text:
        for match in _TRIPLE.finditer(text):
            children = tuple(_status(c, "negative", c.upper()) for c in ("er", "pr", "her2"))
            criterion = Criterion(
                Kind.COMBINATION, children=children, combination="all-of", source_text="triple"
            )
            found.append(Match(criterion, match.start(), match.end()))
    return found


def _value(match: re.Match[str]) -> str:
    word = match["word"]
    if word:
        return word
    return "positive" if match["sign"] == "+" else "negative"


# ---------------------------------------------------------------- stage ranges

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_RANGE = re.compile(
    r"(?<![\w-])(?:ajcc )?stages? (?P<low>iv|i{1,3}|[1-4])(?P<low_letter>[a-d])?"
    r"\s*(?:-|to|through)\s*(?:stage )?(?P<high>iv|i{1,3}|[1-4])(?P<high_letter>[a-d])?(?![\w-])"
)


def find_stage_ranges(text: str) -> list[Match]:
    """Stage ranges with a sub-stage at either end ("II-IIIB", "IIB to IIIC"): every stage in
    between, whole groups where the range covers them whole."""
    if "stage" not in text:
        return []
    from fhirtrial.eligibility import terminology

    concepts = terminology.terminology().concepts
    found: list[Match] = []
    for match in _RANGE.finditer(text):
        if not (match["low_letter"] or match["high_letter"]):
            continue  # plain "II-III": find_stage reads it
        low, high = _ROMAN[match["low"]], _ROMAN[match["high"]]
        if low > high:
            continue
        ids: list[str] = []
        for group in range(low, high + 1):
            letters = _letters(concepts, group)
            first = match["low_letter"] if group == low else None
            last = match["high_letter"] if group == high else None
            if first is None and last is None:
                ids.append(f"stage-{group}")
                continue
            chosen = [x for x in letters if (first or "a") <= x <= (last or "z")]
            if not chosen or (first and first not in letters) or (last and last not in letters):
                break  # a sub-stage the terminology does not know: not read
            ids.extend(f"stage-{group}{x}" for x in chosen)
        else:
            children = tuple(Criterion(Kind.STAGE, concept=i, source_text=i) for i in ids)
            criterion = Criterion(Kind.COMBINATION, children=children, combination="any-of")
            found.append(Match(criterion, match.start(), match.end()))
    return found


def _letters(concepts: object, group: int) -> list[str]:
    return [x for x in "abcd" if f"stage-{group}{x}" in concepts]  # type: ignore[operator]


# ---------------------------------------------------------------- setting (partial reading only)

_SETTINGS = (
    (
        "locally-advanced-or-metastatic",
        re.compile(
            r"(?<!locally )\badvanced(?: or | and/or |/)metastatic\b"
            r"|\bmetastatic(?: or | and/or |/)(?:locally )?advanced\b"
            r"|\blocally advanced/metastatic\b"
        ),
    ),
    (
        "unresectable-or-metastatic",
        re.compile(r"\bmetastatic(?: or | and/or |/)unresectable\b"),
    ),
    (
        "metastatic",
        re.compile(
            r"(?:that|which) (?:has|have) (?:metastasi[sz]ed|spread)(?: to (?:the )?"
            r"(?:brain|central nervous system|cns))?(?![\w-])"
            r"|(?<![\w-])metastatic to (?:the )?(?:brain|central nervous system|cns)(?![\w-])"
            rf"|(?<![\w-]){NOT_AFTER_REGIONAL_SITE}metastatic(?![\w-])"
        ),
    ),
)
# A list of settings the reading does not turn into one requirement ("locally advanced, recurrent,
# or metastatic"): consumed, requiring nothing — the disease named with it stays necessary.
_SETTING_WORD = (
    r"(?:locally advanced|advanced|locally recurrent|recurrent|relapsed|refractory|metastatic"
    r"|metastasis|unresectable|inoperable|incurable)"
)
_SETTING_LIST = re.compile(
    rf"(?<![\w-]){_SETTING_WORD}(?:(?:,? (?:or|and/or) |/|, | ){_SETTING_WORD})+(?![\w-])"
)
_NAMED_LISTS = {
    frozenset({"locally advanced", "metastatic"}): "locally-advanced-or-metastatic",
    frozenset({"advanced", "metastatic"}): "locally-advanced-or-metastatic",
    frozenset({"unresectable", "metastatic"}): "unresectable-or-metastatic",
}
_NON_METASTATIC = re.compile(r"(?<![\w-])non[- ]?metastatic(?![\w-])")


def find_settings(text: str) -> list[Match]:
    """Setting words for `rules.partial`: "metastatic" (a modifier of the disease named with
    it), "advanced or metastatic", "non-metastatic" (NOT metastatic disease)."""
    if "meta" not in text and "advanced" not in text:
        return []
    found: list[Match] = []
    for match in _NON_METASTATIC.finditer(text):
        criterion = Criterion(
            Kind.CONDITION, concept="metastatic-disease", negated=True, source_text=match.group(0)
        )
        found.append(Match(criterion, match.start(), match.end()))
    for match in _SETTING_LIST.finditer(text):
        words = frozenset(re.findall(_SETTING_WORD, match.group(0)))
        named = _NAMED_LISTS.get(words)
        separators = {sep.strip(", ") for sep in re.split(_SETTING_WORD, match.group(0))[1:-1]}
        # Named only when every join is an "or" ("advanced or metastatic", not "advanced
        # metastatic" or "advanced, metastatic").
        qualifiers = (named,) if named and separators <= {"or", "and/or", "/"} else ()
        found.append(
            Match(
                Criterion(Kind.TEXT, qualifiers=qualifiers), match.start(), match.end(), "modifier"
            )
        )
    found.extend(modifier_matches(_SETTINGS, text))
    return found
