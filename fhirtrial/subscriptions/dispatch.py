"""ResearchSubject versions → queued events, whoever wrote them (REST, `$match` persist, a
re-match, another server process).

Like the match index (fhirtrial.matching.index.sync, docs/adr/0003), the dispatcher reads the
current ResearchSubjects whose `lu` is after its checkpoint, and saves as the next checkpoint the
moment it started minus a settle margin: a write stamped before that moment but visible only
later is still read next time. What it reads again is not queued twice: an event's `_id` is
(Subscription, ResearchSubject, version). Several writes between two rounds make one event, for
the version current when read. Events are numbered per Subscription in the order queued; one
process dispatches at a time (a lease), so numbers are never given twice.
"""

from datetime import datetime, timedelta
from typing import Any

from fhirtrial.store.database import Database
from fhirtrial.subscriptions import records
from fhirtrial.subscriptions.filters import concerns

_CHECKPOINT = "checkpoint"


async def queue_events(
    database: Database,
    subscriptions: list[tuple[dict[str, Any], datetime]],
    *,
    now: datetime,
    margin: timedelta,
) -> int:
    """Queue an event for each (Subscription, ResearchSubject version written since the
    checkpoint) it concerns; `subscriptions` are the ones taking events, each with its start.
    Returns how many were queued. The caller holds the dispatch lease."""
    saved = await records.dispatch(database).find_one({"_id": _CHECKPOINT}, {"at": 1})
    since = saved.get("at") if saved else None
    if since is None:  # first round: from the oldest Subscription on
        since = min((start for _, start in subscriptions), default=now) - margin
    queued = 0
    if subscriptions:
        cursor = database.collections("ResearchSubject").current.find(
            {"lu": {"$gt": since}, "del": False}, {"v": 1, "lu": 1, "res": 1}
        )
        written = [doc async for doc in cursor]
        written.sort(key=lambda doc: (doc["lu"], doc["_id"]))
        for subscription, start in subscriptions:
            queued += await _queue_for(database, subscription, start, written)
    await records.dispatch(database).update_one(
        {"_id": _CHECKPOINT}, {"$set": {"at": now - margin}}, upsert=True
    )
    return queued


async def _queue_for(
    database: Database,
    subscription: dict[str, Any],
    start: datetime,
    written: list[dict[str, Any]],
) -> int:
    sid = subscription["id"]
    wanted = {
        f"{sid}|{doc['_id']}|{doc['v']}": doc
        for doc in written
        if doc["lu"] >= start and concerns(subscription, doc["res"])
    }
    if not wanted:
        return 0
    collection = records.events(database)
    known = {
        doc["_id"] async for doc in collection.find({"_id": {"$in": list(wanted)}}, {"_id": 1})
    }
    number = await records.events_count(database, sid)
    fresh = []
    for key, doc in wanted.items():
        if key in known:
            continue
        number += 1
        fresh.append(
            {
                "_id": key,
                "sub": sid,
                "n": number,
                "at": doc["lu"],
                "focus": f"ResearchSubject/{doc['_id']}",
                "fv": doc["v"],
                "sent": False,
            }
        )
    if fresh:
        await collection.insert_many(fresh)
    return len(fresh)
