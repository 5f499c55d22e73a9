"""Several server processes on one database (README "Several processes"): each keeps only
caches that follow the database, so a change made through one is in the other's next answer.

Two real `fhirtrial serve` processes (separate interpreters, each with its own match index
mirror, plan and resource caches) share the test MongoDB and one database."""

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pymongo
import pytest

from fhirtrial.auth.clients import ClientRegistry
from tests.auth.auth_helpers import (
    FORM,
    assertion_claims,
    bearer,
    jwks,
    rsa_key,
    token_request,
)
from tests.conformance.live_server import free_port
from tests.helpers import FHIR_JSON
from tests.matching.match_answers import MATCH, read_matches
from tests.matching.match_patients import AS_OF, melanoma_patient, parameters

LIFILEUCEL = "NCT05361174"
EXPANDED_ACCESS = "NCT05398640"
WITH_INELIGIBLE = {"name": "includeIneligible", "valueBoolean": True}
BODY = parameters(melanoma_patient(), {"name": "asOf", "valueDate": AS_OF}, WITH_INELIGIBLE)


@contextlib.contextmanager
def server_process(mongo_url: str, database: str, **settings: str) -> Iterator[httpx.Client]:
    port = free_port()
    env = {
        **os.environ,
        "FHIRTRIAL_MONGODB_URL": mongo_url,
        "FHIRTRIAL_DATABASE": database,
        "FHIRTRIAL_AUTH": "off",
        "FHIRTRIAL_LOAD_SEEDS": "true",
        "FHIRTRIAL_BASE_URL": f"http://127.0.0.1:{port}",
        "FHIRTRIAL_LOG_LEVEL": "WARNING",
        **{f"FHIRTRIAL_{name.upper()}": value for name, value in settings.items()},
    }
    command = [sys.executable, "-c", "from fhirtrial.cli import app; app()", "serve"]
    process = subprocess.Popen([*command, "--port", str(port)], env=env)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, "the server process exited"
            with contextlib.suppress(httpx.TransportError):
                if client.get("/metadata").status_code == 200:
                    break
            assert time.monotonic() < deadline, "the server process did not start"
            time.sleep(0.2)
        yield client
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def answers(client: httpx.Client) -> dict[str, tuple[str, float, dict[str, str]]]:
    response = client.post(MATCH, json=BODY, headers=FHIR_JSON)
    assert response.status_code == 200, response.text
    return {
        study: (match.verdict, match.search_score, match.criteria)
        for study, match in read_matches(response.json()).items()
    }


def require_age(client: httpx.Client, study: str, years: int) -> None:
    """Rewrite the study's age criterion ("18 Years and older") to a new lower bound."""
    path = f"/EvidenceVariable/{study}-eligibility"
    criteria = client.get(path, headers=FHIR_JSON).json()
    for characteristic in criteria["characteristic"]:
        if characteristic.get("linkId") == "age":
            characteristic["description"] = f"Age: {years} Years and older"
            characteristic["definitionByTypeAndValue"]["valueQuantity"]["value"] = years
    response = client.put(path, json=criteria, headers=FHIR_JSON)
    assert response.status_code == 200, response.text


@pytest.fixture
def database(mongo_url) -> Iterator[str]:
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield name
    with pymongo.MongoClient(mongo_url) as mongo:
        mongo.drop_database(name)


def test_a_change_made_through_either_process_is_in_the_others_next_match(mongo_url, database):
    # The first process loads the seed catalog (it is up before the second starts); the second
    # finds it there.
    with (
        server_process(mongo_url, database) as first,
        server_process(mongo_url, database) as second,
    ):
        before = answers(first)
        assert set(before) == {LIFILEUCEL, EXPANDED_ACCESS}
        assert {verdict for verdict, _, _ in before.values()} == {"potential-candidate"}
        assert answers(second) == before

        # The melanoma patient (born 1965) is 61 on the match date: 75 rules her out.
        require_age(first, EXPANDED_ACCESS, 75)
        after_first = answers(second)
        assert after_first[EXPANDED_ACCESS][0] == "ineligible"
        assert after_first[EXPANDED_ACCESS][2]["age"] == "not-met"
        assert after_first[LIFILEUCEL] == before[LIFILEUCEL]
        assert answers(first) == after_first

        require_age(second, LIFILEUCEL, 75)
        after_second = answers(first)
        assert after_second[LIFILEUCEL][0] == "ineligible"
        assert after_second[LIFILEUCEL][2]["age"] == "not-met"
        assert answers(second) == after_second

        # And back: an earlier answer is not kept by either process.
        require_age(first, LIFILEUCEL, 18)
        assert answers(second)[LIFILEUCEL] == before[LIFILEUCEL]
        assert answers(first)[LIFILEUCEL] == before[LIFILEUCEL]


def test_a_token_issued_by_one_process_is_honoured_by_the_other(mongo_url, database):
    # Behind one load balancer both processes have the same public base URL (the audience).
    public = {"auth": "required", "base_url": "http://fhir.example.org"}
    key = rsa_key("backend-1", "RS384")
    with (
        server_process(mongo_url, database, **public) as first,
        server_process(mongo_url, database, **public) as second,
    ):
        client_id = asyncio.run(register(mongo_url, database, key, "system/Patient.cruds"))
        claims = assertion_claims(client_id, aud="http://fhir.example.org/auth/token")
        data = token_request(key.sign(claims), "system/Patient.cruds")
        issued = first.post("/auth/token", data=data, headers=FORM)
        assert issued.status_code == 200, issued.text
        token = bearer(issued.json()["access_token"])

        assert second.get("/Patient", headers=FHIR_JSON).status_code == 401
        created = second.post(
            "/Patient", json={"resourceType": "Patient"}, headers={**FHIR_JSON, **token}
        )
        assert created.status_code == 201, created.text
        read = first.get(f"/Patient/{created.json()['id']}", headers={**FHIR_JSON, **token})
        assert read.status_code == 200


async def register(mongo_url: str, database: str, key, scopes: str) -> str:
    mongo: pymongo.AsyncMongoClient = pymongo.AsyncMongoClient(mongo_url)
    try:
        client = await ClientRegistry(mongo[database]).add("backend", [scopes], jwks=jwks(key))
        return client.client_id
    finally:
        await mongo.close()
