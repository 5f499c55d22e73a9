"""With authorization required (the default), a hook call must carry a JWT signed by a CDS
client of FHIRTRIAL_CDS_CLIENTS, for this service's URL (CDS Hooks 2.0 "Trusting CDS
Clients"); the client's JWK set is served by respx. Discovery stays public."""

import time
import uuid
from typing import Any

import jwt
import pytest
import respx

from tests.auth.auth_helpers import backend_token, bearer, ec_key, jwks, rsa_key, secured_app
from tests.cds_hooks.sandbox import StoredRecord, hook_call
from tests.helpers import assert_valid_fhir, import_breast_studies

EHR_ISSUER = "https://sandbox.cds-hooks.org"
EHR_JWKS = "https://sandbox.cds-hooks.org/.well-known/jwks.json"
SERVICE_URL = "http://fhir.test/cds-services/trial-matches"
SERVICE = "/cds-services/trial-matches"
KEY = ec_key("sandbox-1", "ES384")


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    found = {
        "iss": EHR_ISSUER,
        "aud": SERVICE_URL,
        "iat": now,
        "exp": now + 300,
        "jti": str(uuid.uuid4()),
    }
    found.update(overrides)
    return {k: v for k, v in found.items() if v is not None}


@pytest.fixture(scope="module")
async def server(mongo_url):
    settings = {"load_seeds": True, "cds_clients": {EHR_ISSUER: EHR_JWKS}}
    async with secured_app(mongo_url, **settings) as (client, app):
        writer = "system/ResearchStudy.cu system/PlanDefinition.cu system/EvidenceVariable.cu"
        writer += " system/Location.cu system/Organization.cu"
        client.headers["Authorization"] = f"Bearer {await backend_token(client, app, writer)}"
        await import_breast_studies(client)
        del client.headers["Authorization"]
        yield client, app


@pytest.fixture
def secured(server):
    return server[0]


@pytest.fixture
def sandbox_keys():
    with respx.mock(assert_all_called=False) as mock:
        yield mock.get(EHR_JWKS).respond(200, json=jwks(KEY))


@pytest.fixture(scope="module")
def call() -> dict:
    return hook_call(StoredRecord("codex/TrialMatching_Patient01.json"))


async def test_discovery_needs_no_token(secured):
    response = await secured.get("/cds-services")
    assert response.status_code == 200
    assert response.json()["services"][0]["id"] == "trial-matches"


async def test_a_call_without_a_jwt_is_refused(secured, call):
    response = await secured.post(SERVICE, json=call)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_a_call_signed_by_a_trusted_client_is_answered(secured, sandbox_keys, call):
    response = await secured.post(SERVICE, json=call, headers=bearer(KEY.sign(claims(), typ="JWT")))
    assert response.status_code == 200, response.text
    (card,) = response.json()["cards"]
    assert "may fit this patient" in card["summary"]


def unsigned(payload: dict[str, Any]) -> str:
    return jwt.encode(payload, key=None, algorithm="none", headers={"kid": KEY.kid})


REFUSED = {
    "unsigned (alg none)": lambda: unsigned(claims()),
    "signed by a key the client does not publish": lambda: ec_key(KEY.kid, "ES384").sign(claims()),
    "an issuer not trusted": lambda: KEY.sign(claims(iss="https://other-ehr.example")),
    "for another service (aud)": lambda: KEY.sign(
        claims(aud="http://fhir.test/cds-services/other")
    ),
    "the FHIR base as audience": lambda: KEY.sign(claims(aud="http://fhir.test")),
    "expired": lambda: KEY.sign(claims(exp=int(time.time()) - 120)),
    "valid for an hour": lambda: KEY.sign(claims(exp=int(time.time()) + 3600)),
    "no jti": lambda: KEY.sign(claims(jti=None)),
    "no iat": lambda: KEY.sign(claims(iat=None)),
    "an RS256 key under the client's kid": lambda: rsa_key(KEY.kid, "RS256").sign(claims()),
}


@pytest.mark.parametrize("name", REFUSED)
async def test_tokens_that_do_not_prove_a_trusted_client_are_refused(
    secured, sandbox_keys, call, name
):
    response = await secured.post(SERVICE, json=call, headers=bearer(REFUSED[name]()))
    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_a_jwt_is_good_for_one_call(secured, sandbox_keys, call):
    token = KEY.sign(claims())
    first = await secured.post(SERVICE, json=call, headers=bearer(token))
    again = await secured.post(SERVICE, json=call, headers=bearer(token))
    assert first.status_code == 200
    assert again.status_code == 401
    assert "already used" in again.json()["issue"][0]["diagnostics"]


async def test_an_access_token_of_the_servers_own_issuer_does_not_open_the_hook(server, call):
    """A SMART token of the built-in authorization server, however broad, is no CDS client's
    JWT: the hook trusts only FHIRTRIAL_CDS_CLIENTS."""
    client, app = server
    token = await backend_token(client, app, "system/*.cruds")
    assert (await client.get("/Patient", headers=bearer(token))).status_code == 200
    response = await client.post(SERVICE, json=call, headers=bearer(token))
    assert response.status_code == 401
    assert "not a trusted CDS client" in response.json()["issue"][0]["diagnostics"]


async def test_feedback_needs_the_clients_jwt_too(secured, sandbox_keys):
    body = {
        "feedback": [
            {
                "card": str(uuid.uuid4()),
                "outcome": "overridden",
                "outcomeTimestamp": "2026-12-05T04:00:00Z",
            }
        ]
    }
    refused = await secured.post(f"{SERVICE}/feedback", json=body)
    assert refused.status_code == 401
    token = KEY.sign(claims(aud=f"{SERVICE_URL}/feedback"))
    accepted = await secured.post(f"{SERVICE}/feedback", json=body, headers=bearer(token))
    assert accepted.status_code == 200, accepted.text


async def test_an_answered_call_is_in_the_audit_trail_with_the_client_and_the_ehr_patient(
    server, sandbox_keys, call
):
    client, app = server
    token = KEY.sign(claims())
    response = await client.post(SERVICE, json=call, headers=bearer(token))
    assert response.status_code == 200
    reader = await backend_token(client, app, "system/AuditEvent.rs")
    events = await client.get("/AuditEvent", params={"_count": "1000"}, headers=bearer(reader))
    patient = f"{call['fhirServer']}/Patient/{call['context']['patientId']}"
    (event,) = [
        e["resource"]
        for e in events.json()["entry"]
        if e["resource"].get("patient", {}).get("reference") == patient
        and jwt.decode(token, options={"verify_signature": False})["jti"]
        in str(e["resource"]["agent"])
    ]
    assert_valid_fhir(event)
    assert event["code"]["text"] == "$match"
    assert event["action"] == "E"
    client_agent = event["agent"][0]["who"]["identifier"]
    assert client_agent["value"] == EHR_ISSUER


async def test_a_jku_header_is_never_fetched(secured, call):
    """A token naming its own JWK set (`jku`) is verified with the configured keys only."""
    forger = ec_key(KEY.kid, "ES384")
    with respx.mock(assert_all_called=False) as mock:
        mock.get(EHR_JWKS).respond(200, json=jwks(KEY))
        forged_keys = mock.get("https://attacker.example/jwks.json").respond(200, json=jwks(forger))
        token = forger.sign(claims(), jku="https://attacker.example/jwks.json")
        response = await secured.post(SERVICE, json=call, headers=bearer(token))
    assert response.status_code == 401
    assert not forged_keys.called


async def test_keys_that_cannot_be_fetched_are_a_503_not_a_refusal(mongo_url, call):
    async with secured_app(mongo_url, cds_clients={EHR_ISSUER: EHR_JWKS}) as (client, _):
        with respx.mock(assert_all_called=False) as mock:
            mock.get(EHR_JWKS).respond(502)
            response = await client.post(SERVICE, json=call, headers=bearer(KEY.sign(claims())))
    assert response.status_code == 503
    assert response.headers["retry-after"]
