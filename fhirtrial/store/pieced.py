"""A search whose whole filter is one long `$in` (a resolved chain or `_has`, a long list of ids
or references), run in pieces.

SecantusDB compares every document an `$in` finds against the whole list again
(store/lookup.py), so one query with 500 values over 1,000 matches costs 500,000 comparisons
(3.7 s measured, docs/adr/0014). In pieces of 32 the same matches cost 32 comparisons each
(108 ms).
The matches' ids and update times are collected (at most MAX_PIECED_MATCHES), ordered by `_id`,
`_lastUpdated` or the default order (store.keyset) here, and the page read by id. Other filters
and orders take the usual path.
"""

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from fhirtrial.store.database import MongoCollection
from fhirtrial.store.lookup import IN_PIECE, find_in
from fhirtrial.store.query import LIVE
from fhirtrial.store.search_keys import KEYS, ORDER

MAX_PIECED_MATCHES = 10_000


def long_in(flt: dict[str, Any]) -> tuple[str, list[Any], bool] | None:
    """(field, values, live_only) when `flt` is one `$in` on the keys or on `_id` (with the
    liveness test `mongo_filter` adds to an `_id` filter) longer than one piece."""
    clauses = flt["$and"] if list(flt) == ["$and"] else [flt]
    live_only = LIVE in clauses
    rest = [c for c in clauses if c != LIVE]
    if len(rest) != 1 or len(rest[0]) != 1:
        return None
    field, condition = next(iter(rest[0].items()))
    if field not in (KEYS, "_id") or not isinstance(condition, dict) or list(condition) != ["$in"]:
        return None
    values = condition["$in"]
    if len(values) <= IN_PIECE:
        return None
    return field, list(values), live_only


async def first_matches(
    collection: MongoCollection,
    flt: dict[str, Any],
    projection: dict[str, Any],
    limit: int,
    session: AsyncClientSession | None = None,
) -> list[dict[str, Any]]:
    """At most `limit` documents matching `flt` (in no particular order), a long `$in` in
    pieces."""
    pieced = long_in(flt)
    if pieced is None:
        return await collection.find(flt, projection, session=session).limit(limit).to_list(limit)
    field, values, live_only = pieced
    found: dict[str, dict[str, Any]] = {}
    async for doc in find_in(collection, field, values, {**projection, "del": 1}, session=session):
        if not (live_only and doc.get("del")):
            found[doc["_id"]] = doc
            if len(found) >= limit:
                break
    return list(found.values())


async def pieced_matches(
    collection: MongoCollection,
    field: str,
    values: list[Any],
    live_only: bool,
    sort: list[tuple[str, int]],
    session: AsyncClientSession | None = None,
) -> list[str] | None:
    """The ids of the matches in `sort` order (`_id`, `lu`; the default order without one),
    None when there are more than MAX_PIECED_MATCHES (the caller then runs the one query)."""
    found: dict[str, dict[str, Any]] = {}
    fields = {"lu": 1, "del": 1, ORDER: 1}
    async for doc in find_in(collection, field, values, fields, session=session):
        if live_only and doc.get("del"):
            continue
        found[doc["_id"]] = doc
        if len(found) > MAX_PIECED_MATCHES:
            return None
    docs = sorted(found.values(), key=lambda d: d["_id"])
    if not sort:
        docs.sort(key=lambda d: d.get(ORDER, 0))
    for key, direction in reversed(sort):
        docs.sort(key=lambda d: d[key], reverse=direction < 0)
    return [d["_id"] for d in docs]
