"""The cheap tests the rules run before their regexes find exactly what the slower ones did."""

from __future__ import annotations

import random
import re

import pytest

from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import conditions, drug_use_phrasing, partial, subgroup_leads
from fhirtrial.eligibility.rules.base import _REGISTERED, Triggers, normalize, triggers_in
from tests.eligibility.corpus import development_texts

# `_PART_VOCABULARY` of rules/partial.py as it was before `_names_a_part` replaced it.
_PART_VOCABULARY = re.compile(
    r"cancer|carcinoma|tumou?r|malignan|neoplas|sarcoma|lymphoma|leuka?emia|myeloma|glioma"
    r"|blastoma|melanoma|nsclc|sclc|dcis|lcis|metasta|advanced|stage|triple|tnbc|positive"
    r"|negative|\+|[a-z0-9]-(?=[\s,)/]|$)|disease|breast|lung"
    # the cancer types' abbreviations and names without a word above
    r"|aml|cll|cml|dlbcl|nhl|hcc|rcc|hnscc|scchn|gbm|pdac|escc|hodgkin|hepatoma|mesothelioma"
)
_PIECES = (
    *("cancer", "tumour", "leukaemia", "her2-", "er-", "+", "-", " ", ",", ")", "/", "a", "b"),
    *("stage", "stag", "breast", "lung", "sclc", "active ", "untreated, ", "current or "),
    *("uncontrolled and/or ", "progressing ", "hepatitis b", "tia", "diabet", "brain met"),
)


@pytest.fixture(scope="module")
def bullets() -> list[str]:
    texts = (row["eligibilityCriteria"] for row in development_texts())
    return [normalize(node.text) for text in texts for node in parse_outline(text).walk()]


def _random_texts(count: int) -> list[str]:
    rng = random.Random(12)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def test_triggers_find_every_word_a_substring_search_finds(bullets: list[str]) -> None:
    words = ["tia", "ti", "t", "stage", "stag", "age", "hepatitis b", "b", "brain met", "met"]
    triggers = Triggers(words)
    for text in [*bullets, *_random_texts(2000)]:
        assert set(triggers.found_in(text)) == {w for w in words if w in text}


def test_the_shared_scan_finds_every_trigger_of_every_group(bullets: list[str]) -> None:
    # Triggers with spaces before, inside and after them, and one that a word ends with.
    Triggers([" af", "organ ", "heart failure", "failure", "art f", "b c", " ", "ck d"])
    pieces = [*_PIECES, " af", "organ", "heart", "failure", "  ", "b c", "ck", " d", "c"]
    rng = random.Random(13)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    words = sorted(_REGISTERED)
    for text in [*bullets, *texts]:
        assert triggers_in(text) == {w for w in words if w in text}


def test_the_opening_and_lead_tests_agree_with_their_patterns(bullets: list[str]) -> None:
    pieces = [*_PIECES, "current ", "chronic ", "- ", "* ", "•", "for ", "in ", "among ", "C"]
    pieces += ["patients with ", "diabetes", ": ", ", ", " must have ", " needs to be ", "hba1c"]
    rng = random.Random(14)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(3000)]
    for text in [*bullets, *texts]:
        opening = drug_use_phrasing._OPENING.match(text)
        assert opening is not None
        assert drug_use_phrasing.opening_drug_position(text) == opening.end()
        lead = next((m for p in subgroup_leads._LEADS if (m := p.match(text))), None)
        found = subgroup_leads._lead(text)
        assert (found is None) == (lead is None)
        if found is not None and lead is not None:
            assert (found.re, found.span()) == (lead.re, lead.span())


def test_part_vocabulary_test_agrees_with_the_regex(bullets: list[str]) -> None:
    for text in [*bullets, *_random_texts(2000)]:
        assert partial._names_a_part(text) == bool(_PART_VOCABULARY.search(text))


def test_qualifiers_are_read_only_where_a_qualifier_ends() -> None:
    for text in _random_texts(3000):
        for start in range(len(text) + 1):
            found = conditions._QUALIFIERS_BEFORE.search(text, max(0, start - 80), start)
            if found:
                assert text.endswith(conditions._QUALIFIER_ENDINGS, 0, start)
