"""What the subscription worker keeps in MongoDB, beside the Subscription resources.

`_subscription_state`, one document per Subscription:
    {_id: <Subscription id>, seen: <version acted on>, phase: handshake | active | error | off,
     start: <when the Subscription was created>, failures, next_try, last_sent, error,
     lease_until, owner}
`_subscription_events`, one per event, written before any delivery is tried:
    {_id: "<Subscription id>|<ResearchSubject id>|<version>", sub, n (eventNumber), at
     (the version's lastUpdated), focus: "ResearchSubject/<id>", fv (its version), sent (bool)}
`_subscription_dispatch`: {_id: "checkpoint", at, lease_until, owner}.
"""

from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from fhirtrial.store.database import Database, MongoCollection

STATE = "_subscription_state"
EVENTS = "_subscription_events"
DISPATCH = "_subscription_dispatch"

# Phases of the state document; the Subscription's status follows them (handshake: requested).
HANDSHAKE, ACTIVE, ERROR, OFF = "handshake", "active", "error", "off"
STATUS_OF_PHASE = {HANDSHAKE: "requested", ACTIVE: "active", ERROR: "error", OFF: "off"}


def state(database: Database) -> MongoCollection:
    return database.db[STATE]


def events(database: Database) -> MongoCollection:
    return database.db[EVENTS]


def dispatch(database: Database) -> MongoCollection:
    return database.db[DISPATCH]


async def ensure_indexes(database: Database) -> None:
    await events(database).create_index([("sub", ASCENDING), ("n", DESCENDING)])
    await events(database).create_index([("sub", ASCENDING), ("sent", ASCENDING), ("n", ASCENDING)])


async def events_count(database: Database, sid: str) -> int:
    """eventsSinceSubscriptionStart: the number of the last event queued for `sid`."""
    last = await events(database).find_one({"sub": sid}, {"n": 1}, sort=[("n", DESCENDING)])
    return int(last["n"]) if last else 0


async def take_lease(
    collection: MongoCollection, key: str, owner: str, now: datetime, length: timedelta
) -> bool:
    """Hold `key` until now + length unless another owner holds it; True when taken."""
    free = {"$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}, {"owner": owner}]}
    try:
        await collection.find_one_and_update(
            {"_id": key, **free},
            {"$set": {"lease_until": now + length, "owner": owner}},
            upsert=True,
        )
    except DuplicateKeyError:  # it exists and someone else holds it
        return False
    return True


async def release(collection: MongoCollection, key: str, owner: str, **fields: Any) -> None:
    await collection.update_one(
        {"_id": key, "owner": owner}, {"$set": {**fields, "lease_until": None, "owner": None}}
    )
