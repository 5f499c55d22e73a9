"""The resource server accepts a bearer JWT only when it is signed by a trusted issuer's key
with an asymmetric algorithm and is for this server, now. Every forgery is a 401
OperationOutcome with `WWW-Authenticate: Bearer error="invalid_token"` and changes nothing."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
import respx
from cryptography.hazmat.primitives import serialization

from tests.auth.auth_helpers import (
    BASE,
    ISSUER,
    bearer,
    ec_key,
    jwks,
    rsa_key,
    secured_app,
    serve_identity_provider,
    user_claims,
)
from tests.helpers import FHIR_JSON

IDP_KEY = rsa_key("idp-1")
IDP_EC_KEY = ec_key("idp-ec", "ES384")


@pytest.fixture
async def idp():
    with respx.mock(assert_all_called=False) as mock:
        jwks_route = serve_identity_provider(mock, IDP_KEY, IDP_EC_KEY)
        yield mock, jwks_route


@pytest.fixture
async def server(mongo_url, idp):
    async with secured_app(mongo_url, auth_issuer=ISSUER, auth_audience=BASE) as (client, app):
        yield client, app


def _unsigned(claims: dict) -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT', 'kid': IDP_KEY.kid})}.{part(claims)}."


def _hs256_with_the_public_key(claims: dict) -> str:
    # The HS/RS confusion: the verifier's RSA public key (PEM) used as an HMAC secret.
    public_pem = IDP_KEY.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing = jwt.api_jws.PyJWS()
    signing._algorithms["HS256"].prepare_key = lambda key: key  # PyJWT refuses PEM secrets
    return signing.encode(
        json.dumps(claims).encode(), public_pem, algorithm="HS256", headers={"kid": IDP_KEY.kid}
    )


FORGERIES = {
    "signed by another key under the issuer's kid": lambda: rsa_key(IDP_KEY.kid).sign(
        user_claims()
    ),
    "expired": lambda: IDP_KEY.sign(user_claims(exp=int(time.time()) - 120)),
    "not yet valid": lambda: IDP_KEY.sign(user_claims(nbf=int(time.time()) + 600)),
    "for another server": lambda: IDP_KEY.sign(user_claims(aud="https://other.example/fhir")),
    "from an untrusted issuer": lambda: IDP_KEY.sign(user_claims(iss="https://evil.example")),
    "without exp": lambda: IDP_KEY.sign(user_claims(exp=None)),
    "alg none": lambda: _unsigned(user_claims()),
    "HS256 with the RSA public key as secret": lambda: _hs256_with_the_public_key(user_claims()),
    "an unknown kid": lambda: rsa_key("nobody-knows").sign(user_claims()),
    "RS256 header over the EC key's kid": lambda: IDP_KEY.sign(user_claims(), kid=IDP_EC_KEY.kid),
    "not a JWT": lambda: "definitely-not-a-jwt",
}


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_forged_or_stale_token_is_401_invalid_token_and_writes_nothing(server, forgery):
    client, _ = server
    token = FORGERIES[forgery]()
    read = await client.get("/Patient", headers=bearer(token))
    assert read.status_code == 401, read.text
    assert 'error="invalid_token"' in read.headers["WWW-Authenticate"]
    outcome = read.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "login"
    write = await client.post(
        "/Patient", json={"resourceType": "Patient"}, headers={**FHIR_JSON, **bearer(token)}
    )
    assert write.status_code == 401
    valid = IDP_KEY.sign(user_claims())
    assert (await client.get("/Patient", headers=bearer(valid))).json()["total"] == 0


async def test_tokens_of_the_external_issuer_are_accepted_rsa_and_ec(server):
    client, _ = server
    for key in (IDP_KEY, IDP_EC_KEY):
        created = await client.post(
            "/Patient",
            json={"resourceType": "Patient", "gender": "female"},
            headers={**FHIR_JSON, **bearer(key.sign(user_claims()))},
        )
        assert created.status_code == 201, created.text
    # Skew within 30 seconds is tolerated.
    late = IDP_KEY.sign(user_claims(exp=int(time.time()) - 10))
    assert (await client.get("/Patient", headers=bearer(late))).json()["total"] == 2


async def test_an_invalid_token_is_refused_even_where_no_token_is_needed(server):
    client, _ = server
    token = IDP_KEY.sign(user_claims(exp=int(time.time()) - 120))
    assert (await client.get("/ResearchStudy")).status_code == 200
    assert (await client.get("/ResearchStudy", headers=bearer(token))).status_code == 401


async def test_a_malformed_authorization_header_is_401(server):
    client, _ = server
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", b"Bearer \xa0", "bearer"):
        response = await client.get("/Patient", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


async def test_a_rotated_key_is_fetched_by_kid_but_unknown_kids_cannot_force_fetches(server, idp):
    client, app = server
    _, jwks_route = idp
    assert (await client.get("/Patient", headers=bearer(IDP_KEY.sign(user_claims())))).is_success
    assert jwks_route.call_count == 1
    # The issuer rotates its key: tokens now carry a kid we have not fetched.
    rotated = rsa_key("idp-2")
    jwks_route.respond(200, json=jwks(IDP_KEY, rotated))
    new_token = rotated.sign(user_claims())
    # Within the refetch interval, a hundred unknown kids cost no fetch at all.
    for n in range(100):
        forged = rsa_key(f"invented-{n}") if n < 3 else rotated
        await client.get("/Patient", headers=bearer(forged.sign(user_claims())))
    assert jwks_route.call_count == 1
    assert (await client.get("/Patient", headers=bearer(new_token))).status_code == 401
    # Once the interval has passed, the unknown kid makes the server fetch the JWKS again.
    keys = app.state.auth.external
    now = time.monotonic()
    keys.clock = lambda: now + keys.min_interval_s + 1
    assert (await client.get("/Patient", headers=bearer(new_token))).status_code == 200
    assert jwks_route.call_count == 2
    assert (await client.get("/Patient", headers=bearer(IDP_KEY.sign(user_claims())))).is_success
