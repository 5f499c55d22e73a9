"""`$match` with and without `persist`, and `$import`: what their AuditEvents say, and that not
a word of the posted patient record is in them."""

from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from tests.audit.audit_client import (
    CLIENT_ID_SYSTEM,
    audited_app,
    caller,
    entity_references,
    of_interaction,
    outcome_code,
    requestor,
    trail,
)
from tests.helpers import DATA, FHIR_JSON, make_settings
from tests.matching.match_patients import MRN, melanoma_patient, parameters

PERSIST = {"name": "persist", "valueBoolean": True}
MATCHER = caller("trial-finder")
# What the posted bundle holds that an AuditEvent must never repeat.
CLINICAL = ("Doe", "Alex", "1965-04-12", "pembrolizumab", "1547545", "Melanoma", "urn:uuid:")


@pytest.fixture(scope="module")
async def seeded(mongo_url) -> AsyncIterator[httpx.AsyncClient]:
    async with audited_app(make_settings(mongo_url, load_seeds=True)) as (client, _):
        yield client


async def matched(client: httpx.AsyncClient, body: dict) -> dict:
    response = await client.post(
        "/ResearchStudy/$match", json=body, headers={**FHIR_JSON, **MATCHER}
    )
    assert response.status_code == 200, response.text
    answer: dict = response.json()
    return answer


async def match_events(client: httpx.AsyncClient, mrn: str) -> list[dict]:
    events = await trail(client, **{"patient:identifier": f"{MRN}|{mrn}"})
    return of_interaction(events, "operation")


def assert_no_clinical_content(event: dict) -> None:
    text = orjson.dumps(event).decode()
    for word in CLINICAL:
        assert word not in text


async def test_a_match_without_persist_names_the_patient_by_identifier_and_stores_nothing(seeded):
    await matched(seeded, parameters(melanoma_patient(mrn="MRN-TRANSIENT")))
    [event] = await match_events(seeded, "MRN-TRANSIENT")
    assert event["action"] == "E"
    assert event["code"]["text"] == "$match"
    assert outcome_code(event) == "0"
    assert event["patient"] == {"identifier": {"system": MRN, "value": "MRN-TRANSIENT"}}
    assert entity_references(event) == []  # the bundle's ids mean nothing on this server
    who = requestor(event)["who"]
    assert who["identifier"] == {"system": CLIENT_ID_SYSTEM, "value": "trial-finder"}
    assert_no_clinical_content(event)


async def test_a_match_with_persist_records_the_stored_patient_and_subjects(seeded):
    answer = await matched(seeded, parameters(melanoma_patient(mrn="MRN-KEPT"), PERSIST))
    subjects = [e["resource"] for e in answer["entry"] if e["search"]["mode"] == "match"]
    stored_patient = subjects[0]["subject"]["reference"]
    [event] = await match_events(seeded, "MRN-KEPT")
    assert event["patient"] == {
        "reference": stored_patient,
        "identifier": {"system": MRN, "value": "MRN-KEPT"},
    }
    assert entity_references(event)[: 1 + len(subjects)] == [
        stored_patient,
        *(f"ResearchSubject/{s['id']}" for s in subjects),
    ]
    # The stored patient's own trail has it: by reference as well as by identifier.
    assert [e["id"] for e in await trail(seeded, patient=stored_patient)] == [event["id"]]
    assert_no_clinical_content(event)


async def test_a_refused_match_is_recorded_without_its_body(seeded):
    body = parameters(melanoma_patient(mrn="MRN-REFUSED"), {"name": "count", "valueString": "x"})
    response = await seeded.post(
        "/ResearchStudy/$match", json=body, headers={**FHIR_JSON, **MATCHER}
    )
    assert response.status_code == 400
    events = of_interaction(await trail(seeded, outcome="4"), "operation")
    assert len(events) == 1
    assert events[0]["outcome"]["detail"][0]["text"] == "HTTP 400 Bad Request"
    assert "patient" not in events[0]
    assert_no_clinical_content(events[0])


async def test_an_import_records_the_studies_it_wrote_and_a_refused_one_its_status(mongo_url):
    lines = (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_text().splitlines()[:3]
    body = {
        "resourceType": "Parameters",
        "parameter": [{"name": "study", "valueString": line} for line in lines],
    }
    settings = make_settings(mongo_url, admin_token="catalog-admin")
    async with audited_app(settings) as (client, _):
        admin = {**FHIR_JSON, "Authorization": "Bearer catalog-admin"}
        empty = {"resourceType": "Parameters", "parameter": []}
        refused = await client.post("/ResearchStudy/$import", json=empty, headers=admin)
        assert refused.status_code == 400
        response = await client.post("/ResearchStudy/$import", json=body, headers=admin)
        assert response.status_code == 200, response.text

        done, failed = of_interaction(await trail(client), "operation")
        assert done["code"]["text"] == failed["code"]["text"] == "$import"
        assert (outcome_code(done), outcome_code(failed)) == ("0", "4")
        assert failed["outcome"]["detail"][0]["text"] == "HTTP 400 Bad Request"
        written = [
            p["valueReference"]["reference"]
            for p in response.json()["parameter"]
            if p["name"] == "study"
        ]
        assert len(written) == 3
        assert entity_references(done) == written
        assert "entity" not in failed
        assert "patient" not in done
