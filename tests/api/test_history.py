import asyncio
from urllib.parse import urlsplit

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
