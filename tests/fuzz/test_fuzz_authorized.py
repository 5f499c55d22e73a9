"""The fuzz run again with authorization required (the default), smaller: the authorization
middleware and the scope and compartment guards parse headers, queries and bodies before the
handlers do, so they meet the same bent requests — anonymously, with good tokens of several
kinds (all-types user, launch patient, read-only, backend client of the built-in server) and
with broken, forged, expired and unsigned ones. The property is that of
tests/fuzz/test_fuzz_interactions.py.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fhirtrial.auth.clients import ClientRegistry
from tests.auth.auth_helpers import (
    BASE,
    FORM,
    ISSUER,
    assertion_claims,
    jwks,
    rsa_key,
    token_request,
    user_claims,
)
from tests.fuzz.fuzz_harness import LiveApp, Sent, fuzz_settings, live_app
from tests.fuzz.fuzz_requests import (
    FUZZ_ID,
    Corpus,
    any_request,
    match_request,
    read_request,
    write_request,
)
from tests.fuzz.fuzz_requests import token_request as token_form
from tests.fuzz.test_fuzz_interactions import (
    exchange_storing_nothing_if_refused,
    seed_fuzz_resources,
)

IDP_KEY = rsa_key("idp-fuzz")
STRANGER_KEY = rsa_key("idp-fuzz")  # same kid, other key: a forged signature
BACKEND_KEY = rsa_key("backend-fuzz", "RS384")


def _bearer(token: str) -> str:
    return f"Bearer {token}"


def _unsigned(claims: dict[str, Any]) -> str:
    def part(value: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _user(scope: str, **claims: Any) -> str:
    return _bearer(IDP_KEY.sign(user_claims(scope=scope, **claims)))


@dataclass
class Secured:
    live: LiveApp
    callers: dict[str, str | None]
    corpus: Corpus


@pytest.fixture(scope="module")
def secured(mongo_url: str) -> Iterator[Secured]:
    with live_app(
        mongo_url,
        identity_keys=(IDP_KEY,),
        auth="required",
        auth_issuer=ISSUER,
        auth_audience=BASE,
    ) as live:
        admin = _user("user/*.cruds")
        callers: dict[str, str | None] = {
            "anonymous": None,
            "admin": admin,
            "launch patient": _user("patient/*.cruds", patient=FUZZ_ID),
            "read-only": _user("user/*.rs"),
            "v1 read": _user("user/*.read"),
            "backend": _bearer(_backend_token(live)),
            "expired": _user("user/*.cruds", exp=int(time.time()) - 3600),
            "wrong audience": _user("user/*.cruds", aud="http://other.test"),
            "forged": _bearer(STRANGER_KEY.sign(user_claims())),
            "alg none": _bearer(_unsigned(user_claims())),
            "garbage": "Bearer a.b.c",
            "empty bearer": "Bearer ",
            "nbsp": "Bearer \u00a0",
            "basic": "Basic dXNlcjpwYXNz",
            "huge": _bearer("a" * 20_000),
        }
        yield Secured(live, callers, seed_fuzz_resources(live, {"authorization": admin}))


def _backend_token(live: LiveApp) -> str:
    registry = ClientRegistry(live.db)
    client = live.run(registry.add("fuzz-backend", ["system/*.cruds"], jwks=jwks(BACKEND_KEY)))
    assertion = BACKEND_KEY.sign(assertion_claims(client.client_id))
    form = "&".join(f"{k}={v}" for k, v in token_request(assertion, "system/*.cruds").items())
    response = live.send(Sent("POST", "/auth/token", FORM, form.encode()))
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _as(caller: str | None, sent: Sent) -> Sent:
    if caller is None:
        return sent
    return Sent(sent.method, sent.url, {**sent.headers, "authorization": caller}, sent.body)


GOOD_CALLERS = ("admin", "launch patient", "read-only", "v1 read", "backend", "anonymous")


def _callers(secured: Secured) -> st.SearchStrategy[str | None]:
    """Callers the server accepts two times in three, refused ones the third."""
    good = st.sampled_from(GOOD_CALLERS)
    return st.one_of(good, good, st.sampled_from(sorted(secured.callers))).map(
        secured.callers.__getitem__
    )


@fuzz_settings(examples=80)
@given(data=st.data())
def test_reads_and_searches_with_any_caller_never_fail(
    secured: Secured, data: st.DataObject
) -> None:
    secured.live.exchange(_as(data.draw(_callers(secured)), data.draw(read_request())))


@fuzz_settings(examples=60)
@given(data=st.data())
def test_writes_and_matches_with_any_caller_store_nothing_when_refused(
    secured: Secured, data: st.DataObject
) -> None:
    sent = data.draw(write_request(secured.corpus) | match_request())
    exchange_storing_nothing_if_refused(secured.live, _as(data.draw(_callers(secured)), sent))


@fuzz_settings(examples=60)
@given(data=st.data())
def test_any_request_with_any_caller_never_fails(secured: Secured, data: st.DataObject) -> None:
    sent = data.draw(any_request() | token_form(BACKEND_KEY.sign(assertion_claims("nobody"))))
    secured.live.exchange(_as(data.draw(_callers(secured)), sent))
