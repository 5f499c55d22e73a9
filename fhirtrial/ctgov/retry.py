"""When to retry a request to ClinicalTrials.gov and how long to wait before doing so."""

from __future__ import annotations

import random as _random
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

RETRYABLE_STATUS_CODES = frozenset({429, 500, 502, 503, 504})

# Timeouts, refused/reset connections and a peer that hung up mid-response are transient;
# a malformed URL or an unsupported protocol is not.
RETRYABLE_EXCEPTIONS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def lasting_connect_failure(exc: Exception, url: str) -> str | None:
    """What is wrong when a connection failed for a reason no retry fixes, else None.

    A name that does not resolve (no network, a DNS failure, a mistyped base URL) or a
    certificate that does not verify stays so for the minutes retries span: waiting them out
    only delays the message. Refused or reset connections stay transient."""
    if not isinstance(exc, httpx.ConnectError):
        return None
    host = httpx.URL(url).host
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve {host}: check the network or FHIRTRIAL_CTGOV_BASE_URL"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"the TLS certificate of {host} does not verify: {cause.verify_message}"
    return None


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, what it was raised from or during, and the exceptions those carry as
    arguments (httpcore's ConnectError holds the socket error that way), without repeats: a
    chain may loop."""
    found: list[BaseException] = []
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if any(current is seen for seen in found):
            continue
        found.append(current)
        linked = (current.__cause__, current.__context__, *current.args)
        pending += [item for item in linked if isinstance(item, BaseException)]
    return found


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: retry n waits uniform(0, min(cap, base·2ⁿ))."""

    base: float = 1.0
    cap: float = 60.0
    random: Callable[[], float] = _random.random

    def __post_init__(self) -> None:
        if self.base <= 0 or self.cap <= 0:
            raise ValueError("backoff base and cap must be positive")

    def ceiling(self, retry_number: int) -> float:
        """The longest wait before retry number `retry_number` (0 for the first retry)."""
        return min(self.cap, self.base * 2.0**retry_number)

    def delay(self, retry_number: int) -> float:
        return self.random() * self.ceiling(retry_number)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait according to a Retry-After header (delta-seconds or HTTP-date).

    Returns None when the header is absent or unreadable, 0 for a date in the past.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if seconds == seconds else None  # NaN is unreadable
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # HTTP-dates are always GMT
        moment = moment.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max((moment - now).total_seconds(), 0.0)
