"""A rate limiter that spaces out request starts, safe for concurrent asyncio callers."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """At most `requests_per_minute` starts per minute, after an initial burst of `burst`.

    This is the generic cell rate algorithm (a token bucket expressed as a schedule): each
    `acquire()` books the earliest free slot and then sleeps until it. Booking has no `await`
    inside, so concurrent tasks of one event loop always get distinct slots, in arrival order,
    without a lock held across the sleep. A task cancelled while waiting leaves its slot unused,
    which errs on the polite side. Not meant to be shared between threads or event loops.
    """

    def __init__(
        self,
        requests_per_minute: float,
        *,
        burst: int = 1,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not requests_per_minute > 0:
            raise ValueError(f"requests_per_minute must be positive, got {requests_per_minute}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        self.interval = 60.0 / requests_per_minute
        self._burst_allowance = (burst - 1) * self.interval
        self._clock = clock
        self._sleep = sleep
        # When the next request would start if requests were perfectly evenly spaced.
        self._next_theoretical_start = -math.inf

    async def acquire(self) -> None:
        """Wait until this caller may start one request."""
        delay = self._book_slot()
        if delay > 0:
            await self._sleep(delay)

    def pause(self, seconds: float) -> None:
        """Start no request for `seconds` from now (e.g. after a 429 with Retry-After)."""
        resume_at = self._clock() + max(seconds, 0.0)
        self._next_theoretical_start = max(
            self._next_theoretical_start, resume_at + self._burst_allowance
        )

    def _book_slot(self) -> float:
        now = self._clock()
        theoretical = max(self._next_theoretical_start, now)
        start = max(now, theoretical - self._burst_allowance)
        self._next_theoretical_start = theoretical + self.interval
        return start - now
