"""Infection tests named with their result: "HBsAg positive", "positive hepatitis C antibody",
"HCV RNA detectable", "negative HIV serology", "positive for HBsAg or anti-HCV".

A test result is not a diagnosis. Read as the diagnosis (the vocabulary treats "antibody",
"positive", "serology" as filler, so "hepatitis C antibody positive" read condition:hcv), an
exclusion is not met by a positive result the problem list does not carry, an inclusion fails
it, and a required negative result is met by the mere absence of a diagnosis. So a test named
with a result reads as the test (`Kind.BIOMARKER` of a `serology.json` concept, evaluated on the
Observation's result like any qualitative marker, ``unknown`` without one):

- positive: any-of(the test positive [or detected, for a nucleic acid test], the diagnosis the
  positive result follows from). Only an antibody that any infection leaves for life follows
  from a diagnosis (any hepatitis B: anti-HBc; any hepatitis C: anti-HCV; HIV: HIV antibody),
  never the reverse: without either, ``unknown``. HBsAg and viral DNA / RNA read as the test
  only: a hepatitis B entry outlives HBsAg loss (and problem lists code resolved or immune
  hepatitis B as B18.1 / B19.10), an inactive carrier may be aviraemic, a cured hepatitis C
  stays on the list; an exclusion met by the entry would hide a trial the patient could join.
  A resolved hepatitis B (Z86.19) or an HBV vaccination (anti-HBs, not named here) meets
  nothing.
- negative ("HBsAg negative", "negative anti-HCV", "undetectable HBV DNA"): NOT the positive
  reading. Met by a negative result; not met by a positive one or by the diagnosis that implies
  it; ``unknown`` without a result (the absence of a diagnosis is not the test the text asks
  for: "negative HIV test" no longer reads NOT condition:hiv).

"HIV positive" / "HIV-positive" without a test word stays the condition finder's (a status:
the diagnosis). Lists share the result word: "positive for HBsAg or HCV antibody" gives each
test its own match, so the assembler reads their connectives.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.base import Match, Triggers, has_any

# concept → (the test's name pattern, the diagnosis a positive result follows from or None,
# whether it is a nucleic acid test whose result may read "Detected").
_VIRUS = r"(?: virus)?(?: \((?:hbv|hcv|hiv)\))?"
_ANTIBODY = r"antibod(?:y|ies)"
_TESTS: tuple[tuple[str, str, str | None, bool], ...] = (
    (
        "hbsag",
        rf"hbsag|hbs-ag|hbs ag|hepatitis b{_VIRUS} surface antigen(?: \(hbsag\))?"
        r"|hbv surface antigen(?: \(hbsag\))?",
        None,
        False,
    ),
    (
        "hbv-core-antibody",
        rf"anti-hbc(?: \(total\)| total| igg)?|hbcab|hbc ab|hepatitis b{_VIRUS} core {_ANTIBODY}"
        r"(?: \((?:anti-hbc|hbcab)\))?|hbv core antibody(?: \((?:anti-hbc|hbcab)\))?",
        "hbv",
        False,
    ),
    ("hbv-dna", rf"hbv dna|hbv-dna|hepatitis b{_VIRUS} dna(?: \(hbv dna\))?", None, True),
    (
        "hcv-antibody",
        rf"anti-hcv(?: {_ANTIBODY})?|hcv-ab|hcv ab|hcvab|hcv {_ANTIBODY}"
        rf"|hepatitis c{_VIRUS} {_ANTIBODY}(?: \((?:anti-hcv|hcv ab|hcv-ab|hcvab)\))?"
        rf"|{_ANTIBODY} (?:to|against) (?:the )?hepatitis c{_VIRUS}",
        "hcv",
        False,
    ),
    ("hcv-rna", rf"hcv rna|hcv-rna|hepatitis c{_VIRUS} rna(?: \(hcv rna\))?", None, True),
    (
        "hiv-antibody",
        rf"(?:hiv|hiv-1/2|hiv 1/2|hiv-1/-2|hiv1/2|human immunodeficiency{_VIRUS})"
        rf" (?:{_ANTIBODY}|ab|serology|serologic test|test|screen|screening test|screening)",
        "hiv",
        False,
    ),
)
_NAMED = "|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern, _, _) in enumerate(_TESTS))
_ONE = "(?:" + "|".join(pattern for _, pattern, _, _ in _TESTS) + r")(?![\w-])"
_SEPARATOR = r"(?:,? (?:and/or|or|and) |, )"
_LIST = rf"{_ONE}(?:{_SEPARATOR}{_ONE})*"
_POSITIVE = r"positive|reactive|detectable|detected"
_NEGATIVE = r"negative|non-reactive|nonreactive|undetectable|not detected"
_RESULT_AFTER = (
    rf"(?: (?:test |screen |serology |result |results )?(?:is |was |were |are )?"
    rf"(?P<after>{_POSITIVE}|{_NEGATIVE})|[ -]?(?P<sign>\(\+\)|\(-\)|\+(?![\w+])))"
)
_RESULT_BEFORE = (
    rf"(?P<before>{_POSITIVE}|{_NEGATIVE}|seropositive|seronegative)"
    r"(?: (?:test|tests|test result|test results|result|results|serology|screen|screening))?"
    r"(?: (?:for|of))? "
)
# When: the result of the study's screening, which the latest result in the record stands for.
_AT_SCREENING = r"(?: (?:at|during) (?:the )?screening(?: visit)?)?"
_BEFORE_LIST = re.compile(rf"(?<![\w-]){_RESULT_BEFORE}(?P<list>{_LIST}){_AT_SCREENING}(?![\w-])")
_LIST_AFTER = re.compile(rf"(?<![\w-])(?P<list>{_LIST}){_RESULT_AFTER}{_AT_SCREENING}(?![\w-])")
# "Positive test for HIV", "positive serology for human immunodeficiency virus (HIV)": the test
# word before names the test of a virus named alone (HIV only: "a test for hepatitis B" may be
# the antigen, the core antibody or the DNA).
_HIV_NAMED_TEST = re.compile(
    rf"(?<![\w-])(?P<before>{_POSITIVE}|{_NEGATIVE}) (?:test|tests|test result|test results"
    r"|result|results|serology|screen|screening|screening test) (?:for|of) (?:the )?"
    rf"(?:hiv(?:-1/2|-1| 1/2)?|human immunodeficiency{_VIRUS})(?![\w-])"
)
_HIV_INDEX = next(i for i, test in enumerate(_TESTS) if test[0] == "hiv-antibody")
_ONE_TEST = re.compile(rf"(?:{_NAMED})(?![\w-])")
_TRIGGERS = Triggers(("hbs", "hbc", "hbv", "hepatitis b", "hcv", "hepatitis c", "hiv", "immunodef"))


def _positive(word: str) -> bool:
    return not (word.startswith(("neg", "non", "undetect", "not", "seroneg")) or word == "(-)")


def _criterion(index: int, positive: bool, source: str) -> Criterion:
    """The test positive (or the diagnosis it follows from); negative: NOT that."""
    concept, _, diagnosis, nucleic_acid = _TESTS[index]
    if not positive:
        return evolve(_criterion(index, True, source), negated=True)
    results = ("positive", "detected") if nucleic_acid else ("positive",)
    children = [
        Criterion(Kind.BIOMARKER, concept=concept, value_concept=result, source_text=source)
        for result in results
    ]
    if diagnosis is not None:
        children.append(Criterion(Kind.CONDITION, concept=diagnosis, source_text=source))
    if len(children) == 1:
        return children[0]
    return Criterion(
        Kind.COMBINATION, combination="any-of", children=tuple(children), source_text=source
    )


def _tests_in(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(test index, start, end) of each test named in text[start:end]."""
    found = []
    for match in _ONE_TEST.finditer(text, start, end):
        index = next(i for i in range(len(_TESTS)) if match[f"t{i}"] is not None)
        found.append((index, match.start(), match.end()))
    return found


def find_serology(text: str) -> list[Match]:
    if not _TRIGGERS.any_in(text):
        return []
    found: list[Match] = []
    for pattern, group in ((_LIST_AFTER, "after"), (_BEFORE_LIST, "before")):
        for match in pattern.finditer(text):
            word = match[group] or match.groupdict().get("sign") or ""
            positive = _positive(word)
            tests = _tests_in(text, match.start("list"), match.end("list"))
            for number, (index, start, end) in enumerate(tests):
                # The result word belongs to the first test (before) or the last (after), the
                # time of screening to the last.
                if group == "before" and number == 0:
                    start = match.start()
                if number == len(tests) - 1:
                    end = match.end()
                criterion = _criterion(index, positive, text[start:end])
                found.append(Match(criterion, start, end))
    if has_any(text, ("hiv", "immunodef")):
        for match in _HIV_NAMED_TEST.finditer(text):
            criterion = _criterion(_HIV_INDEX, _positive(match["before"]), match[0])
            found.append(Match(criterion, match.start(), match.end()))
    return found
