"""Rest-hook delivery to a real local receiver: handshake, notifications of `$match`
persist=true and of updates, filters, content modes, heartbeats (FHIR R5 subscriptions.html)."""

from typing import Any

import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir
from tests.matching.match_answers import match_ok
from tests.matching.match_patients import melanoma_patient, parameters
from tests.subscriptions.harness import TOPIC, served, settings_for
from tests.subscriptions.receiver import Receiver

PERSIST = {"name": "persist", "valueBoolean": True}


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


def research_subject(patient: str, study: str = "ResearchStudy/s1", **fields: Any) -> dict:
    return {
        "resourceType": "ResearchSubject",
        "status": "active",
        "study": {"reference": study},
        "subject": {"reference": f"Patient/{patient}"},
        **fields,
    }


def events_of(bundle: dict) -> list[dict]:
    return bundle["entry"][0]["resource"].get("notificationEvent", [])


async def test_a_new_subscription_is_handshaken_then_active(mongo_url, receiver):
    async with served(settings_for(mongo_url)) as s:
        sub = await s.subscribe(
            receiver, parameter=[{"name": "Authorization", "value": "Bearer abc"}]
        )
        assert sub["status"] == "requested"
        await s.round()
        assert len(receiver.received) == 1
        handshake = receiver.received[0]
        assert handshake.headers["Authorization"] == "Bearer abc"
        assert handshake.headers["Content-Type"] == "application/fhir+json"
        bundle = handshake.body
        assert_valid_fhir(bundle)
        assert bundle["type"] == "subscription-notification"
        status = bundle["entry"][0]["resource"]
        assert status["type"] == "handshake"
        assert status["status"] == "requested"
        assert status["eventsSinceSubscriptionStart"] == "0"
        assert status["subscription"]["reference"] == f"http://fhir.test/Subscription/{sub['id']}"
        assert status["topic"] == TOPIC
        stored = (await s.client.get(f"/Subscription/{sub['id']}")).json()
        assert stored["status"] == "active"
        assert stored["meta"]["versionId"] == "2"
        await s.round()  # nothing more is due
        assert len(receiver.received) == 1


async def test_match_persist_notifies_each_candidate_then_an_update_another(mongo_url, receiver):
    async with served(settings_for(mongo_url, load_seeds=True)) as s:
        sub = await s.subscribe(receiver, content="full-resource")
        await s.round()
        answer = await match_ok(s.client, parameters(melanoma_patient(mrn="MRN-SUBS"), PERSIST))
        matched = {e["resource"]["id"] for e in answer["entry"] if e["search"]["mode"] == "match"}
        assert len(matched) == 2
        await s.round()
        notification = receiver.bundles()[-1]
        assert_valid_fhir(notification)
        status = notification["entry"][0]["resource"]
        assert status["type"] == "event-notification"
        assert status["status"] == "active"
        assert status["eventsSinceSubscriptionStart"] == "2"
        events = events_of(notification)
        assert [e["eventNumber"] for e in events] == ["1", "2"]
        focus = {e["focus"]["reference"] for e in events}
        assert focus == {f"http://fhir.test/ResearchSubject/{rid}" for rid in matched}
        carried = {e["resource"]["id"] for e in notification["entry"][1:]}
        assert carried == matched
        assert all(
            e["resource"]["resourceType"] == "ResearchSubject" for e in notification["entry"][1:]
        )

        rid = sorted(matched)[0]
        current = (await s.client.get(f"/ResearchSubject/{rid}")).json()
        current["status"] = "retired"
        response = await s.client.put(f"/ResearchSubject/{rid}", json=current, headers=FHIR_JSON)
        assert response.status_code == 200
        await s.round()
        update = receiver.bundles()[-1]
        assert_valid_fhir(update)
        assert update["entry"][0]["resource"]["eventsSinceSubscriptionStart"] == "3"
        assert [e["eventNumber"] for e in events_of(update)] == ["3"]
        assert update["entry"][1]["resource"]["status"] == "retired"
        assert update["entry"][1]["resource"]["meta"]["versionId"] == "2"
        assert sub["id"] in update["entry"][0]["resource"]["subscription"]["reference"]


async def test_filter_by_patient_leaves_other_patients_out(mongo_url, receiver):
    async with served(settings_for(mongo_url)) as s:
        await s.subscribe(
            receiver,
            filterBy=[{"filterParameter": "patient", "value": "Patient/alice"}],
        )
        await s.round()
        for patient in ("bob", "alice", "carol"):
            created = await s.client.post(
                "/ResearchSubject", json=research_subject(patient), headers=FHIR_JSON
            )
            assert created.status_code == 201
            if patient == "alice":
                alice_rs = created.json()["id"]
        await s.round()
        notifications = receiver.bundles()[1:]
        assert len(notifications) == 1
        events = events_of(notifications[0])
        assert [e["focus"]["reference"] for e in events] == [
            f"http://fhir.test/ResearchSubject/{alice_rs}"
        ]
        assert events[0]["eventNumber"] == "1"


async def test_filter_by_study(mongo_url, receiver):
    async with served(settings_for(mongo_url)) as s:
        await s.subscribe(
            receiver, filterBy=[{"filterParameter": "study", "value": "ResearchStudy/wanted"}]
        )
        await s.round()
        await s.client.post("/ResearchSubject", json=research_subject("p1"), headers=FHIR_JSON)
        wanted = research_subject("p2", study="ResearchStudy/wanted")
        rid = (await s.client.post("/ResearchSubject", json=wanted, headers=FHIR_JSON)).json()["id"]
        await s.round()
        (notification,) = receiver.bundles()[1:]
        assert [e["focus"]["reference"] for e in events_of(notification)] == [
            f"http://fhir.test/ResearchSubject/{rid}"
        ]


async def test_content_empty_and_id_only(mongo_url, receiver):
    other = Receiver().start()
    try:
        async with served(settings_for(mongo_url)) as s:
            await s.subscribe(receiver, content="empty")
            await s.subscribe(other, content="id-only")
            await s.round()
            rid = (
                await s.client.post(
                    "/ResearchSubject", json=research_subject("p"), headers=FHIR_JSON
                )
            ).json()["id"]
            await s.round()
            empty, id_only = receiver.bundles()[-1], other.bundles()[-1]
            for bundle in (empty, id_only):
                assert_valid_fhir(bundle)
            assert len(empty["entry"]) == 1
            (event,) = events_of(empty)
            assert event["eventNumber"] == "1" and "focus" not in event

            (event,) = events_of(id_only)
            assert event["focus"]["reference"] == f"http://fhir.test/ResearchSubject/{rid}"
            entry = id_only["entry"][1]
            assert entry["fullUrl"] == f"http://fhir.test/ResearchSubject/{rid}"
            assert "resource" not in entry
            assert entry["request"] == {"method": "POST", "url": f"ResearchSubject/{rid}"}
    finally:
        other.stop()


async def test_heartbeats_come_after_the_period_without_events(mongo_url, receiver):
    async with served(settings_for(mongo_url)) as s:
        await s.subscribe(receiver, heartbeatPeriod=60)
        await s.round()  # handshake
        s.clock.advance(30)
        await s.round()
        assert len(receiver.received) == 1
        s.clock.advance(31)
        await s.round()
        heartbeat = receiver.bundles()[-1]
        assert_valid_fhir(heartbeat)
        status = heartbeat["entry"][0]["resource"]
        assert status["type"] == "heartbeat"
        assert status["status"] == "active"
        assert status["eventsSinceSubscriptionStart"] == "0"
        assert "notificationEvent" not in status
        assert len(heartbeat["entry"]) == 1
        await s.round()  # the next one is a period away
        assert len(receiver.received) == 2
