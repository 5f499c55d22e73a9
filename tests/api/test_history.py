import asyncio
import dataclasses
from urllib.parse import urlsplit

import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir, research_study


async def _versions(client, count: int) -> str:
    created = (
        await client.post("/ResearchStudy", json=research_study(title="v1"), headers=FHIR_JSON)
    ).json()
    for n in range(2, count + 1):
        await client.put(
            f"/ResearchStudy/{created['id']}", json={**created, "title": f"v{n}"}, headers=FHIR_JSON
        )
    return created["id"]


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_instance_history_lists_versions_newest_first_and_pages(client):
    rid = await _versions(client, 5)
    first = (await client.get(f"/ResearchStudy/{rid}/_history", params={"_count": 2})).json()
    assert_valid_fhir(first)
    assert first["type"] == "history"
    assert first["total"] == 5
    assert [e["resource"]["meta"]["versionId"] for e in first["entry"]] == ["5", "4"]
    seen = [e["resource"]["title"] for e in first["entry"]]
    page = first
    while next_link := next((li["url"] for li in page["link"] if li["relation"] == "next"), None):
        page = (await client.get(_relative(next_link))).json()
        seen += [e["resource"]["title"] for e in page["entry"]]
    assert seen == ["v5", "v4", "v3", "v2", "v1"]


async def test_history_since_returns_only_later_versions(client):
    rid = await _versions(client, 2)
    history = (await client.get(f"/ResearchStudy/{rid}/_history")).json()
    second_at = history["entry"][0]["response"]["lastModified"]
    await asyncio.sleep(0.01)
    await client.put(
        f"/ResearchStudy/{rid}",
        json={**history["entry"][0]["resource"], "title": "v3"},
        headers=FHIR_JSON,
    )
    since = (
        await client.get(f"/ResearchStudy/{rid}/_history", params={"_since": second_at})
    ).json()
    assert [e["resource"]["title"] for e in since["entry"]] == ["v3", "v2"]


async def test_type_history_covers_all_resources_of_the_type(client):
    a = await _versions(client, 2)
    b = await _versions(client, 1)
    history = (await client.get("/ResearchStudy/_history")).json()
    assert history["total"] == 3
    assert {e["fullUrl"].rsplit("/", 1)[1] for e in history["entry"]} == {a, b}
    assert (await client.get("/Patient/_history")).json()["total"] == 0


async def test_history_of_unknown_resource_is_not_found(client):
    assert (await client.get("/ResearchStudy/nope/_history")).status_code == 404


async def test_history_rejects_bad_parameters(client):
    rid = await _versions(client, 1)
    assert (
        await client.get(f"/ResearchStudy/{rid}/_history", params={"_since": "yesterday"})
    ).status_code == 400
    assert (
        await client.get(f"/ResearchStudy/{rid}/_history", params={"_count": "-1"})
    ).status_code == 400


async def _engine(client, *, secantusdb: bool) -> None:
    """Answer as on this engine, whatever the test database."""
    database = client._transport.app.state.context.repository.database
    capabilities = await database.capabilities()
    database._capabilities = dataclasses.replace(capabilities, secantusdb=secantusdb)


async def _walk(client, first_url: str) -> tuple[list[dict], list[dict]]:
    """Every page from the first one by `next` links: the pages and all their entries."""
    pages = [(await client.get(first_url)).json()]
    while link := next((li["url"] for li in pages[-1]["link"] if li["relation"] == "next"), None):
        pages.append((await client.get(_relative(link))).json())
    return pages, [entry for page in pages for entry in page["entry"]]


@pytest.fixture
def read_by_ranges(monkeypatch):
    """Types of up to 50 resources are read whole: these tests' few are read as more would be."""
    monkeypatch.setattr("fhirtrial.store.repository.READ_WHOLE_UP_TO", -1)


@pytest.mark.parametrize("secantusdb", [True, False])
async def test_type_history_pages_cover_every_version_once_newest_first(
    client, secantusdb, read_by_ranges
):
    await _engine(client, secantusdb=secantusdb)
    for _ in range(3):
        await _versions(client, 3)
    pages, entries = await _walk(client, "/ResearchStudy/_history?_count=4")
    assert len(pages) == 3
    for page in pages:
        assert_valid_fhir(page)
    stamps = [(e["response"]["lastModified"], e["response"]["etag"]) for e in entries]
    assert stamps == sorted(stamps, reverse=True)
    versions = {(e["fullUrl"], e["response"]["etag"]) for e in entries}
    assert len(entries) == len(versions) == 9
    # Counting a type's versions reads all of them on SecantusDB: no total unless the page read
    # them all anyway (the last one); mongod counts them.
    totals = [page.get("total") for page in pages]
    assert totals == ([None, None, 9] if secantusdb else [9, 9, 9])


async def test_system_history_leaves_the_total_out_when_a_type_does(client, read_by_ranges):
    await _engine(client, secantusdb=True)
    for _ in range(3):
        await _versions(client, 2)
    first = (await client.get("/_history", params={"_count": 2})).json()
    assert_valid_fhir(first)
    assert "total" not in first
    assert any(link["relation"] == "next" for link in first["link"])
    everything = (await client.get("/_history", params={"_count": 100})).json()
    assert everything["total"] == len(everything["entry"]) >= 6


async def test_a_small_type_is_read_whole_and_counted(client):
    await _engine(client, secantusdb=True)
    for _ in range(3):
        await _versions(client, 3)
    pages, entries = await _walk(client, "/ResearchStudy/_history?_count=4")
    assert [page["total"] for page in pages] == [9, 9, 9]
    assert len({(e["fullUrl"], e["response"]["etag"]) for e in entries}) == 9
