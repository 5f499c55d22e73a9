"""The current versions of resources a process has read by id, for `_include`, kept until a
write to them is seen.

A page of ResearchStudies includes hundreds of Locations (573 for the first 20 of the bench's
30,000 studies), and SecantusDB reads a document by `_id` in about 0.1 ms whatever the
projection: `_include=ResearchStudy:site` spent most of its time there (bench/README.md). Sites
are shared by many studies (one academic centre hosts thousands), so a process keeps what it read
as orjson bytes in an LRU bounded in bytes, per type and id.

Before each use a type's ids written since its last check are dropped (store.write_check: one
range query on the indexed `lu`, usually empty). A document read while such a check dropped
entries is not kept: it may be the version the write replaced (`_Type.generation`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from pymongo.asynchronous.client_session import AsyncClientSession

from fhirtrial.lru import LRU
from fhirtrial.store.database import MongoCollection
from fhirtrial.store.documents import WRITE_VISIBLE_WITHIN
from fhirtrial.store.lookup import find_in
from fhirtrial.store.write_check import WriteCheck

# Types never kept: AuditEvents are removed outright by the retention purge, without a stamp.
UNKEPT = frozenset({"AuditEvent"})
_LIMIT_BYTES = 64 * 1024 * 1024


@dataclass
class _Type:
    check: WriteCheck
    # Counts the checks that dropped entries: a read that saw it change keeps nothing.
    generation: int = 0


class CurrentResources:
    """id → current resource of the types a process reads for `_include`, at most
    ``limit_bytes`` of their JSON in all."""

    def __init__(
        self, limit_bytes: int = _LIMIT_BYTES, *, margin: timedelta = WRITE_VISIBLE_WITHIN
    ) -> None:
        self._entries: LRU[tuple[str, str], bytes] = LRU(max_weight=limit_bytes, weigh=len)
        self._types: dict[str, _Type] = {}
        self._margin = margin

    def __len__(self) -> int:
        return len(self._entries)

    def forget(self, resource_type: str, rid: str) -> None:
        """Drop what is kept of one resource: for a change no `lu` stamp tells of (an undone
        write, whose earlier version comes back with its earlier stamp)."""
        self._entries.discard((resource_type, rid))
        if (state := self._types.get(resource_type)) is not None:
            state.generation += 1

    async def read(
        self, resource_type: str, current: MongoCollection, ids: Iterable[str]
    ) -> dict[str, dict[str, Any]]:
        """id → resource for those of `ids` that exist and are not deleted, from `current` (the
        type's collection of current versions) or from what this process read before."""
        wanted = sorted(set(ids))
        if resource_type in UNKEPT:
            return await read_current(current, wanted)
        state = self._types.get(resource_type)
        if state is None:
            state = self._types[resource_type] = _Type(WriteCheck(self._margin))
        await self._drop_written(resource_type, current, state)
        found: dict[str, dict[str, Any]] = {}
        missing = []
        for rid in wanted:
            raw = self._entries.get((resource_type, rid))
            if raw is None:
                missing.append(rid)
            else:
                found[rid] = orjson.loads(raw)
        if missing:
            generation = state.generation
            read = await read_current(current, missing)
            if state.generation == generation:
                for rid, resource in read.items():
                    self._entries.put((resource_type, rid), orjson.dumps(resource))
            found |= read
        return found

    async def _drop_written(
        self, resource_type: str, current: MongoCollection, state: _Type
    ) -> None:
        written = await state.check.written(current, {"_id": 1}) or []
        for doc in written:
            self._entries.discard((resource_type, doc["_id"]))
        if written:
            state.generation += 1


async def read_current(
    current: MongoCollection, ids: list[str], session: AsyncClientSession | None = None
) -> dict[str, dict[str, Any]]:
    """id → resource for those of `ids` in `current` that are not deleted, read now."""
    # `_id` alone (deleted ones skipped here): with a second predicate SecantusDB scans the
    # whole collection.
    found = find_in(current, "_id", ids, {"res": 1, "del": 1}, session=session)
    return {doc["_id"]: doc["res"] async for doc in found if not doc["del"]}
