"""Each access to patient data and each write leaves exactly the AuditEvent an auditor expects:
the action, the outcome, the patient, the resources, the client, the user and the address."""

import asyncio
from collections import Counter

from tests.audit.audit_client import (
    CLIENT_ADDRESS,
    CLIENT_ID_SYSTEM,
    DCM,
    ISSUER,
    agent,
    caller,
    create,
    decoded_query,
    entity_references,
    not_audit_reads,
    of_interaction,
    outcome_code,
    patient,
    requestor,
    research_subject,
    trail,
)
from tests.helpers import FHIR_JSON

EHR = caller("ehr-frontdesk", user="u-123", fhir_user="Practitioner/7")


async def test_a_patient_read_records_who_read_which_patient_from_where(client):
    created = await create(client, patient("MRN-READ"), **EHR)
    pid = created["id"]
    response = await client.get(f"/Patient/{pid}", headers=EHR)
    assert response.status_code == 200

    [read] = of_interaction(await trail(client), "read")
    assert read["action"] == "R"
    assert read["category"][0]["coding"][0]["code"] == "rest"
    assert outcome_code(read) == "0"
    assert read["outcome"]["detail"][0]["text"] == "HTTP 200 OK"
    assert read["patient"] == {"reference": f"Patient/{pid}"}
    assert f"Patient/{pid}/_history/1" in entity_references(read)
    client_agent = agent(read, "110153")
    assert client_agent["who"]["identifier"] == {
        "system": CLIENT_ID_SYSTEM,
        "value": "ehr-frontdesk",
    }
    assert client_agent["networkString"] == CLIENT_ADDRESS
    assert client_agent["requestor"] is False
    user = requestor(read)
    assert user["who"] == {
        "reference": "Practitioner/7",
        "identifier": {"system": ISSUER, "value": "u-123"},
    }
    assert user["policy"] == ["jti-ehr-frontdesk"]
    assert agent(read, "110152")["networkUri"] == "http://fhir.test"
    assert read["source"]["observer"]["identifier"]["value"] == "http://fhir.test"
    assert read["source"]["type"][0]["coding"][0]["code"] == "4"


async def test_the_network_address_is_the_sockets_never_a_forwarded_header(client):
    pid = (await create(client, patient("MRN-FWD")))["id"]
    spoofed = {"X-Forwarded-For": "192.0.2.99", "X-Real-IP": "192.0.2.99", **EHR}
    assert (await client.get(f"/Patient/{pid}", headers=spoofed)).status_code == 200
    [read] = of_interaction(await trail(client), "read")
    assert agent(read, "110153")["networkString"] == CLIENT_ADDRESS


async def test_an_anonymous_caller_is_recorded_as_anonymous(client):
    pid = (await create(client, patient("MRN-ANON")))["id"]
    await client.get(f"/Patient/{pid}")
    [read] = of_interaction(await trail(client), "read")
    who = requestor(read)["who"]
    assert who["identifier"]["value"] == "anonymous"
    assert "anonymous" in who["display"]
    assert [a for a in read["agent"] if a["requestor"]] == [agent(read, "110153")]


async def test_a_research_subject_search_records_its_query_and_patient(client):
    pid = (await create(client, patient("MRN-RS")))["id"]
    await create(client, research_subject(pid))
    response = await client.get(
        "/ResearchSubject", params={"patient": f"Patient/{pid}", "status": "active"}, headers=EHR
    )
    assert response.json()["total"] == 1

    [search] = of_interaction(await trail(client), "search-type")
    assert search["action"] == "E"
    assert outcome_code(search) == "0"
    assert search["patient"] == {"reference": f"Patient/{pid}"}
    assert decoded_query(search) == f"patient=Patient%2F{pid}&status=active"
    assert entity_references(search) == [f"Patient/{pid}"]


async def test_a_search_over_many_patients_names_none(client):
    await client.get("/Patient", params={"gender": "female"}, headers=EHR)
    [search] = of_interaction(await trail(client), "search-type")
    assert "patient" not in search
    assert decoded_query(search) == "gender=female"


async def test_create_update_and_delete_each_record_one_event_with_the_patient(client):
    pid = (await create(client, patient("MRN-CUD")))["id"]
    subject = await create(client, research_subject(pid), **EHR)
    sid = subject["id"]
    changed = {**subject, "status": "retired"}
    headers = {**FHIR_JSON, **EHR}
    updated = await client.put(f"/ResearchSubject/{sid}", json=changed, headers=headers)
    assert updated.status_code == 200
    assert (await client.delete(f"/ResearchSubject/{sid}", headers=EHR)).status_code == 204

    events = not_audit_reads(await trail(client, entity=f"ResearchSubject/{sid}"))
    assert [(e["action"], e["code"]["coding"][0]["code"]) for e in events] == [
        ("D", "delete"),
        ("U", "update"),
        ("C", "create"),
    ]
    deleted, update, created = events
    assert entity_references(created) == [f"ResearchSubject/{sid}/_history/1", f"Patient/{pid}"]
    assert entity_references(update) == [f"ResearchSubject/{sid}/_history/2", f"Patient/{pid}"]
    assert entity_references(deleted) == [f"ResearchSubject/{sid}", f"Patient/{pid}"]
    for event in events:
        assert outcome_code(event) == "0"
        assert event["patient"] == {"reference": f"Patient/{pid}"}
        assert requestor(event)["who"]["reference"] == "Practitioner/7"
        # The user of a write is its agent (BALP), of a read its recipient.
        assert requestor(event)["type"]["coding"][0]["code"] == "AGNT"


async def test_a_refused_write_is_recorded_as_a_failure_with_its_status(client):
    refused = await client.post(
        "/Patient", json={"resourceType": "Patient", "gender": "robot"}, headers=FHIR_JSON
    )
    assert refused.status_code == 422
    [event] = of_interaction(await trail(client), "create")
    assert event["action"] == "C"
    assert outcome_code(event) == "4"
    assert event["outcome"]["detail"][0]["text"] == "HTTP 422 Unprocessable Entity"
    assert "entity" not in event  # nothing was stored, and the body is never recorded


async def test_a_refused_read_of_a_patient_is_in_that_patients_trail(client):
    response = await client.get("/Patient/not-here", headers=EHR)
    assert response.status_code == 404
    [event] = await trail(client, patient="Patient/not-here")
    assert event["action"] == "R"
    assert outcome_code(event) == "4"
    assert event["outcome"]["detail"][0]["text"] == "HTTP 404 Not Found"


async def test_catalog_reads_are_not_recorded_but_patient_data_they_include_is(client):
    await client.get("/ResearchStudy")
    await client.get("/ResearchStudy/NCT05361174")
    await client.get("/Location", params={"name": "clinic"})
    await client.post("/Organization/_search", data={"name": "x"})
    await client.get("/metadata")
    assert not_audit_reads(await trail(client)) == []

    await client.get("/ResearchStudy", params={"_revinclude": "ResearchSubject:study"})
    await client.post("/ResearchStudy/_search", data={"_revinclude": "ResearchSubject:study"})
    events = of_interaction(not_audit_reads(await trail(client)), "search-type")
    assert len(events) == 2
    assert {decoded_query(e) for e in events} == {"_revinclude=ResearchSubject%3Astudy"}


async def test_reading_the_audit_trail_is_recorded_once_per_search_and_names_no_patient(client):
    pid = (await create(client, patient("MRN-AUDITOR")))["id"]
    await client.get(f"/Patient/{pid}")
    first = await trail(client, patient=f"Patient/{pid}")
    second = await trail(client, patient=f"Patient/{pid}")
    assert [e["id"] for e in first] == [e["id"] for e in second]  # a patient's trail stays put

    everything = await trail(client)
    audit_reads = [e for e in everything if e not in not_audit_reads(everything)]
    assert len(audit_reads) == 2  # the two searches above; not this one, not their own events
    for event in audit_reads:
        assert event["category"][1]["coding"][0] == {
            "system": DCM,
            "code": "110101",
            "display": "Audit Log Used",
        }
        assert "patient" not in event
        assert decoded_query(event).startswith("_sort=-date&_count=200&patient=Patient")


async def test_concurrent_reads_each_leave_their_own_event(client):
    """Events are written in groups under load; each request still gets exactly its own."""
    ids = [(await create(client, patient(f"MRN-C{i}")))["id"] for i in range(8)]
    reads = [client.get(f"/Patient/{pid}", headers=EHR) for pid in ids for _ in range(5)]
    responses = await asyncio.gather(*reads)
    assert {r.status_code for r in responses} == {200}
    events = of_interaction(await trail(client), "read")
    assert len(events) == 40
    per_patient = Counter(e["patient"]["reference"] for e in events)
    assert per_patient == {f"Patient/{pid}": 5 for pid in ids}
