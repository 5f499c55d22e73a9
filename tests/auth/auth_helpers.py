"""Real keys and signed JWTs for the authorization tests, an app running with authorization
required (the default), an external identity provider whose discovery document and JWKS are
served by respx, and backend clients registered as `fhirtrial client add` does."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import respx
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import FastAPI
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from fhirtrial.api.app import create_app
from fhirtrial.api.smart.token_endpoint import ASSERTION_TYPE
from fhirtrial.auth.clients import ClientRegistry
from tests.helpers import make_settings

BASE = "http://fhir.test"
TOKEN_URL = f"{BASE}/auth/token"
ISSUER = "https://idp.example/realms/hospital"
JWKS_URL = f"{ISSUER}/protocol/openid-connect/certs"
FORM = {"content-type": "application/x-www-form-urlencoded"}


@dataclass
class Key:
    private: Any
    kid: str
    alg: str

    def jwk(self) -> dict[str, Any]:
        public = self.private.public_key()
        codec = RSAAlgorithm if self.alg.startswith("RS") else ECAlgorithm
        found: dict[str, Any] = codec.to_jwk(public, as_dict=True)
        return found | {"kid": self.kid, "alg": self.alg, "use": "sig"}

    def sign(self, claims: dict[str, Any], **headers: Any) -> str:
        return jwt.encode(
            claims, self.private, algorithm=self.alg, headers={"kid": self.kid, **headers}
        )


def rsa_key(kid: str = "rsa-1", alg: str = "RS256") -> Key:
    return Key(rsa.generate_private_key(public_exponent=65537, key_size=2048), kid, alg)


def ec_key(kid: str = "ec-1", alg: str = "ES256") -> Key:
    curve = ec.SECP256R1() if alg == "ES256" else ec.SECP384R1()
    return Key(ec.generate_private_key(curve), kid, alg)


def jwks(*keys: Key) -> dict[str, Any]:
    return {"keys": [k.jwk() for k in keys]}


def user_claims(**overrides: Any) -> dict[str, Any]:
    """An access token of the external issuer for this server."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": BASE,
        "sub": "dr-who",
        "azp": "ehr-app",
        "scope": "user/*.cruds",
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextlib.asynccontextmanager
async def secured_app(
    mongo_url: str, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    """The app with authorization required (the default setting) behind an httpx client."""
    # These tests send hundreds of refused tokens from one address on purpose; the throttle of
    # repeated 401/403 answers (tests/limits) would turn them into 429s.
    overrides.setdefault("rate_auth_failures_per_minute", 100_000)
    settings = make_settings(mongo_url, auth="required", **overrides)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            yield client, app
        await app.state.context.repository.database.client.drop_database(settings.database)


def serve_identity_provider(mock: respx.MockRouter, *keys: Key) -> respx.Route:
    """The external issuer's discovery document and JWKS; returns the JWKS route."""
    mock.get(f"{ISSUER}/.well-known/openid-configuration").respond(
        200,
        json={
            "issuer": ISSUER,
            "jwks_uri": JWKS_URL,
            "authorization_endpoint": f"{ISSUER}/protocol/openid-connect/auth",
            "token_endpoint": f"{ISSUER}/protocol/openid-connect/token",
            "grant_types_supported": ["authorization_code", "client_credentials"],
        },
    )
    return mock.get(JWKS_URL).respond(200, json=jwks(*keys))


def database(app: FastAPI) -> Any:
    return app.state.context.repository.database.db


def assertion_claims(client_id: str, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": TOKEN_URL,
        "exp": now + 240,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return claims


def token_request(assertion: str, scope: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
        "scope": scope,
    }


async def register(app: FastAPI, key: Key, scopes: str, name: str | None = None) -> str:
    client = await ClientRegistry(database(app)).add(
        name or f"client-{uuid.uuid4().hex[:8]}", scopes.split(), jwks=jwks(key)
    )
    return client.client_id


async def backend_token(
    client: httpx.AsyncClient, app: FastAPI, scopes: str, *, requested: str | None = None
) -> str:
    """Register a backend client with `scopes` and get a token from the token endpoint."""
    key = rsa_key("backend-1", "RS384")
    client_id = await register(app, key, scopes)
    assertion = key.sign(assertion_claims(client_id))
    response = await client.post(
        "/auth/token", data=token_request(assertion, requested or scopes), headers=FORM
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
