"""Every one of the 1,357 real texts parses without a structural error a program can detect.

Issue 13: a header the parser misses turns an exclusion list into inclusion requirements (every
patient who is not pregnant becomes ineligible for "Pregnancy"), a lost header drops a section,
and an allowance ("Low-dose aspirin is permitted") compiled as an exclusion rules out the patients
it admits. These checks read the outline only — no label — so they run over the held-out texts
too; a failure there is reported by count, not by study, so that nobody reads those texts.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import Outline, parse_outline
from tests.eligibility.corpus import all_texts, heldout_ids

_HEADER_LINE = re.compile(
    r"^\s*(?:\*\*)?\s*(?:key |main |general )?(?P<kind>inclusion|exclusion)\s+criteri[ao]n?s?"
    r"\s*(?:\*\*)?\s*:?\s*(?:\*\*)?\s*$",
    re.IGNORECASE,
)
_NOTHING = re.compile(r"^\s*[-*•]?\s*(?:none|nil|n/?a|not applicable)?\s*[.;:]?\s*$", re.IGNORECASE)
_BARE_HEADER = re.compile(r"^(?:key |main )?(?:inclusion|exclusion)\s+criteri[ao]n?s?\s*:?$", re.I)
_GLUED_HEADER = re.compile(
    r"(?<!\bthe)(?<!\bany)(?<!\ball)(?<!\bof)(?<!\bthese)(?<!\bmeet)(?<!\bno)"
    r"\s(?:Exclusion|Inclusion) Criteria\s*:?\s*$"
)
_EXCLUSION_WORD = re.compile(r"\bexclusions?\b", re.IGNORECASE)
_PERMITTED = re.compile(
    r"\b(?:is|are) (?:permitted|allowed|acceptable)\b|\bmay (?:be )?(?:included|enrolled)\b",
    re.IGNORECASE,
)


@cache
def _outlines() -> tuple[tuple[str, str, Outline], ...]:
    return tuple(
        (row["nctId"], row["eligibilityCriteria"], parse_outline(row["eligibilityCriteria"]))
        for row in all_texts()
    )


def _report(errors: list[tuple[str, str]]) -> str:
    held = heldout_ids()
    seen = [f"{nct}: {what}" for nct, what in errors if nct not in held]
    hidden = sum(1 for nct, _ in errors if nct in held)
    return "\n".join([*seen, f"and {hidden} in held-out texts (not listed)"])


def _fail_on(errors: list[tuple[str, str]]) -> None:
    # pytest.fail, not assert: assertion rewriting would print the held-out entries too.
    if errors:
        pytest.fail(_report(errors), pytrace=False)


def _only_nothing_after(text: str, header_line: int) -> bool:
    """Whether everything from a header to the next says there is nothing ("None", "N/A", "-")."""
    for line in text.splitlines()[header_line + 1 :]:
        if _HEADER_LINE.match(line):
            return True
        if not _NOTHING.match(line):
            return False
    return True


def test_the_corpus_is_the_whole_corpus() -> None:
    assert len(all_texts()) == 1357


def test_every_section_header_opens_its_section() -> None:
    errors = []
    for nct, text, outline in _outlines():
        lines = text.splitlines()
        for number, line in enumerate(lines):
            match = _HEADER_LINE.match(line)
            if match is None or _only_nothing_after(text, number):
                continue
            section = (
                outline.exclusion if match["kind"].lower() == "exclusion" else outline.inclusion
            )
            if not section:
                errors.append((nct, f"'{line.strip()}' opened no section"))
    _fail_on(errors)


def test_no_header_or_empty_line_is_a_criterion() -> None:
    errors = []
    for nct, _, outline in _outlines():
        for node in outline.walk():
            text = " ".join(node.text.split())
            if _BARE_HEADER.match(text) or _NOTHING.match(text) or _GLUED_HEADER.search(text):
                errors.append((nct, f"{node.link_id} '{text[-80:]}'"))
    _fail_on(errors)


def test_no_exclusion_list_is_nested_in_the_inclusion_section() -> None:
    errors = []
    for nct, _, outline in _outlines():
        for node in outline.walk():
            if node.section == "inclusion" and node.children and _EXCLUSION_WORD.search(node.text):
                errors.append((nct, f"{node.link_id} '{node.text[:80]}'"))
    _fail_on(errors)


def test_no_allowance_is_compiled_as_an_exclusion() -> None:
    errors = []
    for nct, _, outline in _outlines():
        stack = list(compile_outline(outline))
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if node.exclude and node.criterion is not None and _PERMITTED.search(node.text):
                errors.append((nct, f"{node.link_id} '{node.text[:80]}'"))
    _fail_on(errors)
