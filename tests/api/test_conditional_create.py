import asyncio

from tests.helpers import FHIR_JSON, research_study

NCT = {"system": "https://clinicaltrials.gov", "value": "NCT05361174"}
IF_NONE_EXIST = {**FHIR_JSON, "If-None-Exist": "identifier=https://clinicaltrials.gov|NCT05361174"}


async def test_conditional_create_creates_when_nothing_matches_then_returns_the_match(client):
    first = await client.post(
        "/ResearchStudy", json=research_study(identifier=[NCT]), headers=IF_NONE_EXIST
    )
    assert first.status_code == 201
    second = await client.post(
        "/ResearchStudy",
        json=research_study(identifier=[NCT], title="different"),
        headers=IF_NONE_EXIST,
    )
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert "title" not in second.json()


async def test_conditional_create_with_several_matches_is_a_precondition_failure(client):
    for _ in range(2):
        await client.post(
            "/ResearchStudy", json=research_study(identifier=[NCT]), headers=FHIR_JSON
        )
    response = await client.post(
        "/ResearchStudy", json=research_study(identifier=[NCT]), headers=IF_NONE_EXIST
    )
    assert response.status_code == 412
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_twenty_concurrent_identical_conditional_creates_make_exactly_one(client):
    responses = await asyncio.gather(
        *[
            client.post(
                "/ResearchStudy", json=research_study(identifier=[NCT]), headers=IF_NONE_EXIST
            )
            for _ in range(20)
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1
    assert statuses.count(200) == 19
    assert len({r.json()["id"] for r in responses}) == 1
    found = (await client.get("/ResearchStudy", params={"identifier": "NCT05361174"})).json()
    assert found["total"] == 1


async def test_conditional_create_after_the_match_was_deleted_creates_again(client):
    first = (
        await client.post(
            "/ResearchStudy", json=research_study(identifier=[NCT]), headers=IF_NONE_EXIST
        )
    ).json()
    await client.delete(f"/ResearchStudy/{first['id']}")
    again = await client.post(
        "/ResearchStudy", json=research_study(identifier=[NCT]), headers=IF_NONE_EXIST
    )
    assert again.status_code == 201
    assert again.json()["id"] != first["id"]


async def test_conditional_create_rejects_unknown_criteria(client):
    response = await client.post(
        "/ResearchStudy",
        json=research_study(),
        headers={**FHIR_JSON, "If-None-Exist": "colour=blue"},
    )
    assert response.status_code == 400
    assert (await client.get("/ResearchStudy")).json()["total"] == 0


async def test_a_search_in_the_query_string_of_a_create_is_its_condition(client):
    """fhirpy's `get_or_create` posts `POST [type]?search`: the same as If-None-Exist."""
    url = "/ResearchStudy?identifier=https://clinicaltrials.gov|NCT05361174"
    first = await client.post(url, json=research_study(identifier=[NCT]), headers=FHIR_JSON)
    assert first.status_code == 201
    again = await client.post(url, json=research_study(identifier=[NCT]), headers=FHIR_JSON)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    total = (await client.get("/ResearchStudy", params={"_summary": "count"})).json()["total"]
    assert total == 1
    both = await client.post(url, json=research_study(), headers=IF_NONE_EXIST)
    assert both.status_code == 400
    unknown = await client.post(
        "/ResearchStudy?colour=blue", json=research_study(), headers=FHIR_JSON
    )
    assert unknown.status_code == 400
    formatted = await client.post(
        "/ResearchStudy?_format=json", json=research_study(), headers=FHIR_JSON
    )
    assert formatted.status_code == 201  # _format is no condition
