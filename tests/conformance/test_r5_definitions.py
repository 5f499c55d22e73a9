"""Everything the server serves validates against the official R5 definitions (the JSON schema and
StructureDefinitions of `hl7.fhir.r5.core` 5.0.0, tests/r5_definitions.py): the seed trials'
resources, the conformance resources, the CapabilityStatement, search, history and `$match`
Bundles, and the OperationOutcomes of errors, fetched over HTTP as a client gets them."""

from collections.abc import AsyncIterator

import httpx
import pytest

from fhirtrial.resources.registry import RESOURCE_TYPES
from tests.helpers import FHIR_JSON, make_settings, research_study, running_client
from tests.matching.match_patients import melanoma_patient, parameters
from tests.r5_definitions import assert_valid_r5, schema_errors, structure_errors


@pytest.fixture(scope="module")
async def seeded(mongo_url) -> AsyncIterator[httpx.AsyncClient]:
    async with running_client(make_settings(mongo_url, load_seeds=True)) as client:
        yield client


def valid(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text[:500]
    body: dict = response.json()
    assert_valid_r5(body)
    return body


def test_the_checks_find_what_the_r5_definitions_forbid() -> None:
    # Each of these passes a lax reading; the schema or the StructureDefinitions refuse it.
    assert schema_errors({"resourceType": "ResearchStudy", "status": "active", "titel": "x"})
    assert schema_errors({"resourceType": "ResearchStudy", "id": "a b", "status": "active"})
    assert structure_errors({"resourceType": "ResearchStudy"}) == [
        "ResearchStudy.status: required (1..1)"
    ]
    assert structure_errors({"resourceType": "Patient", "gender": "f"})
    assert structure_errors({"resourceType": "Group", "type": "person", "membership": "x"})
    wrapped = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {}}]}
    wrapped["entry"][0]["resource"] = {"resourceType": "ResearchStudy", "status": "sure"}
    assert structure_errors(wrapped)
    # A resource inside another (a Bundle entry, a contained resource) is checked against the
    # definition its resourceType names; an unknown type is refused.
    nested = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {}}]}
    nested["entry"][0]["resource"] = {"resourceType": "ResearchStudy", "status": "active", "x": 1}
    assert schema_errors(nested) == [
        "entry/0/resource: Additional properties are not allowed ('x' was unexpected)"
    ]
    nested["entry"][0]["resource"] = {"resourceType": "Trial"}
    assert schema_errors(nested) == ["entry/0/resource: 'Trial' is not an R5 resource type"]
    nested["entry"][0]["resource"] = {"resourceType": "ResearchStudy", "status": "active"}
    assert schema_errors(nested) == []
    assert_valid_r5(research_study(id="fine"))


async def test_every_seeded_and_published_resource_validates_read_vread_and_searched(seeded):
    seen = 0
    for resource_type in RESOURCE_TYPES:
        bundle = valid(await seeded.get(f"/{resource_type}", params={"_count": 1000}), 200)
        for entry in bundle.get("entry", []):
            resource = entry["resource"]
            read = valid(await seeded.get(f"/{resource_type}/{resource['id']}"), 200)
            version = read["meta"]["versionId"]
            valid(await seeded.get(f"/{resource_type}/{resource['id']}/_history/{version}"), 200)
            seen += 1
        valid(await seeded.get(f"/{resource_type}/_history"), 200)
    assert seen > 30  # two trials: studies, plans, variables, groups, sites, sponsors, definitions


async def test_the_capability_statement_and_search_variants_validate(seeded):
    valid(await seeded.get("/metadata"), 200)
    study = "NCT05361174"
    searches = [
        ("ResearchStudy", {"_id": study, "_include": "ResearchStudy:site"}),
        ("ResearchStudy", {"_id": study, "_revinclude": "ResearchSubject:study"}),
        ("ResearchStudy", {"_summary": "count"}),
        ("ResearchStudy", {"_elements": "title,status", "_count": 1}),
        ("ResearchStudy", {"_count": 1, "_sort": "-_lastUpdated"}),
        ("Location", {"_count": 2}),
    ]
    for resource_type, params in searches:
        bundle = valid(await seeded.get(f"/{resource_type}", params=params), 200)
        for link in bundle.get("link", []):
            if link["relation"] == "next":
                valid(await seeded.get(link["url"].removeprefix("http://fhir.test")), 200)
    lenient = await seeded.get(
        "/ResearchStudy", params={"nonsense": "1"}, headers={"Prefer": "handling=lenient"}
    )
    bundle = valid(lenient, 200)
    assert any(e["resource"]["resourceType"] == "OperationOutcome" for e in bundle["entry"])


async def test_match_bundles_validate(seeded):
    for persist in (False, True):
        body = parameters(
            melanoma_patient(),
            {"name": "includeIneligible", "valueBoolean": True},
            {"name": "persist", "valueBoolean": persist},
        )
        bundle = valid(
            await seeded.post("/ResearchStudy/$match", json=body, headers=FHIR_JSON), 200
        )
        assert {e["resource"]["resourceType"] for e in bundle["entry"]} >= {
            "ResearchStudy",
            "ResearchSubject",
        }
    subjects = valid(await seeded.get("/ResearchSubject"), 200)
    assert subjects["total"] > 0
    valid(await seeded.get("/Patient"), 200)


async def test_written_resources_and_their_answers_validate(client):
    created = valid(
        await client.post("/ResearchStudy", json=research_study(title="one"), headers=FHIR_JSON),
        201,
    )
    path = f"/ResearchStudy/{created['id']}"
    changed = {**created, "title": "two"}
    valid(await client.put(path, json=changed, headers=FHIR_JSON), 200)
    outcome = {**FHIR_JSON, "Prefer": "return=OperationOutcome"}
    valid(await client.put(path, json={**changed, "title": "three"}, headers=outcome), 200)
    valid(await client.get(f"{path}/_history"), 200)
    patient = {"resourceType": "Patient", "gender": "female", "birthDate": "1970-01-01"}
    valid(await client.post("/Patient", json=patient, headers=FHIR_JSON), 201)
    practitioner = {"resourceType": "Practitioner", "name": [{"family": "Osler"}]}
    valid(await client.post("/Practitioner", json=practitioner, headers=FHIR_JSON), 201)
    assert (await client.delete(path)).status_code in (200, 204)
    valid(await client.get(f"{path}/_history"), 200)


async def test_the_operation_outcomes_of_errors_validate(client):
    created = (await client.post("/ResearchStudy", json=research_study(), headers=FHIR_JSON)).json()
    path = f"/ResearchStudy/{created['id']}"
    valid(await client.get("/ResearchStudy/nope"), 404)
    valid(await client.get("/Observation"), 404)
    valid(await client.get("/ResearchStudy", params={"nonsense": "1"}), 400)
    valid(await client.post("/ResearchStudy", content=b"{", headers=FHIR_JSON), 400)
    invalid = {"resourceType": "ResearchStudy", "status": "active", "titel": "x"}
    valid(await client.post("/ResearchStudy", json=invalid, headers=FHIR_JSON), 422)
    stale = {**FHIR_JSON, "If-Match": 'W/"9"'}
    valid(await client.put(path, json=created, headers=stale), 412)
    valid(await client.get("/ResearchStudy/$match"), 405)
    valid(await client.get(path, headers={"Accept": "application/fhir+xml"}), 406)
    valid(
        await client.post("/ResearchStudy", json=created, headers={"content-type": "text/plain"}),
        415,
    )
    assert (await client.delete(path)).status_code in (200, 204)
    valid(await client.get(path), 410)
