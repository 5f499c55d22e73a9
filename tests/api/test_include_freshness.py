"""`_include` serves the current version of what it brings in, also when this process kept an
earlier one (store.current_resources, docs/adr/0028): after an update, a delete and a re-create,
through this process or another one on the same database."""

from tests.helpers import (
    FHIR_JSON,
    assert_valid_fhir,
    make_settings,
    research_study,
    running_client,
)

SEARCH = "/ResearchStudy?_include=ResearchStudy:site"


def _site(name: str) -> dict:
    return {"resourceType": "Location", "id": "site-1", "name": name}


async def _included_sites(client) -> dict[str, tuple[str, str]]:
    """id → (name, versionId) of the Locations the search includes."""
    response = await client.get(SEARCH)
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_fhir(bundle)
    return {
        e["resource"]["id"]: (e["resource"]["name"], e["resource"]["meta"]["versionId"])
        for e in bundle["entry"]
        if e["search"]["mode"] == "include"
    }


async def _put(client, body: dict, status: int) -> None:
    url = f"/{body['resourceType']}/{body['id']}"
    response = await client.put(url, json=body, headers=FHIR_JSON)
    assert response.status_code == status, response.text


async def _changes_are_included(reader, writer) -> None:
    """`writer` changes a site `reader` has included (and kept) before; `reader` sees each."""
    await _put(writer, _site("Old wing"), 201)
    await _put(writer, research_study(id="s1", site=[{"reference": "Location/site-1"}]), 201)
    assert await _included_sites(reader) == {"site-1": ("Old wing", "1")}
    assert await _included_sites(reader) == {"site-1": ("Old wing", "1")}

    await _put(writer, _site("New wing"), 200)
    assert await _included_sites(reader) == {"site-1": ("New wing", "2")}

    assert (await writer.delete("/Location/site-1")).status_code in (200, 204)
    assert await _included_sites(reader) == {}

    await _put(writer, _site("Rebuilt wing"), 201)
    assert await _included_sites(reader) == {"site-1": ("Rebuilt wing", "4")}


async def test_an_included_site_is_its_current_version_after_each_change(client):
    await _changes_are_included(client, client)


async def test_a_change_made_through_another_process_is_included_at_once(mongo_url):
    settings = make_settings(mongo_url)
    async with running_client(settings) as first, running_client(settings, keep=True) as second:
        await _changes_are_included(first, second)
