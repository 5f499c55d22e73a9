"""A Bulk Data client for the tests: kick-off, polling the status URL until the manifest, and
reading the NDJSON files, as a registry's or analytics pipeline's client does."""

import asyncio
from typing import Any

import httpx
import orjson

KICK_OFF = {"Prefer": "respond-async", "Accept": "application/fhir+json"}


async def kick_off(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None, **params: str
) -> str:
    response = await client.get("/$export", params=params, headers={**KICK_OFF, **(headers or {})})
    assert response.status_code == 202, response.text
    location: str = response.headers["content-location"]
    return location


async def manifest(
    client: httpx.AsyncClient, status_url: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """Poll as the IG says (202 with X-Progress and Retry-After) until the 200 manifest."""
    for _ in range(600):
        response = await client.get(status_url, headers=headers)
        if response.status_code != 202:
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith("application/json")
            found: dict[str, Any] = response.json()
            return found
        assert response.headers["x-progress"]
        assert int(response.headers["retry-after"]) > 0
        await asyncio.sleep(0.05)
    raise AssertionError(f"the export at {status_url} never completed")


async def download(
    client: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    response = await client.get(
        url, headers={"Accept": "application/fhir+ndjson", **(headers or {})}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/fhir+ndjson"
    assert response.content.endswith(b"\n")
    return [orjson.loads(line) for line in response.content.splitlines()]


async def exported(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None, **params: str
) -> dict[str, list[dict[str, Any]]]:
    """Every resource an export of `params` gives, by type (all its files read)."""
    found = await manifest(client, await kick_off(client, headers, **params), headers)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for output in found["output"]:
        resources = await download(client, output["url"], headers)
        assert len(resources) == output["count"]
        assert {r["resourceType"] for r in resources} == {output["type"]}
        by_type.setdefault(output["type"], []).extend(resources)
    return by_type
