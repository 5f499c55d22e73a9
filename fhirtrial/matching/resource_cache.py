"""Catalog resources (EvidenceVariables, ResearchStudies) of candidate studies, kept per process
as compact JSON by type, id and version.

Stored as orjson bytes (a fraction of the memory of the parsed dict, and cheap to parse back)
in an LRU bounded by their total size (`fhirtrial.lru`), so a warm server answers `$match`
without reading catalog resources from the database: the match index tells which version is
current. Each process's cache is held by its `service.MatchService`.
"""

from __future__ import annotations

from typing import Any

import orjson

from fhirtrial.lru import LRU
from fhirtrial.store.database import Database
from fhirtrial.store.lookup import find_in

_LIMIT_BYTES = 512 * 1024 * 1024

Key = tuple[str, str, int]


class ResourceCache:
    """Resources by (type, id, version), at most ``limit_bytes`` of their JSON in all."""

    def __init__(self, limit_bytes: int = _LIMIT_BYTES) -> None:
        self._entries: LRU[Key, bytes] = LRU(max_weight=limit_bytes, weigh=len)

    def get(self, key: Key) -> dict[str, Any] | None:
        raw = self._entries.get(key)
        if raw is None:
            return None
        resource: dict[str, Any] = orjson.loads(raw)
        return resource

    def put(self, key: Key, resource: dict[str, Any]) -> None:
        self._entries.put(key, orjson.dumps(resource))


async def load_current(
    database: Database, cache: ResourceCache, resource_type: str, wanted: dict[str, int | None]
) -> dict[str, dict[str, Any]]:
    """id → resource for the wanted (id → version) pairs; a version the cache does not hold (or
    None: unknown) is read from the database, whatever its current version is."""
    found: dict[str, dict[str, Any]] = {}
    missing = []
    for rid, version in wanted.items():
        resource = cache.get((resource_type, rid, version)) if version is not None else None
        if resource is None:
            missing.append(rid)
        else:
            found[rid] = resource
    if missing:
        # `_id` alone: SecantusDB scans the whole collection for a filter with a second predicate.
        current = database.collections(resource_type).current
        async for doc in find_in(current, "_id", missing, {"res": 1, "v": 1, "del": 1}):
            if doc["del"]:
                continue
            cache.put((resource_type, doc["_id"], doc["v"]), doc["res"])
            found[doc["_id"]] = doc["res"]
    return found
