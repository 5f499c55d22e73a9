"""Does the database answer at all? Asked on a connection of its own, with a short timeout.

The driver's own timeouts cannot tell a hung database (paused, SIGSTOP, a dead network path)
from a healthy one that is slow for a large search: a socket timeout short enough for the first
would cut the second. A ping on a separate client can: a healthy database answers it in a
millisecond however busy the request's query is. Concurrent askers share one ping in flight.
"""

import asyncio
import logging
from typing import Any

import pymongo
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

log = logging.getLogger("fhirtrial.store")

# A ping answered this recently stands for the next askers (many slow requests, one ping).
_FRESH_SECONDS = 0.25


class DatabaseProbe:
    def __init__(self, url: str, timeout_ms: int) -> None:
        self.timeout_s = timeout_ms / 1000
        self._client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            url,
            serverSelectionTimeoutMS=timeout_ms,
            connectTimeoutMS=timeout_ms,
            socketTimeoutMS=timeout_ms,
            maxPoolSize=2,
            appname="fhirtrial-probe",
        )
        self._pending: asyncio.Task[bool] | None = None
        self._answered_at = float("-inf")

    async def answers(self) -> bool:
        """True if the database answered a ping within the timeout (or very recently)."""
        loop = asyncio.get_running_loop()
        if loop.time() - self._answered_at < _FRESH_SECONDS:
            return True
        if self._pending is None or self._pending.done():
            self._pending = asyncio.create_task(self._ping())
        # Shielded: one asker giving up must not cancel the ping the others wait for.
        return await asyncio.shield(self._pending)

    async def _ping(self) -> bool:
        try:
            with pymongo.timeout(self.timeout_s):
                await self._client.admin.command("ping")
        except PyMongoError as error:
            log.warning(
                "The database did not answer a ping within %.1f s: %s", self.timeout_s, error
            )
            return False
        self._answered_at = asyncio.get_running_loop().time()
        return True

    async def close(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
        await self._client.close()
