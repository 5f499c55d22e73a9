"""PATCH entries of batch and transaction Bundles: a Parameters (FHIRPath Patch) or a Binary
of `application/json-patch+json`, applied as `PATCH [type]/[id]` is."""

import base64
import json

from tests.api.test_patch import fhirpath_patch, operation
from tests.helpers import FHIR_JSON, assert_valid_fhir


def json_patch_binary(patch: list) -> dict:
    data = base64.b64encode(json.dumps(patch).encode()).decode()
    return {"resourceType": "Binary", "contentType": "application/json-patch+json", "data": data}


def patch_entry(url: str, resource: dict, **request) -> dict:
    return {"resource": resource, "request": {"method": "PATCH", "url": url, **request}}


async def make(client, resource: dict) -> dict:
    response = await client.post(f"/{resource['resourceType']}", json=resource, headers=FHIR_JSON)
    assert response.status_code == 201
    return response.json()


async def female_and_male(client) -> tuple[dict, dict]:
    one = await make(client, {"resourceType": "Patient", "gender": "female"})
    two = await make(client, {"resourceType": "Patient", "gender": "male"})
    return one, two


def bundle(kind: str, *entries: dict) -> dict:
    return {"resourceType": "Bundle", "type": kind, "entry": list(entries)}


async def test_patch_entries_in_a_transaction(client):
    one, two = await female_and_male(client)
    body = bundle(
        "transaction",
        patch_entry(
            f"Patient/{one['id']}",
            fhirpath_patch(
                operation("add", "Patient", name="birthDate", value={"valueDate": "1970-01-01"})
            ),
            ifMatch='W/"1"',
        ),
        patch_entry(
            f"Patient/{two['id']}",
            json_patch_binary([{"op": "replace", "path": "/gender", "value": "other"}]),
        ),
    )
    response = await client.post("/", json=body, headers=FHIR_JSON)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_valid_fhir(answer)
    assert [e["response"]["status"] for e in answer["entry"]] == ["200 OK", "200 OK"]
    assert [e["response"]["etag"] for e in answer["entry"]] == ['W/"2"', 'W/"2"']
    assert (await client.get(f"/Patient/{one['id']}")).json()["birthDate"] == "1970-01-01"
    assert (await client.get(f"/Patient/{two['id']}")).json()["gender"] == "other"


async def test_a_stale_if_match_fails_the_transaction_and_nothing_changes(client):
    one, two = await female_and_male(client)
    body = bundle(
        "transaction",
        patch_entry(
            f"Patient/{two['id']}",
            json_patch_binary([{"op": "replace", "path": "/gender", "value": "other"}]),
        ),
        patch_entry(
            f"Patient/{one['id']}",
            json_patch_binary([{"op": "replace", "path": "/gender", "value": "other"}]),
            ifMatch='W/"5"',
        ),
    )
    response = await client.post("/", json=body, headers=FHIR_JSON)
    assert response.status_code == 412, response.text
    for created in (one, two):
        current = (await client.get(f"/Patient/{created['id']}")).json()
        assert current["meta"]["versionId"] == "1"


async def test_a_patch_entry_of_another_kind_is_400_in_a_batch(client):
    one = await make(client, {"resourceType": "Patient", "gender": "female"})
    body = bundle(
        "batch",
        patch_entry(f"Patient/{one['id']}", {"resourceType": "Patient", "gender": "male"}),
        patch_entry("Patient", fhirpath_patch(operation("delete", "Patient.gender"))),
        patch_entry(f"Patient/{one['id']}", fhirpath_patch(operation("delete", "Patient.gender"))),
    )
    entries = (await client.post("/", json=body, headers=FHIR_JSON)).json()["entry"]
    assert [e["response"]["status"][:3] for e in entries] == ["400", "400", "200"]
    assert "gender" not in (await client.get(f"/Patient/{one['id']}")).json()
