"""Per-client rate limits: token buckets kept in this server process.

Each limit allows `per_minute` requests a minute on average and a burst of as many at once; a
caller over it gets 429 with `Retry-After` and an OperationOutcome (`throttled`). Callers are
told apart by `principal(request).client_id` when the authorization layer established one, else
by the socket's address (never a forwarded header). Buckets live in this process: with several
server processes behind a balancer each process counts on its own (documented in the README).

- `throttle(request, "match")`, `throttle(request, "import")`, `throttle(request, "token")`: call
  at the start of a handler (the token endpoint calls `throttle_token_request`).
- `SearchAdmission`: searches (and history) go to the database a few at a time.
- `AuthFailureThrottle` (ASGI middleware) counts the 401 and 403 answers per address; an address
  that used up its failures gets 429 for every request until its bucket refills.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from fhirtrial.api.responses import fhir_response
from fhirtrial.auth.classify import classify, route_path
from fhirtrial.auth.policy import PUBLIC_TYPES
from fhirtrial.auth.principal import principal
from fhirtrial.config import Settings
from fhirtrial.errors import FHIRError
from fhirtrial.lru import LRU
from fhirtrial.resources.outcome import operation_outcome

# Callers remembered per limit; the least recently seen beyond this start again with a full
# bucket (memory stays bounded whatever the number of addresses).
_MAX_CALLERS = 100_000
_AUTH_FAILURE_STATUSES = {401, 403}


class Throttled(FHIRError):
    def __init__(self, what: str, retry_after_s: float, setting: str) -> None:
        seconds = max(1, math.ceil(retry_after_s))
        super().__init__(
            429,
            "throttled",
            f"Too many {what} from this client; try again in {seconds} s ({setting})",
            headers={"Retry-After": str(seconds)},
        )


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimit:
    """A token bucket per caller: `per_minute` on average, bursts of as many; 0 disables."""

    def __init__(self, per_minute: float, what: str, setting: str) -> None:
        self.capacity = per_minute
        self.per_second = per_minute / 60
        self.what = what
        self.setting = setting
        self._buckets: LRU[str, _Bucket] = LRU(_MAX_CALLERS)

    def _bucket(self, caller: str, now: float) -> _Bucket:
        bucket = self._buckets.get(caller)
        if bucket is None:
            bucket = _Bucket(self.capacity, now)
            self._buckets.put(caller, bucket)
        else:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.per_second)
            bucket.at = now
        return bucket

    def wait(self, caller: str, now: float | None = None) -> float:
        """Seconds until `caller` may go on (0: now), without using anything up."""
        if self.capacity <= 0:
            return 0.0
        bucket = self._bucket(caller, time.monotonic() if now is None else now)
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.per_second

    def take(self, caller: str, now: float | None = None) -> None:
        """Use one request of `caller`'s allowance; Throttled if none is left."""
        if self.capacity <= 0:
            return
        bucket = self._bucket(caller, time.monotonic() if now is None else now)
        if bucket.tokens < 1:
            raise Throttled(self.what, (1 - bucket.tokens) / self.per_second, self.setting)
        bucket.tokens -= 1

    def spend(self, caller: str, now: float | None = None) -> None:
        """Use one of `caller`'s allowance, as far as there is any (failures already made)."""
        if self.capacity > 0:
            bucket = self._bucket(caller, time.monotonic() if now is None else now)
            bucket.tokens = max(0.0, bucket.tokens - 1)


class RateLimits:
    """The limits of one server process (kept on `app.state.limits`)."""

    def __init__(self, settings: Settings) -> None:
        self.limits = {
            "match": RateLimit(
                settings.rate_match_per_minute, "$match requests", "FHIRTRIAL_RATE_MATCH_PER_MINUTE"
            ),
            "import": RateLimit(
                settings.rate_import_per_minute,
                "$import requests",
                "FHIRTRIAL_RATE_IMPORT_PER_MINUTE",
            ),
            "token": RateLimit(
                settings.rate_token_per_minute, "token requests", "FHIRTRIAL_RATE_TOKEN_PER_MINUTE"
            ),
            "auth-failure": RateLimit(
                settings.rate_auth_failures_per_minute,
                "failed authentication attempts",
                "FHIRTRIAL_RATE_AUTH_FAILURES_PER_MINUTE",
            ),
        }


def caller(request: Request) -> str:
    """Who a limit counts: the authenticated client, else the socket's address."""
    client_id = principal(request).client_id
    if client_id is not None:
        return f"client:{client_id}"
    return f"address:{socket_address(request.scope)}"


def socket_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def throttle(request: Request, limit: str) -> None:
    """Count one `limit` request ("match", "import", "token") of this caller; 429 beyond it."""
    limits: RateLimits = request.app.state.limits
    limits.limits[limit].take(caller(request))


def throttle_token_request(request: Request) -> None:
    """For the token endpoint: count one token request of this caller; 429 beyond the limit."""
    throttle(request, "token")


class AuthFailureThrottle:
    """429 for an address that failed authentication or authorization (401, 403) too often.

    Counted per socket address: a caller that fails authentication is not known by any other
    name. Must wrap the authorization layer, so that its 401 and 403 answers pass through here."""

    def __init__(self, app: ASGIApp, *, limit: RateLimit) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        address = socket_address(scope)
        wait = self.limit.wait(address)
        if wait > 0 and _refusable(scope):
            error = Throttled(self.limit.what, wait, self.limit.setting)
            body = operation_outcome(error.issues)
            response = fhir_response(None, body, status=error.status, headers=error.headers)
            await response(scope, receive, send)
            return

        async def send_counted(message: MutableMapping[str, Any]) -> None:
            if (
                message["type"] == "http.response.start"
                and message["status"] in _AUTH_FAILURE_STATUSES
            ):
                self.limit.spend(address)
            await send(message)

        await self.app(scope, receive, send_counted)


def _refusable(scope: Scope) -> bool:
    """Whether a throttled address's request may be refused before authorization: only one
    without credentials that needs them. Behind a proxy every client shares one address; a
    client presenting a token (verified next, and counted if it fails) and anonymous reads of
    the public catalog must not be locked out by someone else's failures there."""
    headers = dict(scope.get("headers") or ())
    if headers.get(b"authorization"):
        return False
    interaction = classify(scope["method"], route_path(scope))
    if interaction is None or interaction.is_system:  # anonymous: the public catalog only
        return False
    public = interaction.resource_type in PUBLIC_TYPES and interaction.permission in ("r", "s")
    return not public


class SearchAdmission:
    """At most `concurrent` searches of this process at the database at once; the others wait
    their turn (within their time budget). A search may scan (`:contains`, `_include` of
    1,000 studies): a few at a time keep the database free for reads by id, which are not
    limited."""

    def __init__(self, concurrent: int) -> None:
        self._slots = asyncio.Semaphore(concurrent) if concurrent > 0 else None

    @contextlib.asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        if self._slots is None:
            yield
            return
        async with self._slots:
            yield


def search_admission(request: Request) -> SearchAdmission:
    admission: SearchAdmission = request.app.state.search_admission
    return admission
