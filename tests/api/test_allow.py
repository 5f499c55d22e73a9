"""A 405 names, in `Allow`, every method the URL accepts (RFC 9110 §15.5.6)."""

import pytest

from tests.helpers import FHIR_JSON


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/ResearchStudy", "GET, HEAD, POST, PUT, DELETE"),
        ("PATCH", "/Patient", "GET, HEAD, POST, PUT, DELETE"),
        ("PUT", "/", "GET, HEAD, POST"),  # system search (GET) and batch/transaction (POST)
        ("POST", "/ResearchStudy/abc", "GET, HEAD, PUT, PATCH, DELETE"),
        ("DELETE", "/ResearchStudy/abc/_history", "GET, HEAD"),
        ("PUT", "/ResearchStudy/abc/_history/1", "GET, HEAD"),
        ("POST", "/ResearchStudy/_history", "GET, HEAD"),
        ("GET", "/ResearchStudy/_search", None),  # a read of the id "_search": not a 405
        ("PATCH", "/metadata", "GET, HEAD"),
        ("POST", "/AuditEvent", "GET, HEAD"),
        ("PATCH", "/AuditEvent", "GET, HEAD"),
        ("PUT", "/AuditEvent/abc", "GET, HEAD"),
        ("PATCH", "/AuditEvent/abc", "GET, HEAD"),
        ("DELETE", "/AuditEvent/abc", "GET, HEAD"),
        ("GET", "/ResearchStudy/$match", "POST"),
        ("DELETE", "/ResearchStudy/$match", "POST"),
    ],
)
async def test_a_405_lists_the_methods_of_the_url(client, method, path, allow):
    response = await client.request(method, path, json={}, headers=FHIR_JSON)
    if allow is None:
        assert response.status_code != 405
        return
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allow
    assert response.json()["issue"][0]["code"] == "not-supported"


async def test_an_unknown_type_is_404_whatever_the_method(client):
    for method in ("PATCH", "DELETE", "PUT"):
        response = await client.request(method, "/Observation")
        assert response.status_code == 404
        assert "Observation" in response.json()["issue"][0]["diagnostics"]
