"""A total that would cost SecantusDB more than FHIRTRIAL_MAX_COUNTED reads is left out, with a
warning, instead of holding the database for everyone (at 30,000 studies counting every match
took ~17 s, and the search failed with a 503 while other requests waited)."""

import contextlib
import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.helpers import (
    FHIR_JSON,
    assert_valid_fhir,
    make_settings,
    research_study,
    running_client,
)


@contextlib.asynccontextmanager
async def _server(mongo_url: str, *, secantusdb: bool) -> AsyncIterator[httpx.AsyncClient]:
    """A server counting up to 3 matches on the given engine's terms, whatever the test
    database, holding 5 studies: 4 active, 1 retired."""
    async with running_client(make_settings(mongo_url, max_counted=3)) as client:
        database = client._transport.app.state.context.repository.database  # type: ignore[attr-defined]
        capabilities = await database.capabilities()
        database._capabilities = dataclasses.replace(capabilities, secantusdb=secantusdb)
        for n in range(5):
            status = "active" if n < 4 else "retired"
            body = research_study(title=f"Study {n}", status=status)
            assert (
                await client.post("/ResearchStudy", json=body, headers=FHIR_JSON)
            ).status_code == 201
        yield client


@pytest.fixture
async def capped(mongo_url) -> AsyncIterator[httpx.AsyncClient]:
    async with _server(mongo_url, secantusdb=True) as client:
        yield client


def _warnings(bundle: dict) -> list[str]:
    return [
        issue["diagnostics"]
        for entry in bundle.get("entry", [])
        if entry["search"]["mode"] == "outcome"
        for issue in entry["resource"]["issue"]
        if issue["code"] == "too-costly"
    ]


async def _bundle(client, query: str) -> dict:
    response = await client.get(f"/ResearchStudy?{query}")
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_fhir(bundle)
    return bundle


async def test_a_total_over_the_cap_is_left_out_with_a_warning_and_the_page_still_comes(capped):
    for query in ("_total=accurate&_count=2", "_total=estimate&_count=2", "_summary=count"):
        bundle = await _bundle(capped, query)
        assert "total" not in bundle, query
        [warning] = _warnings(bundle)
        assert "More than 3 resources match" in warning and "FHIRTRIAL_MAX_COUNTED" in warning
    page = await _bundle(capped, "_total=accurate&_count=2")
    assert [e["search"]["mode"] for e in page["entry"]].count("match") == 2
    assert any(link["relation"] == "next" for link in page["link"])


async def test_a_total_within_the_cap_is_counted(capped):
    for query in ("status=retired&_total=accurate&_count=2", "status=retired&_summary=count"):
        bundle = await _bundle(capped, query)
        assert bundle["total"] == 1, query
        assert _warnings(bundle) == []
    over = await _bundle(capped, "status=active&_total=accurate&_count=2")  # 4 of 5: over 3
    assert "total" not in over and len(_warnings(over)) == 1


async def test_the_default_total_is_left_out_silently(capped):
    """A sorted search counts by default; over the cap it just has no total (nobody asked)."""
    bundle = await _bundle(capped, "_sort=title&_count=2")
    assert "total" not in bundle
    assert _warnings(bundle) == []
    assert [e["resource"]["title"] for e in bundle["entry"]] == ["Study 0", "Study 1"]


async def test_mongod_counts_every_match(mongo_url):
    async with _server(mongo_url, secantusdb=False) as client:
        bundle = await _bundle(client, "_total=accurate&_count=2")
        assert bundle["total"] == 5
        assert _warnings(bundle) == []
