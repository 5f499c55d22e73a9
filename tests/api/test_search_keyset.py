"""Pages of the default order read by ranges of the order key (fhirtrial.store.keyset, ADR 0018):
what a client paging through a search notices."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir, research_study


async def _create(client, n: int, **fields) -> list[str]:
    ids = []
    for i in range(n):
        body = research_study(title=f"Study {i:02d}", **fields)
        response = await client.post("/ResearchStudy", json=body, headers=FHIR_JSON)
        assert response.status_code == 201
        ids.append(response.json()["id"])
    return ids


def _next(page: dict) -> str | None:
    url = next((link["url"] for link in page["link"] if link["relation"] == "next"), None)
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def _follow(client, path: str, params: dict) -> list[dict]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    pages = [response.json()]
    while (following := _next(pages[-1])) is not None:
        response = await client.get(following)
        assert response.status_code == 200, response.text
        pages.append(response.json())
    return pages


def _ids(pages: list[dict]) -> list[str]:
    return [e["resource"]["id"] for page in pages for e in page.get("entry", [])]


@pytest.mark.parametrize(
    "params",
    [{}, {"status": "active"}, {"title": "study"}, {"status": "active", "title:contains": "tud"}],
)
async def test_next_links_page_through_every_match_once(client, params):
    created = await _create(client, 45)
    pages = await _follow(client, "/ResearchStudy", {**params, "_count": 10})
    seen = _ids(pages)
    assert len(pages) == 5
    assert [len(page["entry"]) for page in pages] == [10, 10, 10, 10, 5]
    assert sorted(seen) == sorted(created)  # each one exactly once
    for page in pages:
        assert_valid_fhir(page)
        assert [link["relation"] for link in page["link"]][:1] == ["self"]
    # The next links carry the position, not an offset.
    first_next = parse_qs(urlsplit(_next(pages[0]) or "").query)
    assert "_after" in first_next and "_offset" not in first_next
    assert first_next["_count"] == ["10"]


async def test_the_order_is_the_same_on_every_request_and_by_offset(client):
    await _create(client, 25)
    by_links = _ids(await _follow(client, "/ResearchStudy", {"_count": 7}))
    again = _ids(await _follow(client, "/ResearchStudy", {"_count": 7}))
    by_offset = []
    for offset in range(0, 25, 7):
        page = (await client.get("/ResearchStudy", params={"_count": 7, "_offset": offset})).json()
        by_offset += [e["resource"]["id"] for e in page["entry"]]
    assert by_links == again == by_offset
    assert len(set(by_links)) == 25


async def test_writes_between_pages_neither_repeat_nor_lose_a_resource(client):
    created = await _create(client, 30, condition=[{"text": "melanoma"}])
    response = await client.get("/ResearchStudy", params={"_count": 10, "status": "active"})
    first = response.json()
    seen = [e["resource"]["id"] for e in first["entry"]]
    # Meanwhile: new studies, one study not seen yet deleted, one seen updated.
    added = await _create(client, 12)
    unseen = [rid for rid in created if rid not in seen]
    assert (await client.delete(f"/ResearchStudy/{unseen[0]}")).status_code in (200, 204)
    changed = research_study(id=seen[0], title="Renamed")
    assert (
        await client.put(f"/ResearchStudy/{seen[0]}", json=changed, headers=FHIR_JSON)
    ).status_code == 200
    following = _next(first)
    while following is not None:
        page = (await client.get(following)).json()
        seen += [e["resource"]["id"] for e in page["entry"]]
        following = _next(page)
    assert len(seen) == len(set(seen))
    assert set(created) - {unseen[0]} <= set(seen)
    assert unseen[0] not in seen
    assert set(seen) <= set(created) | set(added)


async def test_total_is_given_when_asked_or_when_one_page_holds_every_match(client):
    await _create(client, 12)
    several = (await client.get("/ResearchStudy", params={"_count": 5})).json()
    assert "total" not in several  # counting would read every match
    asked = await _follow(client, "/ResearchStudy", {"_count": 5, "_total": "accurate"})
    assert [page["total"] for page in asked] == [12, 12, 12]
    estimated = await client.get("/ResearchStudy", params={"_count": 5, "_total": "estimate"})
    assert estimated.json()["total"] == 12
    whole = (await client.get("/ResearchStudy", params={"_count": 20})).json()
    assert whole["total"] == 12
    assert [link["relation"] for link in whole["link"]] == ["self"]
    none = (await client.get("/ResearchStudy", params={"_count": 20, "_total": "none"})).json()
    assert "total" not in none
    counted = (await client.get("/ResearchStudy", params={"_summary": "count"})).json()
    assert counted["total"] == 12


async def test_an_explicit_sort_still_pages_by_offset(client):
    await _create(client, 9)
    pages = await _follow(client, "/ResearchStudy", {"_count": 4, "_sort": "-title"})
    titles = [e["resource"]["title"] for page in pages for e in page["entry"]]
    assert titles == [f"Study {i:02d}" for i in reversed(range(9))]
    assert "_offset=4" in (_next(pages[0]) or "")


async def test_include_of_a_keyset_page_brings_what_the_page_refers_to(client):
    location = {"resourceType": "Location", "name": "Clinic A"}
    loc = (await client.post("/Location", json=location, headers=FHIR_JSON)).json()["id"]
    await _create(client, 6, site=[{"reference": f"Location/{loc}"}])
    page = (
        await client.get("/ResearchStudy", params={"_count": 4, "_include": "ResearchStudy:site"})
    ).json()
    modes = [e["search"]["mode"] for e in page["entry"]]
    assert modes == ["match"] * 4 + ["include"]
    assert page["entry"][-1]["resource"]["id"] == loc
    second = (await client.get(_next(page) or "")).json()
    assert [e["search"]["mode"] for e in second["entry"]] == ["match", "match", "include"]


@pytest.mark.parametrize(
    "params",
    [
        {"_after": "not-a-position"},
        {"_after": "zz.x"},
        {"_after": "00000000000a.x", "_sort": "_id"},
        {"_after": "00000000000a.x", "_offset": "3"},
        {"_after": "00000000000a.x", "_id": "x"},  # a shape not paged by position
    ],
)
async def test_a_position_that_is_not_one_of_our_next_links_is_400(client, params):
    response = await client.get("/ResearchStudy", params=params)
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_a_position_at_the_system_level_is_400(client):
    response = await client.get("/", params={"_type": "ResearchStudy", "_after": "0a.x"})
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
