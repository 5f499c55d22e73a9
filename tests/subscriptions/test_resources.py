"""The Subscription and SubscriptionTopic resources over REST, `$status`, the address policy
and the CapabilityStatement."""

import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir
from tests.subscriptions.harness import TOPIC, served, settings_for, subscription
from tests.subscriptions.receiver import Receiver


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


async def test_the_topic_is_served_read_only_and_valid(client):
    response = await client.get("/SubscriptionTopic/candidate-changed")
    assert response.status_code == 200
    topic = response.json()
    assert_valid_fhir(topic)
    assert topic["url"] == TOPIC
    assert {f["filterParameter"] for f in topic["canFilterBy"]} >= {"patient", "subject", "study"}
    assert topic["resourceTrigger"][0]["supportedInteraction"] == ["create", "update"]
    found = (await client.get("/SubscriptionTopic", params={"url": TOPIC})).json()
    assert found["total"] == 1
    refused = await client.post("/SubscriptionTopic", json=topic, headers=FHIR_JSON)
    assert refused.status_code == 405


async def test_the_capability_statement_lists_subscriptions(client):
    statement = (await client.get("/metadata")).json()
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert {i["code"] for i in resources["Subscription"]["interaction"]} >= {
        "create",
        "read",
        "update",
        "delete",
        "search-type",
    }
    assert {i["code"] for i in resources["SubscriptionTopic"]["interaction"]} == {
        "read",
        "vread",
        "history-instance",
        "history-type",
        "search-type",
    }
    assert {
        "name": "status",
        "definition": "http://hl7.org/fhir/OperationDefinition/Subscription-status",
    } in resources["Subscription"]["operation"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"topic": "http://example.org/SubscriptionTopic/other"}, "Subscription.topic"),
        ({"channelType": {"code": "websocket"}}, "Subscription.channelType"),
        ({"endpoint": "ftp://example.org/x"}, "Subscription.endpoint"),
        ({"endpoint": None}, "Subscription.endpoint"),
        (
            {"filterBy": [{"filterParameter": "status", "value": "x"}]},
            "Subscription.filterBy[0].filterParameter",
        ),
        (
            {"filterBy": [{"filterParameter": "patient", "value": "Group/1"}]},
            "Subscription.filterBy[0].value",
        ),
        ({"parameter": [{"name": "Bad Header", "value": "x"}]}, "Subscription.parameter[0].name"),
        (
            {"parameter": [{"name": "X-Ok", "value": "a\r\nInjected: 1"}]},
            "Subscription.parameter[0].value",
        ),
        ({"contentType": "application/xml"}, "Subscription.contentType"),
    ],
)
async def test_a_subscription_the_server_cannot_serve_is_refused(client, change, path):
    body = {k: v for k, v in {**subscription(Receiver(port=9)), **change}.items() if v is not None}
    response = await client.post("/Subscription", json=body, headers=FHIR_JSON)
    assert response.status_code == 422, response.text
    outcome = response.json()
    assert_valid_fhir(outcome)
    assert path in [e for issue in outcome["issue"] for e in issue.get("expression", [])]
    assert (await client.get("/Subscription")).json()["total"] == 0


async def test_status_of_one_and_of_the_type(mongo_url, receiver):
    async with served(settings_for(mongo_url)) as s:
        active = await s.subscribe(receiver)
        await s.round()
        off = await s.subscribe(receiver, status="off")
        await s.round()
        one = await s.client.get(f"/Subscription/{active['id']}/$status")
        assert one.status_code == 200
        bundle = one.json()
        assert_valid_fhir(bundle)
        assert bundle["type"] == "searchset"
        (entry,) = bundle["entry"]
        status = entry["resource"]
        assert status["type"] == "query-status"
        assert status["status"] == "active"
        assert status["eventsSinceSubscriptionStart"] == "0"
        assert (
            status["subscription"]["reference"] == f"http://fhir.test/Subscription/{active['id']}"
        )
        assert status["topic"] == TOPIC

        every = (await s.client.get("/Subscription/$status")).json()
        assert_valid_fhir(every)
        assert sorted(e["resource"]["status"] for e in every["entry"]) == ["active", "off"]
        only_off = (await s.client.get("/Subscription/$status", params={"status": "off"})).json()
        assert [
            e["resource"]["subscription"]["reference"].rsplit("/", 1)[1] for e in only_off["entry"]
        ] == [off["id"]]
        posted = await s.client.post(
            "/Subscription/$status",
            json={
                "resourceType": "Parameters",
                "parameter": [{"name": "id", "valueId": active["id"]}],
            },
            headers=FHIR_JSON,
        )
        assert posted.status_code == 200
        assert posted.json()["total"] == 1
        missing = await s.client.get("/Subscription/nope/$status")
        assert missing.status_code == 404
        assert_valid_fhir(missing.json())
        unknown = await s.client.get("/Subscription/$status", params={"topic": "x"})
        assert unknown.status_code == 400
        assert len(receiver.received) == 1  # the off one was never handshaken


async def test_private_endpoints_are_refused_unless_the_operator_allows_them(mongo_url, receiver):
    settings = settings_for(
        mongo_url, subscription_allow_private=False, subscription_max_attempts=1
    )
    async with served(settings) as s:
        sub = await s.subscribe(receiver)
        await s.round()
        assert receiver.received == []
        assert await s.status_of(sub["id"]) == "error"
        report = (await s.client.get(f"/Subscription/{sub['id']}/$status")).json()
        assert "non-public address" in report["entry"][0]["resource"]["error"][0]["text"]
