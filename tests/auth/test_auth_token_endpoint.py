"""The built-in authorization server for backend clients: `client_credentials` with a
`private_key_jwt` assertion (SMART Backend Services). Refusals are RFC 6749 JSON errors and
issue no token; issued tokens carry only what the registration allows."""

from __future__ import annotations

import time

import jwt
import pytest
import respx

from fhirtrial.auth.clients import ClientRegistry, RegistrationError
from tests.auth.auth_helpers import (
    BASE,
    FORM,
    TOKEN_URL,
    assertion_claims,
    bearer,
    database,
    ec_key,
    jwks,
    register,
    rsa_key,
    secured_app,
    token_request,
)
from tests.helpers import FHIR_JSON

CLIENT_KEY = rsa_key("client-1", "RS384")


@pytest.fixture
async def server(mongo_url):
    async with secured_app(mongo_url) as (client, app):
        yield client, app


async def ask(client, assertion: str, scope: str = "system/*.rs"):
    return await client.post("/auth/token", data=token_request(assertion, scope), headers=FORM)


async def test_a_registered_client_gets_a_short_lived_token_that_works(server):
    client, app = server
    client_id = await register(app, CLIENT_KEY, "system/*.rs system/Patient.c")
    response = await ask(client, CLIENT_KEY.sign(assertion_claims(client_id)), "system/*.rs")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    issued = response.json()
    assert issued["token_type"] == "bearer" and issued["expires_in"] == 300
    assert issued["scope"] == "system/*.rs"
    keys = (await client.get("/auth/jwks")).json()
    header = jwt.get_unverified_header(issued["access_token"])
    assert header["alg"] == "RS256" and header["kid"] in {k["kid"] for k in keys["keys"]}
    assert all("d" not in k for k in keys["keys"])
    claims = jwt.decode(issued["access_token"], options={"verify_signature": False})
    assert claims["iss"] == f"{BASE}/auth" and claims["aud"] == BASE
    assert claims["sub"] == claims["client_id"] == client_id
    assert claims["exp"] - claims["iat"] == 300
    token = issued["access_token"]
    assert (await client.get("/Patient", headers=bearer(token))).status_code == 200
    write = await client.post(
        "/Patient", json={"resourceType": "Patient"}, headers={**FHIR_JSON, **bearer(token)}
    )
    assert write.status_code == 403  # system/Patient.c was registered, but not requested


async def test_scopes_beyond_the_registration_are_not_granted(server):
    client, app = server
    client_id = await register(app, CLIENT_KEY, "system/*.rs")
    wider = await ask(
        client,
        CLIENT_KEY.sign(assertion_claims(client_id)),
        "system/*.cruds system/Patient.c user/*.cruds patient/*.rs openid",
    )
    assert wider.status_code == 200
    assert wider.json()["scope"] == "system/*.rs"
    token = wider.json()["access_token"]
    write = await client.post(
        "/Patient", json={"resourceType": "Patient"}, headers={**FHIR_JSON, **bearer(token)}
    )
    assert write.status_code == 403
    nothing = await ask(client, CLIENT_KEY.sign(assertion_claims(client_id)), "system/Group.c")
    assert nothing.status_code == 400
    assert nothing.json()["error"] == "invalid_scope"


async def test_a_replayed_assertion_is_refused(server):
    client, app = server
    client_id = await register(app, CLIENT_KEY, "system/*.rs")
    assertion = CLIENT_KEY.sign(assertion_claims(client_id))
    assert (await ask(client, assertion)).status_code == 200
    replay = await ask(client, assertion)
    assert replay.status_code == 401
    assert replay.json() == {
        "error": "invalid_client",
        "error_description": "the assertion's jti was already used",
    }
    # The same jti in a freshly signed assertion is a replay too.
    jti = jwt.decode(assertion, options={"verify_signature": False})["jti"]
    again = await ask(client, CLIENT_KEY.sign(assertion_claims(client_id, jti=jti)))
    assert again.status_code == 401


def _bad_assertions(client_id: str) -> dict[str, str]:
    now = int(time.time())
    other = rsa_key(CLIENT_KEY.kid, "RS384")
    return {
        "exp more than five minutes ahead": CLIENT_KEY.sign(
            assertion_claims(client_id, exp=now + 3600)
        ),
        "expired": CLIENT_KEY.sign(assertion_claims(client_id, exp=now - 120)),
        "for another token endpoint": CLIENT_KEY.sign(
            assertion_claims(client_id, aud="https://other.example/token")
        ),
        "for the FHIR base instead of the token endpoint": CLIENT_KEY.sign(
            assertion_claims(client_id, aud=BASE)
        ),
        "sub is not the client": CLIENT_KEY.sign(assertion_claims(client_id, sub="someone")),
        "no jti": CLIENT_KEY.sign(
            {k: v for k, v in assertion_claims(client_id).items() if k != "jti"}
        ),
        "signed by another key": other.sign(assertion_claims(client_id)),
        "an unregistered client": CLIENT_KEY.sign(assertion_claims("nobody")),
        "an unknown kid": rsa_key("other-kid", "RS384").sign(assertion_claims(client_id)),
        "HS256": jwt.encode(
            assertion_claims(client_id),
            "secret-secret-secret-secret-32by",
            algorithm="HS256",
            headers={"kid": CLIENT_KEY.kid},
        ),
    }


async def test_bad_assertions_are_invalid_client(server):
    client, app = server
    client_id = await register(app, CLIENT_KEY, "system/*.rs")
    for problem, assertion in _bad_assertions(client_id).items():
        response = await ask(client, assertion)
        assert response.status_code == 401, problem
        assert response.json()["error"] == "invalid_client", problem
        assert "access_token" not in response.json()


async def test_malformed_token_requests_are_oauth_errors(server):
    client, app = server
    client_id = await register(app, CLIENT_KEY, "system/*.rs")
    good = token_request(CLIENT_KEY.sign(assertion_claims(client_id)), "system/*.rs")
    cases = [
        ({**good, "grant_type": "password"}, FORM, "unsupported_grant_type"),
        ({**good, "client_assertion_type": "x"}, FORM, "invalid_request"),
        ({k: v for k, v in good.items() if k != "client_assertion"}, FORM, "invalid_request"),
        (good, {"content-type": "application/json"}, "invalid_request"),
    ]
    for form, headers, error in cases:
        response = await client.post("/auth/token", data=form, headers=headers)
        assert response.status_code == 400, form
        assert response.json()["error"] == error
    assert (await client.get("/auth/token")).status_code == 405


async def test_a_client_registered_by_jwks_url_uses_its_current_keys(server):
    client, app = server
    key = ec_key("ec-client", "ES384")
    registered = await ClientRegistry(database(app)).add(
        "by-url", ["system/*.rs"], jwks_uri="https://client.example/jwks.json"
    )
    with respx.mock() as mock:
        mock.get("https://client.example/jwks.json").respond(200, json=jwks(key))
        response = await ask(client, key.sign(assertion_claims(registered.client_id)))
    assert response.status_code == 200, response.text


async def test_rotation_keeps_the_previous_public_key_published(server):
    client, app = server
    client_id = await register(app, CLIENT_KEY, "system/*.rs")
    before = (await ask(client, CLIENT_KEY.sign(assertion_claims(client_id)))).json()
    old_kid = jwt.get_unverified_header(before["access_token"])["kid"]
    await app.state.auth.signing_keys.rotate(database(app))
    after = (await ask(client, CLIENT_KEY.sign(assertion_claims(client_id)))).json()
    new_kid = jwt.get_unverified_header(after["access_token"])["kid"]
    assert new_kid != old_kid
    published = {k["kid"] for k in (await client.get("/auth/jwks")).json()["keys"]}
    assert published == {old_kid, new_kid}
    for token in (before["access_token"], after["access_token"]):
        assert (await client.get("/Patient", headers=bearer(token))).status_code == 200


async def test_registration_refuses_what_a_backend_client_cannot_use(server):
    _, app = server
    registry = ClientRegistry(database(app))
    private = CLIENT_KEY.jwk() | {"d": "secret"}
    refused = [
        (["user/*.rs"], {"jwks": jwks(CLIENT_KEY)}, "not a system/ scope"),
        (["system/*.rs?status=active"], {"jwks": jwks(CLIENT_KEY)}, "granular"),
        (["system/*.rs"], {"jwks": {"keys": [private]}}, "private key"),
        (["system/*.rs"], {"jwks": {"keys": []}}, "non-empty"),
        (["system/*.rs"], {"jwks_uri": "http://plain.example/jwks"}, "https"),
    ]
    for scopes, keys, says in refused:
        with pytest.raises(RegistrationError, match=says):
            await registry.add("x", scopes, **keys)
    assert await registry.all() == []


async def test_the_token_endpoint_url_is_the_assertion_audience(server):
    client, app = server
    client_id = await register(app, CLIENT_KEY, "system/*.rs")
    config = (await client.get("/.well-known/smart-configuration")).json()
    assert config["token_endpoint"] == TOKEN_URL
    response = await ask(client, CLIENT_KEY.sign(assertion_claims(client_id, aud=TOKEN_URL)))
    assert response.status_code == 200
