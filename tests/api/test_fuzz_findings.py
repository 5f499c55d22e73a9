"""What the fuzz run (tests/fuzz) found, each reproduced on its own."""

from __future__ import annotations

import json

import pytest

from tests.api.test_errors import outcome
from tests.helpers import DATA, FHIR_JSON, assert_valid_fhir


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_other_methods_on_the_token_endpoint_are_an_oauth_405(client, method) -> None:
    response = await client.request(method, "/auth/token")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("resource_type", [[], {"x": 1}, ["Bundle"]])
async def test_a_match_patient_whose_resource_type_is_not_a_string_is_a_400(
    client, resource_type
) -> None:
    bundle = {"resourceType": resource_type, "type": "collection", "entry": []}
    body = {"resourceType": "Parameters", "parameter": [{"name": "patient", "resource": bundle}]}
    response = await client.post("/ResearchStudy/$match", json=body, headers=FHIR_JSON)
    issue = outcome(response, 400)["issue"][0]
    assert "patient" in issue["diagnostics"]


async def test_elements_keeps_the_mandatory_elements_so_the_resource_stays_valid(client) -> None:
    subject = {
        "resourceType": "ResearchSubject",
        "status": "active",
        "study": {"reference": "ResearchStudy/s1"},
        "subject": {"reference": "Patient/p1"},
        "identifier": [{"value": "x"}],
        "period": {"start": "2024-01-01"},
    }
    assert (await client.post("/ResearchSubject", json=subject, headers=FHIR_JSON)).is_success
    response = await client.get("/ResearchSubject?_elements=identifier")
    assert response.status_code == 200, response.text
    found = response.json()["entry"][0]["resource"]
    assert_valid_fhir(found)
    assert set(found) == {"resourceType", "id", "meta", "identifier", "status", "study", "subject"}


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
async def test_a_match_as_of_a_day_at_the_ends_of_the_calendar_is_a_400(client, as_of) -> None:
    bundle = json.loads((DATA / "patients/codex/TrialMatching_Patient01.json").read_text())
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "patient", "resource": bundle},
            {"name": "asOf", "valueDate": as_of},
            {"name": "persist", "valueBoolean": True},
        ],
    }
    response = await client.post("/ResearchStudy/$match", json=body, headers=FHIR_JSON)
    assert (
        "asOf must fall between 1900-01-01 and 2999-12-31"
        in (outcome(response, 400)["issue"][0]["diagnostics"])
    )
    assert (await client.get("/Patient?_summary=count")).json()["total"] == 0
