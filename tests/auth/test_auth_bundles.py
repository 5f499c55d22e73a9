"""Batch and transaction entries are authorised as each interaction would be on its own:
SMART scopes, the launch patient's compartment, the public catalog."""

import time

import pytest
import respx

from tests.auth.auth_helpers import (
    BASE,
    ISSUER,
    bearer,
    rsa_key,
    secured_app,
    serve_identity_provider,
    user_claims,
)
from tests.helpers import FHIR_JSON, research_study

IDP_KEY = rsa_key("idp-bundles")


def as_user(scope: str, **claims) -> dict[str, str]:
    return bearer(IDP_KEY.sign(user_claims(scope=scope, **claims)))


# Signed once, when pytest collects the module: the whole suite may run longer than a token's
# usual 5 minutes before it reaches these tests, so this one lasts the day.
ADMIN = as_user("user/*.cruds", exp=int(time.time()) + 86_400)


def subject(patient: str, rid: str | None = None) -> dict:
    resource = {
        "resourceType": "ResearchSubject",
        "status": "active",
        "study": {"reference": "ResearchStudy/s1"},
        "subject": {"reference": f"Patient/{patient}"},
    }
    return {**resource, "id": rid} if rid else resource


def bundle(kind: str, *entries: dict) -> dict:
    return {"resourceType": "Bundle", "type": kind, "entry": list(entries)}


def entry(method: str, url: str, resource: dict | None = None) -> dict:
    out: dict = {"request": {"method": method, "url": url}}
    if resource is not None:
        out["resource"] = resource
    return out


@pytest.fixture
async def hospital(mongo_url):
    with respx.mock(assert_all_called=False) as mock:
        serve_identity_provider(mock, IDP_KEY)
        async with secured_app(mongo_url, auth_issuer=ISSUER, auth_audience=BASE) as (client, _):
            for resource in (
                research_study(id="s1"),
                {"resourceType": "Patient", "id": "p1"},
                {"resourceType": "Patient", "id": "p2"},
                subject("p2", "rs2"),
            ):
                url = f"/{resource['resourceType']}/{resource['id']}"
                put = await client.put(url, json=resource, headers={**FHIR_JSON, **ADMIN})
                assert put.status_code == 201, put.text
            yield client


async def subjects(client) -> int:
    response = await client.get("/ResearchSubject/_history", headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()["total"]


async def test_an_anonymous_transaction_writes_nothing(hospital):
    client = hospital
    body = bundle("transaction", entry("POST", "ResearchSubject", subject("p1")))
    response = await client.post("/", json=body, headers=FHIR_JSON)
    assert response.status_code == 401, response.text
    assert await subjects(client) == 1


async def test_an_anonymous_batch_reads_the_catalog_but_not_patients(hospital):
    client = hospital
    body = bundle("batch", entry("GET", "ResearchStudy/s1"), entry("GET", "Patient/p1"))
    response = await client.post("/", json=body, headers=FHIR_JSON)
    assert response.status_code == 200, response.text
    statuses = [e["response"]["status"] for e in response.json()["entry"]]
    assert statuses == ["200 OK", "401 Unauthorized"]


async def test_an_invalid_token_is_401_for_the_whole_bundle(hospital):
    client = hospital
    body = bundle("batch", entry("GET", "ResearchStudy/s1"))
    response = await client.post("/", json=body, headers={**FHIR_JSON, **bearer("not-a-jwt")})
    assert response.status_code == 401, response.text


async def test_a_read_only_token_cannot_write_through_a_transaction(hospital):
    client = hospital
    body = bundle("transaction", entry("POST", "ResearchSubject", subject("p1")))
    reader = {**FHIR_JSON, **as_user("user/*.rs")}
    response = await client.post("/", json=body, headers=reader)
    assert response.status_code == 403, response.text
    assert "ResearchSubject.c" in response.json()["issue"][0]["diagnostics"]
    assert await subjects(client) == 1


async def test_a_patient_token_stays_in_its_compartment(hospital):
    client = hospital
    mine = {**FHIR_JSON, **as_user("patient/*.cruds", patient="p1")}
    # Its own subject may be created, but another patient's may not be taken over: all fails.
    body = bundle(
        "transaction",
        entry("POST", "ResearchSubject", subject("p1")),
        entry("PUT", "ResearchSubject/rs2", subject("p1", "rs2")),
    )
    response = await client.post("/", json=body, headers=mine)
    assert response.status_code == 403, response.text
    assert response.json()["issue"][0]["expression"][0] == "Bundle.entry[1]"
    assert await subjects(client) == 1
    # In a batch, reads outside the compartment are not found; its own are answered.
    body = bundle("batch", entry("GET", "Patient/p1"), entry("GET", "Patient/p2"))
    response = await client.post("/", json=body, headers=mine)
    statuses = [e["response"]["status"] for e in response.json()["entry"]]
    assert statuses == ["200 OK", "404 Not Found"]
    # A conditional delete is confined like a search: p2's subject is out of reach.
    body = bundle("transaction", entry("DELETE", "ResearchSubject?_id=rs2"))
    response = await client.post("/", json=body, headers=mine)
    assert response.status_code == 200, response.text
    assert (await client.get("/ResearchSubject/rs2", headers=ADMIN)).status_code == 200


async def test_a_conditional_reference_is_a_search_the_caller_must_be_allowed(hospital):
    client = hospital
    body = bundle(
        "transaction",
        entry(
            "POST", "ResearchSubject", {**subject("p1"), "subject": {"reference": "Patient?_id=p1"}}
        ),
    )
    writer = {**FHIR_JSON, **as_user("user/ResearchSubject.c")}
    response = await client.post("/", json=body, headers=writer)
    assert response.status_code == 403, response.text
    assert "Patient.s" in response.json()["issue"][0]["diagnostics"]
    assert await subjects(client) == 1
    allowed = {**FHIR_JSON, **as_user("user/ResearchSubject.c user/Patient.s")}
    response = await client.post("/", json=body, headers=allowed)
    assert response.status_code == 200, response.text
    assert await subjects(client) == 2
