"""The synonym index names exactly the concepts that testing every synonym's pattern names."""

import json
import re
from pathlib import Path

import pytest

from fhirtrial.eligibility.terminology import terminology
from fhirtrial.eligibility.terminology.synonym_index import SynonymIndex

CRITERIA = Path(__file__).resolve().parent.parent / "data" / "criteria" / "eligibility-texts.ndjson"
PATIENTS = Path(__file__).resolve().parent.parent / "data" / "patients"


Patterns = list[tuple[re.Pattern[str], str]]


def _every_pattern(patterns: Patterns, lowered: str) -> set[str]:
    return {concept_id for pattern, concept_id in patterns if pattern.search(lowered)}


@pytest.fixture(scope="module")
def pairs() -> list[tuple[str, str]]:
    return [
        (synonym.lower(), concept.id)
        for concept in terminology().concepts.values()
        for synonym in concept.synonyms
    ]


@pytest.fixture(scope="module")
def patterns(pairs: list[tuple[str, str]]) -> Patterns:
    """Every synonym's pattern, each tested on every text: what the index replaces."""
    return [
        (re.compile(rf"(?<![\w-]){re.escape(synonym)}(?![\w-])"), concept_id)
        for synonym, concept_id in pairs
    ]


@pytest.fixture(scope="module")
def index(pairs: list[tuple[str, str]]) -> SynonymIndex:
    return SynonymIndex(pairs)


def test_real_criteria_texts_name_the_same_concepts(patterns, index) -> None:
    # every 8th of the 1,357 real texts (all of them: 36 s, each tested against every pattern)
    texts = [json.loads(line)["eligibilityCriteria"] for line in CRITERIA.open()][::8]
    named = 0
    for text in texts:
        lowered = terminology().with_generic_names(text)
        expected = _every_pattern(patterns, lowered)
        assert index.concepts_named(lowered) == expected, text[:200]
        named += bool(expected)
    assert named > len(texts) // 2  # the comparison is not one of empty sets


def test_patients_problem_texts_name_the_same_concepts(patterns, index) -> None:
    texts = set()
    for path in PATIENTS.rglob("*.json"):
        for entry in json.loads(path.read_text()).get("entry", []):
            resource = entry.get("resource", {})
            if resource.get("resourceType") == "Condition":
                code = resource.get("code", {})
                texts.add(code.get("text", ""))
                texts.update(c.get("display", "") for c in code.get("coding", []))
    assert len(texts) > 20
    for text in texts:
        lowered = terminology().with_generic_names(text)
        assert index.concepts_named(lowered) == _every_pattern(patterns, lowered), text


def test_each_synonym_is_found_where_it_stands_as_whole_words_only(pairs, patterns, index) -> None:
    for synonym, concept_id in pairs:
        assert concept_id in index.concepts_named(f"history of {synonym}, treated"), synonym
        # glued to other words: after a hyphen, before word characters or a hyphen
        glued = f"pre-{synonym} {synonym}s {synonym}-like"
        assert index.concepts_named(glued) == _every_pattern(patterns, glued), synonym


def test_a_synonym_that_begins_with_a_sign_is_still_found() -> None:
    index = SynonymIndex([("(r)-warfarin allergy", "c1"), ("warfarin", "c2")])
    assert index.concepts_named("known (r)-warfarin allergy; warfarin") == {"c1", "c2"}
    # glued to a word before it: neither stands as whole words ("-warfarin" neither)
    assert index.concepts_named("x(r)-warfarin allergy") == set()
    assert len(index) == 2
