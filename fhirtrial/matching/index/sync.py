"""Bringing the match index up to date before a match, whoever wrote the catalog.

Every watched write up to the settled moment (kept in `_match_sync` and by this process) is
indexed; `sync_index` re-indexes the studies whose study, criteria or sites were written since
and whose entry was built from other versions, then moves the settled moment forward.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from fhirtrial.matching.index.collection import ensure_indexes, index_collection, index_studies
from fhirtrial.matching.index.documents import IndexEntry
from fhirtrial.matching.index.mirror import IndexMirror
from fhirtrial.matching.service import MatchService
from fhirtrial.store.database import Database
from fhirtrial.store.lookup import find_in

SYNC = "_match_sync"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The resource types an index entry is built from.
WATCHED = ("ResearchStudy", "EvidenceVariable", "Location")
_FEW = 100


async def saved_settled(database: Database) -> datetime:
    """The settled moment last saved by any process (the epoch: none yet)."""
    saved = await database.db[SYNC].find_one({"_id": "settled"})
    return saved["at"] if saved else EPOCH


async def save_settled(database: Database, moment: datetime) -> None:
    await database.db[SYNC].replace_one(
        {"_id": "settled"}, {"_id": "settled", "at": moment}, upsert=True
    )


async def sync_index(service: MatchService) -> int:
    """Re-index the studies whose study, criteria or sites changed since the last sync."""
    await ensure_indexes(service)
    state, database = service.index, service.database
    async with state.lock:
        started = datetime.now(UTC)
        if state.settled is None or state.persisted is None:  # set together
            state.settled = await saved_settled(database)
            state.persisted = state.settled
        if not state.mirror.loaded:
            # Loaded before looking for changes, so every change after `settled` reaches it.
            entries = await index_collection(database).find({}).to_list(None)
            state.mirror.replace_all(cast(list[IndexEntry], entries))
        changed = {
            resource_type: await _written_since(database, resource_type, state.settled)
            for resource_type in WATCHED
        }
        stale, affected = await _stale_studies(database, changed)
        if stale:
            await index_studies(service, sorted(stale))
        if affected - stale:  # re-indexed by another process: copy its entries
            await _refresh_mirror(database, state.mirror, affected - stale)
        settled = max(state.settled, started - state.settle_margin)
        state.settled = settled
        if stale or any(changed.values()) or settled - state.persisted > timedelta(minutes=1):
            await save_settled(database, settled)
            state.persisted = settled
        return len(stale)


async def _written_since(
    database: Database, resource_type: str, since: datetime
) -> dict[str, int | None]:
    cursor = database.collections(resource_type).current.find(
        {"lu": {"$gt": since}}, {"_id": 1, "v": 1, "del": 1}
    )
    return {doc["_id"]: (None if doc["del"] else doc["v"]) async for doc in cursor}


async def _refresh_mirror(database: Database, mirror: IndexMirror, ids: set[str]) -> None:
    found = {
        doc["_id"]: doc async for doc in find_in(index_collection(database), "_id", sorted(ids))
    }
    for rid in ids:
        if rid in found:
            mirror.put(cast(IndexEntry, found[rid]))
        else:
            mirror.remove(rid)


async def _stale_studies(
    database: Database, changed: dict[str, dict[str, int | None]]
) -> tuple[set[str], set[str]]:
    """(studies whose index entry is out of date, studies touched by the changes)."""
    studies, criteria, sites = (changed[t] for t in WATCHED)
    if not (studies or criteria or sites):
        return set(), set()
    fields = {"rs_v": 1, "ev": 1, "ev_v": 1, "loc_ids": 1, "loc_v": 1}
    collection = index_collection(database)
    if len(studies) + len(criteria) + len(sites) > _FEW:
        # One scan of the (small) index documents beats large $in lists.
        cursor = collection.find({}, fields)
    else:
        cursor = collection.find(
            {
                "$or": [
                    {"_id": {"$in": list(studies)}},
                    {"ev": {"$in": list(criteria)}},
                    {"loc_ids": {"$in": list(sites)}},
                ]
            },
            fields,
        )
    stale, affected = set(studies), set(studies)
    async for doc in cursor:
        rid = doc["_id"]
        if rid in studies and studies[rid] == doc["rs_v"]:
            stale.discard(rid)
        if doc.get("ev") in criteria:
            affected.add(rid)
            if criteria[doc["ev"]] != doc["ev_v"]:
                stale.add(rid)
        versions = doc.get("loc_v") or {}
        touched = [loc for loc in doc.get("loc_ids") or () if loc in sites]
        if touched:
            affected.add(rid)
            if any(versions.get(loc) != sites[loc] for loc in touched):
                stale.add(rid)
    return stale, affected


async def rebuild_index(service: MatchService) -> int:
    database = service.database
    await ensure_indexes(service)
    await index_collection(database).delete_many({})
    ids = [
        doc["_id"]
        async for doc in database.collections("ResearchStudy").current.find(
            {"del": False}, {"_id": 1}
        )
    ]
    count = await index_studies(service, ids)
    state = service.index
    state.settled = None
    state.mirror = IndexMirror()
    await database.db[SYNC].delete_many({})
    await sync_index(service)
    return count
