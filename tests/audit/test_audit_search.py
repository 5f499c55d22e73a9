"""The audit trail as an auditor uses it: AuditEvent read and searched by patient, agent, date,
entity, action and outcome, sorted and paged; never written by a client."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.audit.audit_client import (
    CLIENT_ID_SYSTEM,
    audited_app,
    caller,
    create,
    not_audit_reads,
    patient,
    trail,
)
from tests.helpers import FHIR_JSON, assert_valid_fhir, make_settings

NURSE = caller("ward-app", user="n-1", fhir_user="Practitioner/nurse-1")
BACKEND = caller("nightly-export")


@pytest.fixture(scope="module")
async def audited(mongo_url) -> AsyncIterator[tuple[httpx.AsyncClient, dict]]:
    """Two patients; the nurse's app reads the first, a backend client reads both."""
    async with audited_app(make_settings(mongo_url)) as (client, _):
        first = (await create(client, patient("MRN-A"), **NURSE))["id"]
        second = (await create(client, patient("MRN-B"), **BACKEND))["id"]
        for pid, who in ((first, NURSE), (first, BACKEND), (second, BACKEND)):
            await asyncio.sleep(0.005)  # distinct `recorded` instants (milliseconds)
            assert (await client.get(f"/Patient/{pid}", headers=who)).status_code == 200
        yield client, {"first": first, "second": second}


def summary(events: list[dict]) -> list[tuple[str, str]]:
    """(action, the patient's id) of each event."""
    return [(e["action"], e["patient"]["reference"].split("/")[1]) for e in events]


async def test_search_by_patient(audited):
    client, ids = audited
    first, second = ids["first"], ids["second"]
    assert summary(await trail(client, patient=f"Patient/{first}")) == [
        ("R", first),
        ("R", first),
        ("C", first),
    ]
    assert summary(await trail(client, patient=second)) == [("R", second), ("C", second)]


async def test_search_by_agent_reference_or_client_identifier(audited):
    client, ids = audited
    first, second = ids["first"], ids["second"]
    by_user = await trail(client, agent="Practitioner/nurse-1")
    assert summary(by_user) == [("R", first), ("C", first)]
    for client_id in (f"{CLIENT_ID_SYSTEM}|nightly-export", "nightly-export"):
        found = await trail(client, **{"agent:identifier": client_id})
        assert summary(found) == [("R", second), ("R", first), ("C", second)]
    assert await trail(client, **{"agent:identifier": f"{CLIENT_ID_SYSTEM}|nobody"}) == []


async def test_search_by_date_sorted_both_ways(audited):
    client, _ = audited
    newest_first = not_audit_reads(await trail(client, action="R"))
    assert len(newest_first) == 3
    recorded = [e["recorded"] for e in newest_first]
    assert recorded == sorted(recorded, reverse=True)
    oldest_first = await trail(client, action="R", _sort="date")
    assert [e["id"] for e in oldest_first] == [e["id"] for e in reversed(newest_first)]

    middle = newest_first[1]["recorded"]
    after = await trail(client, action="R", date=f"gt{middle}")
    assert [e["id"] for e in after] == [newest_first[0]["id"]]
    up_to = await trail(client, action="R", date=f"le{middle}")
    assert [e["id"] for e in up_to] == [e["id"] for e in newest_first[1:]]
    exact = await trail(client, date=middle)
    assert [e["id"] for e in exact] == [newest_first[1]["id"]]
    assert await trail(client, date="2001") == []


async def test_search_by_action_outcome_entity_and_code(audited):
    client, ids = audited
    first = ids["first"]
    creates = await trail(client, action="C")
    assert len(creates) == 2
    assert await trail(client, outcome="4") == []
    successes = await trail(
        client, outcome="http://terminology.hl7.org/CodeSystem/audit-event-outcome|0"
    )
    assert len(not_audit_reads(successes)) == 5
    reads_of_first = await trail(client, entity=f"Patient/{first}", code="read")
    assert len(reads_of_first) == 2


async def test_the_trail_pages_with_working_links(audited):
    client, _ = audited
    page = (await client.get("/AuditEvent", params={"action": "R", "_count": 2})).json()
    assert "total" not in page  # a first page of several counts only when asked (ADR 0018)
    counted = await client.get("/AuditEvent", params={"action": "R", "_total": "accurate"})
    assert counted.json()["total"] == 3
    assert len(page["entry"]) == 2
    following = next(link["url"] for link in page["link"] if link["relation"] == "next")
    rest = (await client.get(following.removeprefix("http://fhir.test"))).json()
    assert len(rest["entry"]) == 1
    assert {e["resource"]["id"] for e in page["entry"] + rest["entry"]} == {
        e["id"] for e in not_audit_reads(await trail(client, action="R"))
    }


async def test_an_event_is_read_by_id_like_any_resource(audited):
    client, _ = audited
    event = (await trail(client, action="C"))[0]
    response = await client.get(f"/AuditEvent/{event['id']}")
    assert response.status_code == 200
    assert response.json() == event
    assert response.headers["etag"] == 'W/"1"'


async def test_clients_cannot_write_the_trail_and_trying_is_recorded(audited):
    client, _ = audited
    event = (await trail(client, action="C"))[0]
    forged = {**event, "action": "D"}
    attempts = [
        await client.post("/AuditEvent", json=forged, headers={**FHIR_JSON, **NURSE}),
        await client.put(f"/AuditEvent/{event['id']}", json=forged, headers=FHIR_JSON),
        await client.delete(f"/AuditEvent/{event['id']}"),
    ]
    for response in attempts:
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD"
        outcome = response.json()
        assert outcome["issue"][0]["code"] == "not-supported"
        assert "read-only" in outcome["issue"][0]["diagnostics"]
    assert (await client.get(f"/AuditEvent/{event['id']}")).json() == event
    assert len(await trail(client, action="C", outcome="0")) == 2  # nothing was created

    refused = await trail(client, outcome="4")
    assert sorted(e["code"]["coding"][0]["code"] for e in refused) == [
        "create",
        "delete",
        "update",
    ]
    for attempt in refused:
        assert attempt["outcome"]["detail"][0]["text"] == "HTTP 405 Method Not Allowed"


async def test_the_capability_statement_lists_audit_event_as_read_only(audited):
    client, _ = audited
    statement = (await client.get("/metadata")).json()
    assert_valid_fhir(statement)
    audit = next(r for r in statement["rest"][0]["resource"] if r["type"] == "AuditEvent")
    assert {i["code"] for i in audit["interaction"]} == {
        "read",
        "vread",
        "history-instance",
        "history-type",
        "search-type",
    }
    assert audit["updateCreate"] is False
    assert audit["conditionalCreate"] is False
    params = {p["name"]: p["type"] for p in audit["searchParam"]}
    assert {
        "patient": "reference",
        "agent": "reference",
        "entity": "reference",
        "date": "date",
        "action": "token",
        "outcome": "token",
        "_lastUpdated": "date",
    }.items() <= params.items()
