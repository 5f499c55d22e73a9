"""The audit trail of batch and transaction Bundles: one event per entry, as if sent alone;
nothing for writes a failed transaction never made."""

from tests.audit.audit_client import (
    caller,
    entity_references,
    of_interaction,
    outcome_code,
    patient,
    trail,
)
from tests.helpers import FHIR_JSON


def post(resource: dict) -> dict:
    return {"resource": resource, "request": {"method": "POST", "url": resource["resourceType"]}}


async def test_each_entry_of_a_transaction_is_recorded(client):
    body = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [post(patient("tx-a")), post(patient("tx-b"))],
    }
    response = await client.post("/", json=body, headers={**FHIR_JSON, **caller("ehr")})
    assert response.status_code == 200, response.text
    created = [e["response"]["location"] for e in response.json()["entry"]]
    events = of_interaction(await trail(client), "create")
    written = [ref for e in events for ref in entity_references(e) if "/_history/" in ref]
    assert sorted(written) == sorted(created)
    # Each event names its patient as well.
    for event in events:
        version = next(ref for ref in entity_references(event) if "/_history/" in ref)
        assert version.partition("/_history/")[0] in entity_references(event)
    assert all(outcome_code(e) == "0" for e in events)


async def test_a_failed_transaction_records_only_the_failing_attempt(client):
    body = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [post(patient("never")), post({"resourceType": "Patient", "gender": "robot"})],
    }
    response = await client.post("/", json=body, headers={**FHIR_JSON, **caller("ehr")})
    assert response.status_code == 422, response.text
    events = of_interaction(await trail(client), "create")
    assert len(events) == 1
    assert outcome_code(events[0]) != "0"
    assert entity_references(events[0]) == []


async def test_a_batch_read_of_a_patient_is_recorded(client):
    created = (await client.post("/Patient", json=patient("read-me"), headers=FHIR_JSON)).json()
    body = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [{"request": {"method": "GET", "url": f"Patient/{created['id']}"}}],
    }
    response = await client.post("/", json=body, headers={**FHIR_JSON, **caller("ehr")})
    assert response.status_code == 200, response.text
    reads = of_interaction(await trail(client), "read")
    assert len(reads) == 1
    assert f"Patient/{created['id']}/_history/1" in entity_references(reads[0])
