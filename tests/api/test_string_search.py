"""String searches over HTTP, read through the string rows on SecantusDB (ADR 0025) and, for
`:contains`, the values a process keeps (ADR 0031): what a client notices through transactions,
paging and writes made through another server process."""

from urllib.parse import urlsplit

from tests.helpers import (
    FHIR_JSON,
    assert_valid_fhir,
    make_settings,
    research_study,
    running_client,
)


def _entry(method: str, url: str, resource: dict | None = None, **request) -> dict:
    entry: dict = {"request": {"method": method, "url": url, **request}}
    if resource is not None:
        entry["resource"] = resource
    return entry


async def _transaction(client, *entries: dict):
    body = {"resourceType": "Bundle", "type": "transaction", "entry": list(entries)}
    return await client.post("/", json=body, headers=FHIR_JSON)


async def _titles(client, **params) -> list[str]:
    response = await client.get("/ResearchStudy", params=params)
    assert response.status_code == 200, response.text
    assert_valid_fhir(response.json())
    return sorted(e["resource"]["title"] for e in response.json().get("entry", []))


async def test_a_transaction_makes_its_titles_searchable_and_a_failed_one_none(client):
    old = research_study(id="tx-old", title="Metronomic capecitabine")
    assert (await client.put("/ResearchStudy/tx-old", json=old, headers=FHIR_JSON)).is_success
    other = research_study(id="tx-other", title="Other")
    assert (await client.put("/ResearchStudy/tx-other", json=other, headers=FHIR_JSON)).is_success

    done = await _transaction(
        client,
        _entry("POST", "ResearchStudy", research_study(title="Transactional étude")),
        _entry("PUT", "ResearchStudy/tx-old", research_study(id="tx-old", title="Renamed")),
    )
    assert done.status_code == 200, done.text
    assert await _titles(client, title="transactional etude") == ["Transactional étude"]
    assert await _titles(client, title="metronomic") == []
    assert await _titles(client, title="renamed") == ["Renamed"]
    assert await _titles(client, title="other") == ["Other"]

    failed = await _transaction(
        client,
        _entry("POST", "ResearchStudy", research_study(title="Never written")),
        _entry("DELETE", "ResearchStudy/tx-old"),
        _entry(
            "PUT",
            "ResearchStudy/tx-other",
            research_study(id="tx-other", title="Never either"),
            ifMatch='W/"9"',
        ),
    )
    assert failed.status_code == 412, failed.text
    assert await _titles(client, title="never") == []
    assert await _titles(client, title="renamed") == ["Renamed"]
    assert await _titles(client, title="other") == ["Other"]


async def test_next_links_of_a_string_search_page_through_every_match_once(client):
    titles = [f"{'Rare' if i % 10 == 0 else 'Common'} study {i}" for i in range(50)]
    for title in titles:
        response = await client.post("/ResearchStudy", json=research_study(title=title))
        assert response.status_code == 201
    for search, expected in (("rare", 5), ("COMMON", 45), ("common study 1", 10)):
        url: str | None = f"/ResearchStudy?title={search}&_count=4"
        seen: list[str] = []
        while url is not None:
            page = (await client.get(url)).json()
            assert_valid_fhir(page)
            seen += [e["resource"]["id"] for e in page.get("entry", [])]
            following = [link["url"] for link in page["link"] if link["relation"] == "next"]
            url = None
            if following:
                parts = urlsplit(following[0])
                assert "_after=" in parts.query
                url = f"{parts.path}?{parts.query}"
        assert len(seen) == len(set(seen)) == expected


async def _put(client, rid: str, title: str, status: int) -> None:
    response = await client.put(
        f"/ResearchStudy/{rid}", json=research_study(id=rid, title=title), headers=FHIR_JSON
    )
    assert response.status_code == status, response.text


async def test_contains_finds_a_change_made_through_another_process_at_once(mongo_url):
    settings = make_settings(mongo_url)
    async with running_client(settings) as reader, running_client(settings, keep=True) as writer:
        await _put(writer, "s1", "Metronomic capecitabine", 201)
        assert await _titles(reader, **{"title:contains": "tronom"}) == ["Metronomic capecitabine"]

        await _put(writer, "s1", "Adjuvant letrozole", 200)
        await _put(writer, "s2", "Neoadjuvant letrozole", 201)
        assert await _titles(reader, **{"title:contains": "tronom"}) == []
        assert await _titles(reader, **{"title:contains": "adjuvant"}) == [
            "Adjuvant letrozole",
            "Neoadjuvant letrozole",
        ]

        assert (await writer.delete("/ResearchStudy/s2")).status_code in (200, 204)
        assert await _titles(reader, **{"title:contains": "adjuvant"}) == ["Adjuvant letrozole"]
