"""Failures injected into delivery: the receiver down (retries with exponential backoff, then
delivered with its numbering kept), down for good (status error), the server stopped while a
notification is in flight (a new server on the same database delivers it: at-least-once)."""

import asyncio
import threading

import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir
from tests.subscriptions.harness import served, settings_for
from tests.subscriptions.receiver import Receiver
from tests.subscriptions.test_delivery import events_of, research_subject


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


async def write_subject(client, patient: str) -> str:
    response = await client.post(
        "/ResearchSubject", json=research_subject(patient), headers=FHIR_JSON
    )
    assert response.status_code == 201
    rid: str = response.json()["id"]
    return rid


async def status_report(client, sid: str) -> dict:
    response = await client.get(f"/Subscription/{sid}/$status")
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_fhir(bundle)
    (entry,) = bundle["entry"]
    report: dict = entry["resource"]
    return report


async def test_receiver_down_retries_with_backoff_then_delivers_in_order(mongo_url, receiver):
    async with served(settings_for(mongo_url, subscription_retry_base_s=10)) as s:
        sub = await s.subscribe(receiver)
        await s.round()  # handshake
        receiver.stop()  # nothing listens: connection refused
        first = await write_subject(s.client, "a")
        await s.round()
        report = await status_report(s.client, sub["id"])
        assert report["status"] == "active"
        assert report["eventsSinceSubscriptionStart"] == "1"
        assert "ConnectError" in report["error"][0]["text"]

        receiver.status = 503
        receiver.start()  # same port, answering 503
        second = await write_subject(s.client, "b")
        s.clock.advance(5)  # the first retry waits 10 s
        await s.round()
        assert len(receiver.received) == 1  # the handshake only
        s.clock.advance(5)
        await s.round()
        assert len(receiver.received) == 2  # retry 1, refused with 503
        s.clock.advance(10)  # the second retry waits 20 s
        await s.round()
        assert len(receiver.received) == 2
        s.clock.advance(10)
        await s.round()
        assert len(receiver.received) == 3

        receiver.status = 200
        s.clock.advance(40)
        await s.round()
        assert len(receiver.received) == 4
        tries = receiver.bundles()[1:]
        for bundle in tries:
            assert_valid_fhir(bundle)
            assert [e["eventNumber"] for e in events_of(bundle)] == ["1", "2"]
            assert [e["focus"]["reference"].rsplit("/", 1)[1] for e in events_of(bundle)] == [
                first,
                second,
            ]
        assert await s.status_of(sub["id"]) == "active"
        assert "error" not in await status_report(s.client, sub["id"])
        s.clock.advance(600)
        await s.round()  # delivered: not sent again
        assert len(receiver.received) == 4
        third = await write_subject(s.client, "c")
        await s.round()
        assert len(receiver.received) == 5
        (event,) = events_of(receiver.bundles()[4])
        assert event["eventNumber"] == "3"
        assert event["focus"]["reference"].endswith(f"/ResearchSubject/{third}")


async def test_receiver_down_for_good_sets_error_until_the_client_asks_again(mongo_url, receiver):
    settings = settings_for(mongo_url, subscription_retry_base_s=10, subscription_max_attempts=3)
    async with served(settings) as s:
        sub = await s.subscribe(receiver)
        await s.round()
        receiver.stop()
        receiver.received.clear()  # the handshake
        await write_subject(s.client, "a")
        for wait in (0, 10, 20):
            s.clock.advance(wait)
            await s.round()
        assert await s.status_of(sub["id"]) == "error"
        report = await status_report(s.client, sub["id"])
        assert report["status"] == "error"
        assert report["eventsSinceSubscriptionStart"] == "1"
        assert report["error"][0]["text"].startswith("POST ")

        receiver.start()
        s.clock.advance(3600)
        await s.round()
        assert receiver.received == []  # in error, nothing is posted

        current = (await s.client.get(f"/Subscription/{sub['id']}")).json()
        current["status"] = "requested"
        response = await s.client.put(f"/Subscription/{sub['id']}", json=current, headers=FHIR_JSON)
        assert response.status_code == 200
        await s.round()  # a new handshake
        await s.round()  # then what was pending
        kinds = [status["type"] for status in receiver.statuses()]
        assert kinds == ["handshake", "event-notification"]
        assert [e["eventNumber"] for e in events_of(receiver.bundles()[1])] == ["1"]
        assert await s.status_of(sub["id"]) == "active"


async def test_a_server_stopped_mid_notification_leaves_it_to_the_next(mongo_url, receiver):
    settings = settings_for(mongo_url, subscription_poll=0.05)
    async with served(settings, keep=True) as s:
        sub = await s.subscribe(receiver)
        for _ in range(200):  # the server's own worker handshakes
            if await s.status_of(sub["id"]) == "active":
                break
            await asyncio.sleep(0.05)
        assert await s.status_of(sub["id"]) == "active"
        receiver.hold = threading.Event()
        receiver.entered.clear()
        await write_subject(s.client, "a")
        assert await asyncio.to_thread(receiver.entered.wait, 20)
    # The app stopped while its post waited for the endpoint's answer.
    receiver.hold.set()
    receiver.hold = None
    assert len(receiver.received) == 2

    restarted = settings.model_copy(update={"subscription_poll": 0})
    async with served(restarted) as s:
        s.clock.advance(settings.subscription_lease_s + 1)  # a lease of the dead process expired
        await s.round()
        assert len(receiver.received) == 3
        again = receiver.bundles()[2]
        assert_valid_fhir(again)
        assert again["entry"][0]["resource"]["eventsSinceSubscriptionStart"] == "1"
        assert [e["eventNumber"] for e in events_of(again)] == ["1"]
        assert events_of(again) == events_of(receiver.bundles()[1])
        s.clock.advance(600)
        await s.round()
        assert len(receiver.received) == 3


async def test_two_servers_on_one_database_post_each_event_once(mongo_url, receiver):
    settings = settings_for(mongo_url)
    async with served(settings) as one, served(settings, keep=True) as two:
        sub = await one.subscribe(receiver)
        await asyncio.gather(one.round(), two.round())
        assert [status["type"] for status in receiver.statuses()] == ["handshake"]
        assert await one.status_of(sub["id"]) == "active"
        rid = await write_subject(two.client, "a")
        await asyncio.gather(one.round(), two.round())
        await asyncio.gather(one.round(), two.round())
        assert [status["type"] for status in receiver.statuses()] == [
            "handshake",
            "event-notification",
        ]
        (event,) = events_of(receiver.bundles()[1])
        assert event["eventNumber"] == "1"
        assert event["focus"]["reference"].endswith(f"/ResearchSubject/{rid}")
