"""A GET entry of a batch answers `_elements` and `_summary` as the same GET sent alone does."""

from tests.helpers import FHIR_JSON, assert_valid_fhir


async def test_batch_get_entries_honour_elements_and_summary(client):
    study = {
        "resourceType": "ResearchStudy",
        "id": "subset-1",
        "status": "active",
        "title": "A study",
        "description": "A long description that a summary leaves out",
    }
    assert (await client.put("/ResearchStudy/subset-1", json=study, headers=FHIR_JSON)).is_success
    batch = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {"request": {"method": "GET", "url": "ResearchStudy/subset-1?_elements=title"}},
            {"request": {"method": "GET", "url": "ResearchStudy?_id=subset-1&_summary=true"}},
        ],
    }
    response = await client.post("/", json=batch, headers=FHIR_JSON)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_valid_fhir(answer)
    read = answer["entry"][0]["resource"]
    assert read["title"] == "A study"
    assert "description" not in read and "status" in read  # mandatory elements stay
    assert read["meta"]["tag"][0]["code"] == "SUBSETTED"
    searched = answer["entry"][1]["resource"]["entry"][0]["resource"]
    assert "description" not in searched and searched["title"] == "A study"
    assert searched["meta"]["tag"][0]["code"] == "SUBSETTED"
