"""The `trial-matches` service called as the CDS Hooks sandbox calls it, with real patients
against the breast-cancer catalog: the card says what `$match` says for the same record."""

import json
import uuid

import pytest

from tests.cds_hooks.sandbox import StoredRecord, hook_call
from tests.helpers import make_settings, running_client
from tests.matching.match_answers import match_ok, read_matches

SERVICE = "/cds-services/trial-matches"
ADULTS = ["synthea-mcode-breast/patient-01.json", "codex/TrialMatching_Patient01.json"]
CHILD = "synthea-mcode-breast/patient-02.json"  # born 2021


async def match_of(client, record: StoredRecord) -> tuple[int, list]:
    """`$match` of the same record with default options: its total, and every match in order."""
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "patient", "resource": record.match_bundle()},
            {"name": "count", "valueInteger": 1000},
        ],
    }
    answer = await match_ok(client, body)
    return answer["total"], list(read_matches(answer).values())


async def test_discovery_lists_the_service_and_what_it_prefetches(catalog):
    response = await catalog.get("/cds-services")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    (service,) = response.json()["services"]
    assert service["id"] == "trial-matches"
    assert service["hook"] == "patient-view"
    assert service["title"] and service["description"]
    prefetch = service["prefetch"]
    assert prefetch["patient"] == "Patient/{{context.patientId}}"
    searched = {template.split("?")[0] for key, template in prefetch.items() if key != "patient"}
    assert searched == {"Condition", "Observation", "MedicationRequest", "Procedure"}
    for key, template in prefetch.items():
        if key != "patient":
            assert "patient={{context.patientId}}" in template and "_count=" in template


@pytest.mark.parametrize("name", ADULTS)
async def test_the_card_counts_what_match_finds_for_the_same_record(catalog, name):
    record = StoredRecord(name)
    total, matches = await match_of(catalog, record)
    assert total > 0
    response = await catalog.post(SERVICE, json=hook_call(record))
    assert response.status_code == 200, response.text
    (card,) = response.json()["cards"]
    eligible = sum(1 for m in matches if m.verdict == "eligible")
    counts = [f"{eligible} eligible"] if eligible else []
    counts += [f"{total - eligible} possibly"] if total - eligible else []
    assert card["summary"] == f"{total} trials may fit this patient — {', '.join(counts)}"
    assert len(card["summary"]) < 140
    assert card["indicator"] == "info"
    assert uuid.UUID(card["uuid"])
    assert card["source"]["label"]
    listed = [line for line in card["detail"].splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert [line.split("](https://clinicaltrials.gov/study/")[1][:11] for line in listed] == [
        m.study for m in matches[:3]
    ]
    assert f"{total - 3} more in the trial matches app" in card["detail"]
    (link,) = card["links"]
    assert link["type"] == "smart"
    assert link["url"] == "http://fhir.test/app/launch.html"
    assert json.loads(link["appContext"]) == {"patientId": record.patient_id}


async def test_a_child_nothing_fits_gets_no_card(catalog):
    record = StoredRecord(CHILD)
    total, _ = await match_of(catalog, record)
    assert total == 0
    response = await catalog.post(SERVICE, json=hook_call(record))
    assert response.status_code == 200
    assert response.json() == {"cards": []}


async def test_an_empty_prefetch_template_is_no_data_not_missing_data(catalog):
    """The sandbox sends null for a template that found nothing (this patient has no
    MedicationRequest here): the service matches without it, and does not call the EHR."""
    record = StoredRecord(ADULTS[0])
    prefetch = record.prefetched() | {"medicationRequests": None}
    body = hook_call(record, prefetch=prefetch, fhirServer=None, fhirAuthorization=None)
    body = {k: v for k, v in body.items() if v is not None}
    response = await catalog.post(SERVICE, json=body)
    assert response.status_code == 200, response.text
    assert len(response.json()["cards"]) == 1


async def test_a_failed_prefetch_without_fhir_access_is_412(catalog):
    record = StoredRecord(ADULTS[0])
    prefetch = record.prefetched()
    del prefetch["observations"]
    prefetch["conditions"] = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout"}],
    }
    body = hook_call(record, prefetch=prefetch)
    del body["fhirServer"], body["fhirAuthorization"]
    response = await catalog.post(SERVICE, json=body)
    assert response.status_code == 412
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert "conditions, observations" in outcome["issue"][0]["diagnostics"]


def _without(body: dict, *path: str) -> dict:
    node = body
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return body


def _other_patient(body: dict) -> dict:
    body["prefetch"]["patient"]["id"] = "someone-else"
    return body


def _foreign_condition(body: dict) -> dict:
    condition = body["prefetch"]["conditions"]["entry"][0]["resource"]
    condition["subject"] = {"reference": "Patient/someone-else"}
    return body


MALFORMED = {
    "another hook": lambda b: b | {"hook": "order-sign"},
    "no hookInstance": lambda b: _without(b, "hookInstance"),
    "no patientId": lambda b: _without(b, "context", "patientId"),
    "patientId not an id": lambda b: b | {"context": {"patientId": "a/b c"}},
    "context not an object": lambda b: b | {"context": ["p1"]},
    "prefetch not an object": lambda b: b | {"prefetch": "Patient/1"},
    "prefetch value not a resource": lambda b: b | {"prefetch": {"patient": "Patient/1"}},
    "prefetch of another patient": _other_patient,
    "a condition of another patient": _foreign_condition,
    "fhirAuthorization without fhirServer": lambda b: _without(b, "fhirServer"),
    "fhirServer not a URL": lambda b: b | {"fhirServer": "ehr.example"},
    "token_type not Bearer": lambda b: (
        b | {"fhirAuthorization": b["fhirAuthorization"] | {"token_type": "MAC"}}
    ),
}


@pytest.mark.parametrize("name", MALFORMED)
async def test_a_malformed_call_is_a_400_saying_what_is_wrong(catalog, name):
    body = MALFORMED[name](hook_call(StoredRecord(ADULTS[0])))
    response = await catalog.post(SERVICE, json=body)
    assert response.status_code == 400, response.text
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"{not json", "application/json"), (b"[]", "application/json"), (b"", "application/json")],
)
async def test_a_body_that_is_no_json_object_is_a_400(catalog, content, content_type):
    response = await catalog.post(SERVICE, content=content, headers={"content-type": content_type})
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_unknown_services_and_methods(catalog):
    unknown = await catalog.post("/cds-services/other", json={})
    assert unknown.status_code == 404
    assert "GET /cds-services" in unknown.json()["issue"][0]["diagnostics"]
    get = await catalog.get(SERVICE)
    assert get.status_code == 405
    assert get.headers["allow"] == "POST"


async def test_a_record_beyond_the_match_cap_is_413(mongo_url):
    settings = make_settings(mongo_url, match_max_resources=50)
    async with running_client(settings) as client:
        response = await client.post(SERVICE, json=hook_call(StoredRecord(ADULTS[0])))
    assert response.status_code == 413
    assert "FHIRTRIAL_MATCH_MAX_RESOURCES" in response.json()["issue"][0]["diagnostics"]
