"""Valid resources with one value replaced by another JSON type, written over REST: each is
stored or refused with a 4xx OperationOutcome, never a 500 (the in-process transport raises any
exception the app lets escape)."""

from __future__ import annotations

import orjson
import pytest

from fhirtrial.mappers.ctgov import map_study
from tests.helpers import DATA, FHIR_JSON
from tests.mutations import random_mutations

RECORD = orjson.loads(
    (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_bytes().split(b"\n")[0]
)
SAMPLES = {resource["resourceType"]: resource for resource in map_study(RECORD).resources}
SAMPLES["Patient"] = {
    "resourceType": "Patient",
    "id": "p1",
    "gender": "female",
    "birthDate": "1970-01-01",
    "name": [{"family": "Roe", "given": ["Ann"]}],
    "address": [{"postalCode": "02115", "country": "US"}],
}


@pytest.mark.parametrize("resource_type", sorted(SAMPLES))
async def test_a_mutated_resource_is_stored_or_refused_with_an_operation_outcome(
    client, resource_type
):
    sample = SAMPLES[resource_type]
    keep = (("resourceType",), ("id",))
    for number, body in enumerate(random_mutations(sample, 40, seed=len(resource_type), keep=keep)):
        if number % 2:
            response = await client.put(
                f"/{resource_type}/{body['id']}", json=body, headers=FHIR_JSON
            )
        else:
            response = await client.post(f"/{resource_type}", json=body, headers=FHIR_JSON)
        assert response.status_code in (200, 201, 400, 422), response.text
        if response.status_code >= 400:
            assert response.json()["resourceType"] == "OperationOutcome"
        else:
            stored = await client.get(response.headers["Location"].split("/_history")[0])
            assert stored.status_code == 200
