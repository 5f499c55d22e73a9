"""The `:text` modifier on token parameters (FHIR R5 search.html#text): the display text of the
CodeableConcept or Coding, case- and accent-insensitive, matching its start or a word's start."""

import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir, research_study

MESH = "http://id.nlm.nih.gov/mesh"
STUDIES = [
    research_study(
        id="lung",
        condition=[
            {
                "coding": [
                    {"system": MESH, "code": "D002289", "display": "Carcinoma, Non-Small-Cell Lung"}
                ],
                "text": "NSCLC",
            }
        ],
    ),
    research_study(id="melanoma", condition=[{"text": "Mélanome cutané"}]),
    research_study(
        id="coded-only",
        condition=[{"coding": [{"system": MESH, "code": "D001943"}]}],
        identifier=[
            {
                "type": {"text": "Sponsor protocol number"},
                "system": "https://example.org/ids",
                "value": "ABC-1",
            }
        ],
    ),
]


@pytest.fixture
async def studies(client):
    for study in STUDIES:
        url = f"/ResearchStudy/{study['id']}"
        assert (await client.put(url, json=study, headers=FHIR_JSON)).status_code == 201
    return client


async def _ids(client, params) -> list[str]:
    response = await client.get("/ResearchStudy", params=params)
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_fhir(bundle)
    return sorted(e["resource"]["id"] for e in bundle["entry"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("carcinoma", ["lung"]),  # start of a coding's display
        ("CARCINOMA, NON", ["lung"]),  # case-insensitive, across words
        ("lung", ["lung"]),  # a later word
        ("small-cell", ["lung"]),  # a word after a hyphen
        ("nsclc", ["lung"]),  # the CodeableConcept's text
        ("melanome", ["melanoma"]),  # accent-insensitive
        ("cut", ["melanoma"]),  # start of a word
        ("arcinoma", []),  # not the start of a word
        ("D002289", []),  # codes are not text
        ("lung,melanome", ["lung", "melanoma"]),  # values OR-ed
    ],
)
async def test_text_matches_display_and_text_by_start_of_a_word(studies, value, expected):
    assert await _ids(studies, {"condition:text": value}) == expected


async def test_text_on_identifier_matches_its_type(studies):
    assert await _ids(studies, {"identifier:text": "sponsor"}) == ["coded-only"]
    assert await _ids(studies, {"identifier:text": "abc"}) == []


async def test_text_combines_with_other_criteria(studies):
    assert await _ids(studies, {"condition:text": "lung", "_id": "melanoma"}) == []
    assert await _ids(studies, {"condition:text": "lung", "status": "active"}) == ["lung"]


async def test_text_follows_updates(studies):
    changed = research_study(id="lung", condition=[{"text": "Mesothelioma"}])
    assert (
        await studies.put("/ResearchStudy/lung", json=changed, headers=FHIR_JSON)
    ).status_code == 200
    assert await _ids(studies, {"condition:text": "carcinoma"}) == []
    assert await _ids(studies, {"condition:text": "meso"}) == ["lung"]


@pytest.mark.parametrize("params", [{"condition:text": ""}, {"_id:text": "x"}, {"title:text": "x"}])
async def test_bad_text_searches_are_400(studies, params):
    response = await studies.get("/ResearchStudy", params=params)
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
