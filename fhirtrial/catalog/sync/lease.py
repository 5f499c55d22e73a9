"""The one sync that may run: a lease document in MongoDB, with an expiry.

Several server processes (`FHIRTRIAL_SYNC_INTERVAL`) and cron jobs may try at once; whoever
writes the lease document first runs, the others are told who holds it and until when. The
holder renews the lease while it works; one that crashed stops renewing, and its lease lapses
after `ttl` instead of blocking every later sync."""

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo.errors import DuplicateKeyError

from fhirtrial.store.database import Database

log = logging.getLogger("fhirtrial.sync")

COLLECTION = "sync_lease"
_LEASE_ID = "ctgov-sync"  # one for every scope: all of them write the same catalog
DEFAULT_TTL = timedelta(minutes=10)


@dataclass  # not frozen: raising sets __traceback__
class LeaseHeld(Exception):
    """Another sync holds the lease."""

    holder: str
    since: datetime
    expires: datetime

    def __str__(self) -> str:
        return (
            f"another sync is running ({self.holder}, since {self.since:%Y-%m-%d %H:%M:%S} UTC); "
            f"its lease expires at {self.expires:%Y-%m-%d %H:%M:%S} UTC unless renewed"
        )


class SyncLease:
    def __init__(self, database: Database, *, ttl: timedelta = DEFAULT_TTL) -> None:
        self._leases = database.db[COLLECTION]
        self.ttl = ttl
        self.owner = f"{socket.gethostname()} pid {os.getpid()} ({uuid.uuid4().hex[:8]})"
        self.lost = False

    async def acquire(self) -> None:
        """Take the lease, or raise LeaseHeld: a held lease makes the upsert insert a second
        document with the same id, which the database refuses, atomically."""
        now = datetime.now(UTC)
        try:
            await self._leases.update_one(
                {"_id": _LEASE_ID, "expires": {"$lt": now}},
                {"$set": {"owner": self.owner, "since": now, "expires": now + self.ttl}},
                upsert=True,
            )
        except DuplicateKeyError:
            held = await self._leases.find_one({"_id": _LEASE_ID}) or {}
            raise LeaseHeld(
                str(held.get("owner", "?")),
                _utc(held.get("since", now)),
                _utc(held.get("expires", now)),
            ) from None

    async def renew(self) -> bool:
        """Push the expiry on; False (and `lost`) when the lease is no longer ours (it lapsed
        and another sync took it)."""
        result = await self._leases.update_one(
            {"_id": _LEASE_ID, "owner": self.owner},
            {"$set": {"expires": datetime.now(UTC) + self.ttl}},
        )
        if result.matched_count == 0:
            self.lost = True
        return not self.lost

    async def release(self) -> None:
        await self._leases.delete_one({"_id": _LEASE_ID, "owner": self.owner})

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator["SyncLease"]:
        """Acquire (LeaseHeld if taken), renew every third of the ttl meanwhile, release."""
        await self.acquire()
        renewer = asyncio.create_task(self._keep_renewing())
        try:
            yield self
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            await self.release()

    async def _keep_renewing(self) -> None:
        while not self.lost:
            await asyncio.sleep(self.ttl.total_seconds() / 3)
            try:
                await self.renew()
            except Exception:  # the database may be back by the next round
                log.exception("Could not renew the sync lease")


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
