"""Links behind a reverse proxy: `Forwarded` / `X-Forwarded-Host` / `X-Forwarded-Proto` are
believed only from FHIRTRIAL_TRUSTED_PROXIES and only without FHIRTRIAL_BASE_URL."""

import contextlib

import pytest

from tests.helpers import FHIR_JSON, make_settings, research_study, running_client
from tests.matching.match_patients import melanoma_patient

# httpx's in-process transport reports the client as 127.0.0.1.
PROXIED = {"X-Forwarded-Host": "trials.example.org", "X-Forwarded-Proto": "https"}


@contextlib.asynccontextmanager
async def server(mongo_url, **settings):
    async with running_client(make_settings(mongo_url, **{"base_url": None, **settings})) as c:
        yield c


async def location(client, headers: dict) -> str:
    response = await client.post(
        "/ResearchStudy", json=research_study(), headers={**FHIR_JSON, **headers}
    )
    assert response.status_code == 201
    return response.headers["location"]


async def test_a_trusted_proxy_s_headers_make_the_links(mongo_url):
    async with server(mongo_url, trusted_proxies="127.0.0.1") as client:
        assert (await location(client, PROXIED)).startswith(
            "https://trials.example.org/ResearchStudy/"
        )
        bundle = (await client.get("/ResearchStudy", headers=PROXIED)).json()
        assert bundle["link"][0]["url"].startswith("https://trials.example.org/ResearchStudy?")
        assert bundle["entry"][0]["fullUrl"].startswith("https://trials.example.org/")
        statement = (await client.get("/metadata", headers=PROXIED)).json()
        assert statement["implementation"]["url"] == "https://trials.example.org"


async def test_rfc_7239_forwarded_last_element_wins(mongo_url):
    forwarded = {
        "Forwarded": "for=192.0.2.1;host=edge.example;proto=http, "
        'for=10.0.0.2;host="trials.example.org:8443";proto=https',
        "X-Forwarded-Host": "ignored.example",
    }
    async with server(mongo_url, trusted_proxies="127.0.0.0/8,10.0.0.0/8") as client:
        assert (await location(client, forwarded)).startswith(
            "https://trials.example.org:8443/ResearchStudy/"
        )


@pytest.mark.parametrize(
    ("settings", "headers"),
    [
        ({}, PROXIED),  # no trusted proxy: never read
        ({"trusted_proxies": "10.0.0.0/8"}, PROXIED),  # the peer is not one
        ({"trusted_proxies": "127.0.0.1"}, {"X-Forwarded-Host": "evil.example/path"}),
        ({"trusted_proxies": "127.0.0.1"}, {**PROXIED, "X-Forwarded-Proto": "gopher"}),
        ({"trusted_proxies": "127.0.0.1"}, {"Forwarded": "host=evil example"}),
    ],
)
async def test_forwarded_headers_are_not_believed_otherwise(mongo_url, settings, headers):
    async with server(mongo_url, **settings) as client:
        assert (await location(client, headers)).startswith("http://fhir.test/ResearchStudy/")


async def test_the_configured_base_url_always_wins(mongo_url):
    settings = {"base_url": "https://fhir.hospital.org/r5", "trusted_proxies": "127.0.0.1"}
    async with server(mongo_url, **settings) as client:
        assert (await location(client, PROXIED)).startswith(
            "https://fhir.hospital.org/r5/ResearchStudy/"
        )


async def test_match_searchset_has_a_self_link(mongo_url):
    async with server(mongo_url, trusted_proxies="127.0.0.1") as client:
        response = await client.post(
            "/ResearchStudy/$match", json=melanoma_patient(), headers={**FHIR_JSON, **PROXIED}
        )
        assert response.status_code == 200, response.text
        bundle = response.json()
        assert bundle["link"] == [
            {"relation": "self", "url": "https://trials.example.org/ResearchStudy/$match"}
        ]
