"""Writing groups of resources as one unit: all their new versions land together or none do.

Used by the importer (a study and its PlanDefinition, EvidenceVariable, Organizations and
Locations). Per batch: one lookup of the current versions per type, one history insert and one
bulk write per type, inside a transaction when the deployment supports them (replica set or
SecantusDB). Unchanged resources are skipped: re-importing identical content makes no version.
"""

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pymongo import InsertOne, ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import AutoReconnect, BulkWriteError, DuplicateKeyError, OperationFailure

from fhirtrial.errors import Conflict
from fhirtrial.store.database import Database, MongoCollection
from fhirtrial.store.documents import (
    SUPERSEDED_FIELDS,
    Stored,
    already_current,
    archive_document,
    new_version,
    now,
    read_version,
)
from fhirtrial.store.lookup import find_in
from fhirtrial.store.string_rows import RowWrite, row_writes, write_rows

log = logging.getLogger("fhirtrial.store")

_ATTEMPTS = 3


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class WrittenBatch:
    """What `write_units` did: "Type/id" → created | updated | unchanged, and every resource of
    the batch as now stored (so a caller can index them without reading them back)."""

    states: dict[str, str] = field(default_factory=dict)
    stored: dict[str, Stored] = field(default_factory=dict)


SearchFields = dict[str, dict[str, Any]]


async def write_units(
    database: Database,
    resources: list[dict[str, Any]],
    search: SearchFields | None = None,
    *,
    anchors: dict[str, str] | None = None,
) -> WrittenBatch:
    """Create or update every resource (each must carry its id) atomically where possible.

    When the same Type/id appears twice, the last one wins. `search` may hold the search fields
    of some resources ("Type/id" → `search_fields` of it), computed elsewhere (the importer's
    worker processes); the others are extracted here.

    `anchors` ("Type/id" → "Type/id" of another resource of the batch) lets a caller say that a
    resource whose id derives from its anchor's cannot exist while the anchor has never been
    stored: such resources are inserted without first looking them up (on SecantusDB the lookup
    of a study's Locations was a large share of an import's database time: bench/README.md).
    Should one exist after all, its insert fails on the duplicate `_id` and the batch is written
    again with every resource looked up. Used only inside a transaction, where the failed attempt
    leaves nothing behind.
    """
    transactions = (await database.capabilities()).transactions
    for attempt in range(_ATTEMPTS):
        trusted = (anchors or {}) if transactions and attempt == 0 else {}
        try:
            if transactions:
                async with (
                    database.client.start_session() as session,
                    await session.start_transaction(),
                ):
                    return await _write(database, resources, search or {}, trusted, session)
            return await _write(database, resources, search or {}, {}, None)
        except (BulkWriteError, DuplicateKeyError, OperationFailure) as exc:
            if attempt == _ATTEMPTS - 1:
                raise Conflict(
                    f"Concurrent writes kept conflicting with this batch: {exc}"
                ) from exc
            log.info("Batch write conflicted (%s); retrying", type(exc).__name__)
        except AutoReconnect:
            # The connection dropped mid-batch: the transaction did not commit, and identical
            # content is skipped on the next attempt, so writing the batch again is safe.
            if attempt == _ATTEMPTS - 1:
                raise
            log.warning("Connection lost during a batch write; retrying")
            await asyncio.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


async def _current_documents(
    collection: MongoCollection, ids: list[str], session: AsyncClientSession | None
) -> dict[str, dict[str, Any]]:
    return {
        doc["_id"]: doc
        async for doc in find_in(collection, "_id", ids, SUPERSEDED_FIELDS, session=session)
    }


async def _write(
    database: Database,
    resources: list[dict[str, Any]],
    search: SearchFields,
    anchors: dict[str, str],
    session: AsyncClientSession | None,
) -> WrittenBatch:
    unique = {f"{r['resourceType']}/{r['id']}": r for r in resources}
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for resource in unique.values():
        by_type[resource["resourceType"]].append(resource)
    # Anchors first, so that whether each was found is known before its dependants are written.
    anchor_types = {anchor.partition("/")[0] for anchor in anchors.values()}
    ordered = sorted(by_type.items(), key=lambda entry: entry[0] not in anchor_types)
    never_stored: set[str] = set()
    outcome = WrittenBatch()
    moment = now()
    for resource_type, items in ordered:
        cols = database.collections(resource_type)
        spec = database.types[resource_type]
        ids = [
            r["id"] for r in items if anchors.get(f"{resource_type}/{r['id']}") not in never_stored
        ]
        current = await _current_documents(cols.current, ids, session)
        history: list[dict[str, Any]] = []
        writes: list[InsertOne[dict[str, Any]] | ReplaceOne[dict[str, Any]]] = []
        rows: list[RowWrite] = []
        for resource in items:
            rid = resource["id"]
            doc = current.get(rid)
            live = doc is not None and not doc["del"]
            key = f"{resource_type}/{rid}"
            if doc is None:
                never_stored.add(key)
            if already_current(doc, resource):
                outcome.states[key] = UNCHANGED
                outcome.stored[key] = read_version(doc)
                continue
            fields, stored = new_version(
                resource,
                rid,
                spec,
                previous=doc,
                moment=moment,
                method="PUT",
                search=search.get(key),
            )
            if doc is None:
                writes.append(InsertOne({"_id": rid, **fields}))
            else:
                history.append(archive_document(rid, doc))
                writes.append(ReplaceOne({"_id": rid, "v": doc["v"]}, fields))
            rows += row_writes(rid, doc, fields)
            outcome.states[key] = UPDATED if live else CREATED
            outcome.stored[key] = stored
        if history:
            await cols.history.insert_many(history, ordered=False, session=session)
        if writes:
            result = await cols.current.bulk_write(writes, ordered=False, session=session)
            expected_replacements = sum(isinstance(w, ReplaceOne) for w in writes)
            if result.matched_count != expected_replacements:
                raise OperationFailure("a resource changed during the batch write")
        strings = await database.strings(resource_type)
        if strings is not None:
            await write_rows(strings, rows, session)
    return outcome
