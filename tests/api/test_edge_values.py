"""Values at the edges of what a search or a write may hold: each answered, never a 500.

Every case here was a 500 found by a probe of the running server (issue 14): dates at the ends
of the calendar, `:missing` on `_lastUpdated`, offsets past a 64-bit integer, pattern values the
database cannot compile, query documents larger than the database takes, ids longer than FHIR
allows.
"""

from __future__ import annotations

import pytest

from tests.api.test_errors import outcome
from tests.helpers import FHIR_JSON


def patient(**fields: object) -> dict:
    return {"resourceType": "Patient", **fields}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("birthdate=ap0001", False),  # approximately year 1: the margin reached before year 1
        ("birthdate=sa9999-12-31", False),  # after the last day there is
        ("birthdate=9999-12", True),
        ("birthdate=eb0001-01-01T00:00:00%2B14:00", False),  # before UTC could hold it
        ("birthdate=ap9999-12-31", True),
        ("birthdate=ge9999-12-31", True),
    ],
)
async def test_dates_at_the_ends_of_the_calendar_are_searched(client, query, found) -> None:
    created = await client.post("/Patient", json=patient(birthDate="9999-12-31"), headers=FHIR_JSON)
    assert created.status_code == 201, created.text
    response = await client.get(f"/Patient?{query}")
    assert response.status_code == 200, response.text
    assert (response.json()["total"] == 1) is found


async def test_a_conditional_create_on_a_date_at_the_edge_is_answered(client) -> None:
    first = await client.post(
        "/Patient",
        json=patient(birthDate="0001-01-01"),
        headers={**FHIR_JSON, "If-None-Exist": "birthdate=ap0001"},
    )
    assert first.status_code == 201, first.text
    again = await client.post(
        "/Patient",
        json=patient(birthDate="0001-01-01"),
        headers={**FHIR_JSON, "If-None-Exist": "birthdate=ap0001"},
    )
    assert again.status_code == 200, again.text  # the one created before is found
    assert again.json()["id"] == first.json()["id"]


async def test_last_updated_is_never_missing(client) -> None:
    await client.post("/Patient", json=patient(), headers=FHIR_JSON)
    missing = await client.get("/Patient?_lastUpdated:missing=true")
    present = await client.get("/Patient?_lastUpdated:missing=false")
    assert missing.status_code == present.status_code == 200
    assert missing.json()["total"] == 0
    assert present.json()["total"] == 1


async def test_an_offset_past_any_integer_is_an_empty_page(client) -> None:
    await client.post("/Patient", json=patient(), headers=FHIR_JSON)
    response = await client.get(f"/Patient?_offset={2**64}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 1
    assert body.get("entry", []) == []


@pytest.mark.parametrize("modifier", ["name:contains", "url:below"])
async def test_a_pattern_value_too_long_to_compile_is_a_400(client, modifier) -> None:
    resource_type = "Patient" if modifier.startswith("name") else "PlanDefinition"
    response = await client.get(f"/{resource_type}?{modifier}={'a' * 1200}")
    body = outcome(response, 400)
    assert body["issue"][0]["code"] == "too-long"
    assert "longer than 256 characters" in body["issue"][0]["diagnostics"]
    short = await client.get(f"/{resource_type}?{modifier}={'a' * 256}")
    assert short.status_code == 200, short.text


async def test_search_parameters_larger_than_the_database_takes_are_a_400(client) -> None:
    body = "name=" + ",".join(["abcdefgh"] * 1_000_000)  # 9 MB of short values
    response = await client.post(
        "/Patient/_search",
        content=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert outcome(response, 400)["issue"][0]["code"] == "too-long"


async def test_an_id_longer_than_fhir_allows_is_refused_and_not_stored(client) -> None:
    long_id = "a" * 65
    response = await client.put(f"/Patient/{long_id}", json=patient(id=long_id), headers=FHIR_JSON)
    assert "is not a FHIR id" in outcome(response, 400)["issue"][0]["diagnostics"]
    assert (await client.get("/Patient")).json()["total"] == 0
    longest = "a" * 64
    stored = await client.put(f"/Patient/{longest}", json=patient(id=longest), headers=FHIR_JSON)
    assert stored.status_code == 201, stored.text
