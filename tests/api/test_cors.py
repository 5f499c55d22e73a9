"""Browser clients (a SMART app on another origin) call the API only from configured origins.

`FHIRTRIAL_CORS_ORIGINS` lists them; a preflight from one of them is answered with the methods and
FHIR headers it may use, and the response headers a client needs (Location, ETag) are exposed.
Any other origin gets no CORS headers, so the browser refuses to hand it the response.
"""

from __future__ import annotations

import pytest

from tests.helpers import FHIR_JSON, make_settings, running_client

APP = "https://app.example.org"


@pytest.fixture
async def cors_client(mongo_url):
    settings = make_settings(mongo_url, cors_origins=f"{APP}, https://ehr.example")
    async with running_client(settings) as c:
        yield c


async def test_a_preflight_from_a_configured_origin_is_answered(cors_client) -> None:
    response = await cors_client.options(
        "/Patient",
        headers={
            "Origin": APP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, if-none-exist",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "if-none-exist", "if-match", "prefer"):
        assert header in allowed


async def test_a_write_from_a_configured_origin_exposes_location_and_etag(cors_client) -> None:
    response = await cors_client.post(
        "/Patient", json={"resourceType": "Patient"}, headers={**FHIR_JSON, "Origin": APP}
    )
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == APP
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "location" in exposed and "etag" in exposed


async def test_another_origin_gets_no_cors_headers(cors_client) -> None:
    preflight = await cors_client.options(
        "/Patient",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    read = await cors_client.get("/metadata", headers={"Origin": "https://evil.example"})
    assert read.status_code == 200
    assert "access-control-allow-origin" not in read.headers


async def test_without_configured_origins_there_is_no_cross_origin_access(client) -> None:
    read = await client.get("/metadata", headers={"Origin": APP})
    assert "access-control-allow-origin" not in read.headers
