"""Time budget and database outages, against a SecantusDB of these tests' own: a request over
its budget is stopped with 503 + Retry-After; a slow but healthy database is waited for; a hung
(paused) one is answered 503 after FHIRTRIAL_DB_TIMEOUT_MS; a create answered 5xx is safely
retried with If-None-Exist; a connection the database dropped for idleness never fails a request."""

import asyncio

import pytest

from tests.helpers import FHIR_JSON, make_settings, running_client
from tests.limits.outages import (
    database_with_failpoints,
    fail_command,
    idle_cutting_proxy,
    pause,
    resume,
)


@pytest.fixture(scope="module")
def own_database(tmp_path_factory):
    with database_with_failpoints(tmp_path_factory.mktemp("outages")) as server:
        yield server


def study(**fields) -> dict:
    return {"resourceType": "ResearchStudy", "status": "active", **fields}


async def quiet(client) -> None:
    """Until the server's start-up work (building the evaluation plans) has ended: a failpoint
    armed or a pause made meanwhile could hit its queries instead of the request under test."""
    warming = client._transport.app.state.context.matching.warming
    if warming is not None:
        await asyncio.wait_for(asyncio.shield(warming), timeout=60)


def assert_outcome(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    issue = response.json()["issue"][0]
    assert issue["code"] == code, issue
    return issue["diagnostics"]


async def test_a_request_over_its_budget_is_a_503_with_retry_after(own_database):
    settings = make_settings(own_database.url, request_timeout_s=1)
    async with running_client(settings) as client:
        await client.put("/ResearchStudy/slow", json=study(id="slow"), headers=FHIR_JSON)
        await quiet(client)
        await fail_command(
            own_database.url,
            {"times": 1},
            failCommands=["find"],
            blockConnection=True,
            blockTimeMS=4000,
        )
        response = await client.get("/ResearchStudy/slow")
        words = assert_outcome(response, 503, "timeout")
        assert "FHIRTRIAL_REQUEST_TIMEOUT_S" in words
        assert response.headers["retry-after"] == "10"
        assert (await client.get("/ResearchStudy/slow")).status_code == 200


async def test_a_slow_but_healthy_database_is_not_cut_by_the_db_timeout(own_database):
    settings = make_settings(own_database.url, db_timeout_ms=300)
    async with running_client(settings) as client:
        await client.put("/ResearchStudy/busy", json=study(id="busy"), headers=FHIR_JSON)
        await quiet(client)
        # The query takes 5x the DB timeout; the database still answers pings meanwhile.
        await fail_command(
            own_database.url,
            {"times": 1},
            failCommands=["find"],
            blockConnection=True,
            blockTimeMS=1500,
        )
        response = await client.get("/ResearchStudy/busy")
        assert response.status_code == 200, response.text


async def test_a_write_the_database_did_not_confirm_is_a_503_and_safe_to_retry(own_database):
    settings = make_settings(own_database.url)
    async with running_client(settings) as client:
        body = study(identifier=[{"system": "urn:test", "value": "retry-me"}])
        headers = {**FHIR_JSON, "If-None-Exist": "identifier=urn:test|retry-me"}
        await quiet(client)
        # Skip the conditional-create guard's insert; the resource's insert is applied but its
        # write concern fails.
        await fail_command(
            own_database.url,
            {"skip": 1, "times": 1},
            failCommands=["insert"],
            writeConcernError={"code": 64, "errmsg": "waiting for replication timed out"},
        )
        words = assert_outcome(
            await client.post("/ResearchStudy", json=body, headers=headers), 503, "transient"
        )
        assert "If-None-Exist" in words
        retried = await client.post("/ResearchStudy", json=body, headers=headers)
        assert retried.status_code == 200, retried.text  # found, not created again
        found = (await client.get("/ResearchStudy?identifier=urn:test|retry-me")).json()
        assert found["total"] == 1


async def test_connections_dropped_while_idle_never_fail_a_request(own_database):
    async with idle_cutting_proxy(own_database.url, own_database.port, idle_s=0.5) as url:
        settings = make_settings(url, db_max_idle_ms=200)
        async with running_client(settings) as client:
            await client.put("/ResearchStudy/idle", json=study(id="idle"), headers=FHIR_JSON)
            for _ in range(3):
                await asyncio.sleep(1)  # longer than the proxy lets a connection idle
                response = await client.get("/ResearchStudy/idle")
                assert response.status_code == 200, response.text


async def test_a_hung_database_is_answered_503_after_the_db_timeout(own_database):
    settings = make_settings(own_database.url, db_timeout_ms=1000, request_timeout_s=120)
    async with running_client(settings) as client:
        await client.put("/ResearchStudy/hung", json=study(id="hung"), headers=FHIR_JSON)
        await quiet(client)
        pause(own_database)
        try:
            read = await client.get("/ResearchStudy/hung")
            words = assert_outcome(read, 503, "transient")
            assert "FHIRTRIAL_DB_TIMEOUT_MS" in words
            assert read.headers["retry-after"] == "5"
            write = await client.post("/ResearchStudy", json=study(), headers=FHIR_JSON)
            assert "If-None-Exist" in assert_outcome(write, 503, "transient")
        finally:
            resume(own_database)
        assert (await client.get("/ResearchStudy/hung")).status_code == 200
