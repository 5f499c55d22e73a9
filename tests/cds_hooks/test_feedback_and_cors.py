"""Feedback on our cards is kept (collection `cds_feedback`); a browser CDS client (the
sandbox) may call the service from an origin of FHIRTRIAL_CORS_ORIGINS."""

import pytest

from fhirtrial.api.cds_hooks.feedback import COLLECTION
from tests.helpers import make_settings, running_client

FEEDBACK = "/cds-services/trial-matches/feedback"
SANDBOX = "https://sandbox.cds-hooks.org"


@pytest.fixture(scope="module")
async def server(mongo_url):
    settings = make_settings(mongo_url, cors_origins=SANDBOX)
    async with running_client(settings) as client:
        yield client, client._transport.app  # type: ignore[attr-defined]


async def kept(server) -> list[dict]:
    app = server[1]
    found = app.state.context.repository.database.db[COLLECTION].find({}, {"_id": 0})
    return [document async for document in found]


async def test_accepted_and_overridden_outcomes_are_kept(server):
    client, _ = server
    body = {
        "feedback": [
            {
                "card": "card-1",
                "outcome": "accepted",
                "acceptedSuggestions": [{"id": "suggestion-1"}],
                "outcomeTimestamp": "2026-12-05T04:10:00Z",
            },
            {
                "card": "card-2",
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {"system": "https://ehr.example/reasons", "code": "declined"},
                    "userComment": "Patient does not want a trial now",
                },
                "outcomeTimestamp": "2026-12-05T04:11:00+00:00",
            },
        ]
    }
    response = await client.post(FEEDBACK, json=body)
    assert response.status_code == 200, response.text
    documents = {d["card"]: d for d in await kept(server)}
    assert documents["card-1"]["outcome"] == "accepted"
    assert documents["card-1"]["acceptedSuggestions"] == ["suggestion-1"]
    assert documents["card-2"]["overrideReason"] == {
        "reason": {"system": "https://ehr.example/reasons", "code": "declined"},
        "userComment": "Patient does not want a trial now",
    }
    assert documents["card-2"]["outcomeTimestamp"].minute == 11


BAD_FEEDBACK = {
    "no list": {"feedback": {"card": "c"}},
    "empty list": {"feedback": []},
    "no card": {"feedback": [{"outcome": "overridden", "outcomeTimestamp": "2026-12-05T04:00Z"}]},
    "unknown outcome": {
        "feedback": [{"card": "c", "outcome": "ignored", "outcomeTimestamp": "2026-12-05T04:00Z"}]
    },
    "accepted without suggestions": {
        "feedback": [{"card": "c", "outcome": "accepted", "outcomeTimestamp": "2026-12-05T04:00Z"}]
    },
    "timestamp without zone": {
        "feedback": [{"card": "c", "outcome": "overridden", "outcomeTimestamp": "2026-12-05T04:00"}]
    },
    "reason on an accepted card": {
        "feedback": [
            {
                "card": "c",
                "outcome": "accepted",
                "acceptedSuggestions": [],
                "overrideReason": {"userComment": "x"},
                "outcomeTimestamp": "2026-12-05T04:00Z",
            }
        ]
    },
}


@pytest.mark.parametrize("name", BAD_FEEDBACK)
async def test_malformed_feedback_is_a_400_and_nothing_is_kept(server, name):
    client, _ = server
    before = len(await kept(server))
    response = await client.post(FEEDBACK, json=BAD_FEEDBACK[name])
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
    assert len(await kept(server)) == before


async def test_the_sandbox_origin_may_call_the_service(server):
    client, _ = server
    preflight = await client.options(
        "/cds-services/trial-matches",
        headers={
            "Origin": SANDBOX,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SANDBOX
    discovery = await client.get("/cds-services", headers={"Origin": SANDBOX})
    assert discovery.headers["access-control-allow-origin"] == SANDBOX
    other = await client.get("/cds-services", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
