"""The server the fuzz runs talk to, and the property every answer must have.

Hypothesis drives synchronous test functions, so the app (and its database client and audit
writer) runs on an event loop of its own in a background thread; each generated request is sent
to it there and waited for with a timeout, so that a hang fails the run like a 500 does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote

import httpx
import respx
from fastapi import FastAPI
from fhir.resources import get_fhir_model_class
from fhir.resources.R4B import get_fhir_model_class as get_r4_model_class
from hypothesis import HealthCheck, settings

from fhirtrial.api.app import create_app
from fhirtrial.config import Settings
from tests.auth.auth_helpers import Key, serve_identity_provider
from tests.helpers import make_settings

BASE = "http://fhir.test"
CTGOV = "http://ctgov.test/api/v2"
CTGOV_RECORD = Path(__file__).parents[1] / "data" / "ctgov" / "NCT02513394.json"
# Far above what a healthy in-process request takes on a loaded 2-core machine; a request that
# takes longer is a hang.
ANSWER_TIMEOUT_S = 45.0
# The rate limits and the auth-failure throttle would answer most of a fuzz run with 429s.
UNLIMITED = {
    "rate_match_per_minute": 0,
    "rate_import_per_minute": 0,
    "rate_token_per_minute": 0,
    "rate_auth_failures_per_minute": 0,
}

# FHIRTRIAL_FUZZ_SCALE=10 runs ten times the examples (a deeper run by hand; the suite runs 1).
SCALE = int(os.environ.get("FHIRTRIAL_FUZZ_SCALE", "1"))

T = TypeVar("T")


def fuzz_settings(examples: int) -> Any:
    """Seeded (the same examples every run), bounded, and leaving no example database behind."""
    return settings(
        max_examples=examples * SCALE,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@dataclass(frozen=True)
class Sent:
    """One generated request, as sent."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    def describe(self) -> str:
        shown = (self.body or b"")[:400]
        return f"{self.method} {self.url[:400]} headers={self.headers} body={shown!r}"


class LiveApp:
    """The app with its lifespan running on a private event loop, in a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._lifespan: contextlib.AbstractAsyncContextManager[None] | None = None
        self.app: FastAPI = create_app(settings)

    def start(self) -> None:
        self._thread.start()
        self.run(self._open())

    def stop(self) -> None:
        try:
            self.run(self._close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)
            self.loop.close()

    async def _open(self) -> None:
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()

    async def _close(self) -> None:
        assert self._lifespan is not None
        await self.app.state.context.repository.database.client.drop_database(
            self.settings.database
        )
        await self._lifespan.__aexit__(None, None, None)

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = ANSWER_TIMEOUT_S) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def send(self, sent: Sent) -> httpx.Response:
        try:
            return self.run(_call(self.app, sent))
        except TimeoutError:
            raise AssertionError(f"No answer in {ANSWER_TIMEOUT_S} s: {sent.describe()}") from None

    def exchange(self, sent: Sent) -> httpx.Response:
        response = self.send(sent)
        check_answer(sent, response)
        return response

    @property
    def db(self) -> Any:
        return self.app.state.context.repository.database.db

    def versions_written(self, *resource_types: str) -> int:
        """Every version ever stored of these types: any create, update or delete adds one."""

        async def count() -> int:
            total = 0
            for name in resource_types:
                total += await self.db[f"{name}_history"].count_documents({})
            return total

        return self.run(count())


def _target_bytes(text: str, *, ascii_only: bool) -> bytes:
    """What an HTTP/1.1 server lets through in a request target: no controls, no spaces (the
    client escapes those); in the query, other bytes (UTF-8) reach the app as sent, while in the
    path uvicorn takes ASCII only (clients escape the rest)."""
    return "".join(
        c if " " < c < "\x7f" or (c > "\x7f" and not ascii_only) else quote(c) for c in text
    ).encode()


async def _call(app: FastAPI, sent: Sent) -> httpx.Response:
    """One request straight through ASGI, as uvicorn hands it over: the raw query string, the
    percent-decoded path, header values as bytes. (httpx's own client refuses to send much of
    what the fuzz generates.) An unhandled error is answered 500, as the real server does."""
    raw_path, _, query = sent.url.partition("?")
    raw = _target_bytes(raw_path, ascii_only=True)
    headers = [(b"host", b"fhir.test")] if "host" not in sent.headers else []
    headers += [(k.lower().encode(), v.encode()) for k, v in sent.headers.items()]
    body = sent.body or b""
    if body or sent.method in ("POST", "PUT", "PATCH"):
        headers.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": sent.method,
        "scheme": "http",
        "path": unquote(raw.decode("ascii")),
        "raw_path": raw,
        "root_path": "",
        "query_string": _target_bytes(query, ascii_only=False),
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("fhir.test", 80),
        "state": {},
    }
    received = False
    started: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal received
        if received:
            await asyncio.Event().wait()  # the client stays connected
        received = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    try:
        await app(scope, receive, send)
    except Exception:  # Starlette re-raises after sending its 500
        if not started:
            return httpx.Response(500, content=b"unhandled error, no answer sent")
    return httpx.Response(
        started["status"],
        headers=[(k, v) for k, v in started.get("headers", [])],
        content=b"".join(chunks),
    )


@contextlib.contextmanager
def live_app(
    mongo_url: str, *, identity_keys: tuple[Key, ...] = (), **overrides: Any
) -> Iterator[LiveApp]:
    """The app on a fresh database with the two seed trials, CT.gov (and the external identity
    provider, given its keys) answered by respx."""
    values: dict[str, Any] = {
        **UNLIMITED,
        "load_seeds": True,
        "ctgov_base_url": CTGOV,
        "ctgov_requests_per_minute": 1_000_000,
    }
    values.update(overrides)
    app = LiveApp(make_settings(mongo_url, **values))
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as ctgov:
        record = json.loads(CTGOV_RECORD.read_text())
        ctgov.get(f"{CTGOV}/studies/NCT02513394").respond(200, json=record)
        ctgov.route(host="ctgov.test").respond(404, json={"message": "not found"})
        if identity_keys:
            serve_identity_provider(ctgov, *identity_keys)
        app.start()
        try:
            yield app
        finally:
            app.stop()


def check_answer(sent: Sent, response: httpx.Response) -> None:
    """The property: never a 5xx but a 503 with Retry-After; every error an OperationOutcome
    (OAuth's JSON error on the token endpoint); every resource sent valid FHIR R5."""
    where = f"{response.status_code} for {sent.describe()}\n{response.text[:2000]}"
    status = response.status_code
    assert status < 500 or (status == 503 and "retry-after" in response.headers), where
    if sent.method == "HEAD":  # the status of the GET, without its body
        return
    if status in (204, 304) or not response.content:
        assert status < 400, f"an error without a body: {where}"
        return
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"not JSON: {where}") from None
    if status >= 400 and _oauth_answer(sent):
        assert isinstance(body, dict) and isinstance(body.get("error"), str), where
        return
    if status >= 400 and not _import_failures(sent, body):
        assert isinstance(body, dict) and body.get("resourceType") == "OperationOutcome", where
    if isinstance(body, dict) and "resourceType" in body:
        # An answer in R4 (fhirVersion=4.0 asked for) is validated as R4 (R4B's models).
        r4 = "fhirversion=4.0" in response.headers.get("content-type", "").lower()
        models = get_r4_model_class if r4 else get_fhir_model_class
        try:
            models(body["resourceType"]).model_validate(body)
        except Exception as error:
            raise AssertionError(f"invalid FHIR ({error}): {where}") from None


def _import_failures(sent: Sent, body: Any) -> bool:
    """`$import` answers 422 when every study failed, with its documented Parameters result whose
    `outcome` is the OperationOutcome naming each failure."""
    if "/$import" not in sent.url or not isinstance(body, dict):
        return False
    outcomes = [
        p.get("resource", {}).get("resourceType")
        for p in body.get("parameter", [])
        if p.get("name") == "outcome"
    ]
    return body.get("resourceType") == "Parameters" and outcomes == ["OperationOutcome"]


def _oauth_answer(sent: Sent) -> bool:
    """The token endpoint answers in OAuth's JSON every method it routes (OPTIONS, HEAD and
    TRACE get the router's 405 OperationOutcome, as on every path)."""
    path = sent.url.split("?")[0].rstrip("/")
    return path.endswith("/auth/token") and sent.method in ("GET", "POST", "PUT", "DELETE", "PATCH")
