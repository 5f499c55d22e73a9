"""`_summary` and `_elements` on read and vread (and `_summary` on search), marked SUBSETTED."""

import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir

SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
}
NARRATIVE = {
    "status": "generated",
    "div": '<div xmlns="http://www.w3.org/1999/xhtml">A study</div>',
}
STUDY = {
    "resourceType": "ResearchStudy",
    "status": "active",
    "title": "A study",
    "description": "Long text that is not in the summary",
    "text": NARRATIVE,
    "recruitment": {"targetNumber": 40, "actualGroup": {"reference": "Group/g1"}},
}


@pytest.fixture
async def study(client):
    created = await client.post("/ResearchStudy", json=STUDY, headers=FHIR_JSON)
    return created.json()


def tags(resource: dict) -> list:
    return resource["meta"].get("tag", [])


async def test_summary_true_keeps_the_summary_elements(client, study):
    response = await client.get(f"/ResearchStudy/{study['id']}", params={"_summary": "true"})
    assert response.status_code == 200
    body = response.json()
    assert_valid_fhir(body)
    assert body["title"] == "A study"
    assert body["status"] == "active"
    assert "description" not in body
    assert "text" not in body
    # recruitment is a summary element; of its parts only actualGroup is.
    assert body["recruitment"] == {"actualGroup": {"reference": "Group/g1"}}
    assert SUBSETTED in tags(body)
    assert response.headers["etag"] == 'W/"1"'


async def test_summary_text_data_and_false(client, study):
    url = f"/ResearchStudy/{study['id']}"
    text = (await client.get(url, params={"_summary": "text"})).json()
    assert set(text) == {"resourceType", "id", "meta", "text", "status"}
    assert SUBSETTED in tags(text)
    data = (await client.get(url, params={"_summary": "data"})).json()
    assert "text" not in data
    assert data["description"] == STUDY["description"]
    assert SUBSETTED in tags(data)
    full = (await client.get(url, params={"_summary": "false"})).json()
    assert full == study
    for body in (text, data):
        assert_valid_fhir(body)


async def test_elements_on_read_and_vread(client, study):
    for url in (f"/ResearchStudy/{study['id']}", f"/ResearchStudy/{study['id']}/_history/1"):
        body = (await client.get(url, params={"_elements": "title,description"})).json()
        assert set(body) == {"resourceType", "id", "meta", "title", "description", "status"}
        assert SUBSETTED in tags(body)
        assert_valid_fhir(body)
    vread = await client.get(
        f"/ResearchStudy/{study['id']}/_history/1", params={"_summary": "true"}
    )
    assert "description" not in vread.json()


async def test_bad_summary_on_a_read_is_400(client, study):
    url = f"/ResearchStudy/{study['id']}"
    for params in (
        {"_summary": "count"},
        {"_summary": "everything"},
        {"_summary": "true", "_elements": "title"},
    ):
        response = await client.get(url, params=params)
        assert response.status_code == 400, params
        assert response.json()["resourceType"] == "OperationOutcome"


async def test_summary_true_on_a_search(client, study):
    bundle = (await client.get("/ResearchStudy", params={"_summary": "true"})).json()
    match = bundle["entry"][0]["resource"]
    assert match["id"] == study["id"]
    assert "description" not in match
    assert SUBSETTED in tags(match)
    assert_valid_fhir(bundle)


async def test_summary_and_elements_on_a_search_tag_once(client, study):
    bundle = (
        await client.get("/ResearchStudy", params={"_summary": "data", "_elements": "title"})
    ).json()
    match = bundle["entry"][0]["resource"]
    assert set(match) == {"resourceType", "id", "meta", "title", "status"}
    assert tags(match).count(SUBSETTED) == 1
