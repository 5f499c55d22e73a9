"""The index collection: its own indexes, and writing entries built from the stored resources
(to the database and, once loaded, to this process's mirror alike)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from pymongo import ASCENDING, ReplaceOne

from fhirtrial.matching.index.documents import (
    IndexEntry,
    evidence_variable_id,
    index_document,
    location_ids,
)
from fhirtrial.matching.service import MatchService
from fhirtrial.store.database import Database, MongoCollection
from fhirtrial.store.lookup import find_in

INDEX = "_match_index"
_BATCH = 200


def index_collection(database: Database) -> MongoCollection:
    return database.db[INDEX]


async def ensure_indexes(service: MatchService) -> None:
    state, database = service.index, service.database
    if state.ready:
        return
    collection = index_collection(database)
    # Only what the sync looks up for stale entries (matching reads the in-memory mirror), and
    # only where its $or can use them: SecantusDB scans for an $or whatever the indexes, so
    # there they would only make each write of an entry dearer.
    wanted = [] if (await database.capabilities()).secantusdb else ["ev_1", "loc_ids_1"]
    for name in wanted:
        await collection.create_index([(name.removesuffix("_1"), ASCENDING)])
    existing = await collection.index_information()
    for unused in ("dx_1", "status_1", "sig_1", "ev_1", "loc_ids_1"):  # earlier versions
        if unused in existing and unused not in wanted:
            await collection.drop_index(unused)
    state.ready = True


async def index_studies(service: MatchService, study_ids: list[str]) -> int:
    """(Re)build the index entries of these studies from the store; returns how many changed."""
    await ensure_indexes(service)
    changed = 0
    for start in range(0, len(study_ids), _BATCH):
        changed += await _index_batch(service, study_ids[start : start + _BATCH])
    return changed


async def _index_batch(service: MatchService, study_ids: list[str]) -> int:
    database = service.database
    studies = await _current(database, "ResearchStudy", study_ids)
    ev_ids = [ev for doc in studies.values() if (ev := evidence_variable_id(doc["res"]))]
    loc_ids = [loc for doc in studies.values() for loc in location_ids(doc["res"])]
    evidence = await _current(database, "EvidenceVariable", ev_ids)
    locations = await _current(database, "Location", loc_ids)
    entries = []
    for doc in studies.values():
        study = doc["res"]
        ev_doc = evidence.get(evidence_variable_id(study) or "")
        sites = {
            loc: (locations[loc]["res"], locations[loc]["v"])
            for loc in location_ids(study)
            if loc in locations
        }
        entries.append(
            index_document(study, doc["v"], (ev_doc["res"], ev_doc["v"]) if ev_doc else None, sites)
        )
    gone = [rid for rid in study_ids if rid not in studies]
    await put_entries(service, entries, gone)
    return len(entries) + len(gone)


async def put_entries(
    service: MatchService, entries: list[IndexEntry], gone: Sequence[str] = ()
) -> None:
    collection = index_collection(service.database)
    if gone:
        await collection.delete_many({"_id": {"$in": list(gone)}})
    if entries:
        # An entry is the whole stored document; the collection's type also covers projected reads.
        await collection.bulk_write(
            [ReplaceOne({"_id": e["_id"]}, cast(dict[str, Any], e), upsert=True) for e in entries],
            ordered=False,
        )
    mirror = service.index.mirror
    if mirror.loaded:
        for entry in entries:
            mirror.put(entry)
        for rid in gone:
            mirror.remove(rid)


async def _current(
    database: Database, resource_type: str, ids: list[str]
) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    # `_id` alone: SecantusDB scans the whole collection for a filter with a second predicate.
    current = database.collections(resource_type).current
    found = find_in(current, "_id", sorted(set(ids)), {"res": 1, "v": 1, "del": 1})
    return {doc["_id"]: doc async for doc in found if not doc["del"]}
