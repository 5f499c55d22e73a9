"""The Host header is not trusted: with FHIRTRIAL_BASE_URL set, links always use it; without it
(developer mode) the request's Host is used, and `fhirtrial serve` warns when it listens beyond
loopback that way."""

import pytest

from fhirtrial.api.context import host_header_warning
from tests.helpers import FHIR_JSON, make_settings, running_client

STUDY = {"resourceType": "ResearchStudy", "status": "active"}
EVIL = {**FHIR_JSON, "Host": "evil.example"}


async def test_a_configured_base_url_is_used_whatever_the_host_header_says(client):
    created = await client.post("/ResearchStudy", json=STUDY, headers=EVIL)
    assert created.headers["location"].startswith("http://fhir.test/ResearchStudy/")
    bundle = (await client.get("/ResearchStudy?_count=1", headers=EVIL)).json()
    urls = [link["url"] for link in bundle["link"]] + [e["fullUrl"] for e in bundle["entry"]]
    assert urls and all(url.startswith("http://fhir.test/") for url in urls)
    assert not any("evil.example" in url for url in urls)


async def test_without_a_base_url_the_host_header_is_used(mongo_url):
    async with running_client(make_settings(mongo_url, base_url=None)) as client:
        created = await client.post("/ResearchStudy", json=STUDY, headers=EVIL)
        assert created.headers["location"].startswith("http://evil.example/ResearchStudy/")


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.5", "::", "fhir.hospital.org"])
def test_serve_warns_when_it_listens_beyond_loopback_without_a_base_url(host):
    warning = host_header_warning(host, None)
    assert warning is not None and "FHIRTRIAL_BASE_URL" in warning
    assert host_header_warning(host, "https://fhir.hospital.org/fhir") is None


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_serve_on_loopback_needs_no_base_url(host):
    assert host_header_warning(host, None) is None
