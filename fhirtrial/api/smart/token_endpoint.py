"""`POST [base]/auth/token`: the SMART Backend Services token endpoint.

`grant_type=client_credentials` with a `private_key_jwt` client assertion (RFC 7523 as SMART
Backend Services profiles it): the assertion is signed with a key of the registered client's
JWKS, `iss` = `sub` = the client id, `aud` = this endpoint's URL, `exp` at most five minutes
ahead and a `jti` never seen before (seen `jti`s are kept until the assertion expires). The
granted scopes are the requested ones as far as the registration allows. Errors are RFC 6749
JSON (`invalid_request`, `invalid_client`, `invalid_scope`, `unsupported_grant_type`), not
OperationOutcomes: this endpoint speaks OAuth.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

import jwt
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fhirtrial.api.context import base_url
from fhirtrial.api.limits import throttle_token_request
from fhirtrial.api.smart.authority import Authority, auth_database, authority
from fhirtrial.auth.clients import Client, ClientRegistry
from fhirtrial.auth.errors import KeysUnavailable
from fhirtrial.auth.jose import LEEWAY_S, TokenProblem, header, public_key, unverified_claims
from fhirtrial.auth.jose import verify as verify_jwt
from fhirtrial.auth.replay import first_use
from fhirtrial.auth.scopes import intersect, parse_scopes, split_scope_string
from fhirtrial.auth.verify import own_issuer

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_LIFETIME_S = 300
SEEN_ASSERTIONS = "_auth_assertion_ids"
_MAX_FORM_BYTES = 64 * 1024
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def response(self, headers: dict[str, str] | None = None) -> Response:
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, status_code=self.status, headers=_NO_STORE | (headers or {}))


def token_url(request: Request) -> str:
    return f"{base_url(request)}/auth/token"


async def token(request: Request) -> Response:
    throttle_token_request(request)  # 429 beyond FHIRTRIAL_RATE_TOKEN_PER_MINUTE per caller
    if request.method != "POST":
        error = OAuthError("invalid_request", "the token endpoint takes a POST", 405)
        return error.response(headers={"Allow": "POST"})
    try:
        form = await _form(request)
        if form.get("grant_type") != "client_credentials":
            raise OAuthError("unsupported_grant_type", "grant_type must be client_credentials")
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise OAuthError("invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}")
        assertion = form.get("client_assertion")
        if not assertion:
            raise OAuthError("invalid_request", "client_assertion is missing")
        db = auth_database(request)
        client = await _authenticated_client(request, db, assertion)
        requested = parse_scopes(split_scope_string(form.get("scope", "")))
        granted = intersect(requested, parse_scopes(client.scopes))
        if not granted:
            raise OAuthError(
                "invalid_scope",
                "none of the requested scopes is registered for this client "
                f"(registered: {' '.join(client.scopes)})",
            )
        scope = " ".join(str(s) for s in granted)
        lifetime = authority(request).settings.auth_token_lifetime_s
        access_token = await _issue(request, authority(request), db, client, scope, lifetime)
    except OAuthError as error:
        return error.response()
    except ConnectionFailure:
        unavailable = OAuthError("temporarily_unavailable", "the database is not reachable", 503)
        return unavailable.response()
    body = {
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": lifetime,
        "scope": scope,
    }
    return JSONResponse(body, headers=_NO_STORE)


async def _form(request: Request) -> dict[str, str]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_FORM_BYTES:
            raise OAuthError("invalid_request", "the request body is too large", 413)
    fields: dict[str, str] = {}
    for name, value in parse_qsl(body.decode("utf-8", errors="replace")):
        if name in fields:
            raise OAuthError("invalid_request", f"'{name}' is given more than once")
        fields[name] = value
    return fields


async def _authenticated_client(
    request: Request, db: AsyncDatabase[dict[str, Any]], assertion: str
) -> Client:
    """The registered client that signed `assertion`, once every RFC 7523 rule holds."""
    try:
        alg, kid = header(assertion)
        client_id = unverified_claims(assertion).get("iss")
        client = await ClientRegistry(db).get(client_id) if isinstance(client_id, str) else None
        if client is None:
            raise TokenProblem("the assertion's iss is not a registered client id")
        key = await _client_key(authority(request), client, kid, alg)
        claims = verify_jwt(
            assertion,
            key,
            alg,
            audience=token_url(request),
            issuer=client.client_id,
            required=("exp", "iss", "sub", "aud", "jti"),
        )
    except TokenProblem as problem:
        raise OAuthError("invalid_client", f"client assertion refused: {problem}", 401) from None
    except KeysUnavailable:
        raise OAuthError("invalid_client", "the client's JWKS URL cannot be fetched", 401) from None
    if claims["sub"] != client.client_id:
        raise OAuthError("invalid_client", "the assertion's sub must be the client id", 401)
    if claims["exp"] > time.time() + MAX_ASSERTION_LIFETIME_S + LEEWAY_S:
        raise OAuthError(
            "invalid_client", "the assertion's exp is more than five minutes ahead", 401
        )
    await _refuse_replay(db, client.client_id, str(claims["jti"]), claims["exp"])
    return client


async def _client_key(authority: Authority, client: Client, kid: str, alg: str) -> jwt.PyJWK:
    if client.jwks_uri is not None:
        return await authority.client_key_set(client.jwks_uri).key(kid, alg)
    for jwk in (client.jwks or {}).get("keys", []):
        if jwk.get("kid") == kid:
            return public_key(jwk, alg)
    raise TokenProblem(f"the client's JWKS has no key '{kid}'")


async def _refuse_replay(
    db: AsyncDatabase[dict[str, Any]], client_id: str, jti: str, exp: float
) -> None:
    if not await first_use(db, SEEN_ASSERTIONS, f"{client_id} {jti}", exp):
        raise OAuthError("invalid_client", "the assertion's jti was already used", 401)


async def _issue(
    request: Request,
    authority: Authority,
    db: AsyncDatabase[dict[str, Any]],
    client: Client,
    scope: str,
    lifetime: int,
) -> str:
    base = base_url(request)
    now = int(time.time())
    claims = {
        "iss": own_issuer(base),
        "sub": client.client_id,
        "aud": base,
        "client_id": client.client_id,
        "scope": scope,
        "iat": now,
        "exp": now + lifetime,
        "jti": secrets.token_urlsafe(16),
    }
    return await authority.signing_keys.sign(db, claims)
