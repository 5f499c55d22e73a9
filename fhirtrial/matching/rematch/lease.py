"""One re-match job at a time across processes: a lease document with an owner and an expiry.

Taken by inserting it, or by taking over one that expired (an owner that died); renewed by its
owner as the job goes; released at the end. Each step is one atomic single-document write.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo.errors import DuplicateKeyError

from fhirtrial.store.database import Database

STATE = "_rematch"
_LEASE = "lease"


async def acquire(database: Database, owner: str, ttl: timedelta) -> bool:
    now = datetime.now(UTC)
    try:
        await database.db[STATE].insert_one({"_id": _LEASE, "owner": owner, "expires": now + ttl})
        return True
    except DuplicateKeyError:
        pass
    taken = await database.db[STATE].update_one(
        {"_id": _LEASE, "$or": [{"expires": {"$lte": now}}, {"owner": owner}]},
        {"$set": {"owner": owner, "expires": now + ttl}},
    )
    return taken.matched_count == 1


async def renew(database: Database, owner: str, ttl: timedelta) -> bool:
    """Extend the lease; False when another owner took it over (ours had expired)."""
    renewed = await database.db[STATE].update_one(
        {"_id": _LEASE, "owner": owner},
        {"$set": {"expires": datetime.now(UTC) + ttl}},
    )
    return renewed.matched_count == 1


async def release(database: Database, owner: str) -> None:
    await database.db[STATE].delete_one({"_id": _LEASE, "owner": owner})
