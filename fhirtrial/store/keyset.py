"""Pages of the default order read range by range over the order key, not by skip and limit.

SecantusDB (0.7) reads, decodes and tests every document a query matches before it applies a
sort, a skip or a limit, so `find(...).limit(20)` over 30,000 matches costs the 30,000
(docs/adr/0018). Each stored resource carries an order key `o` (a hash of its id: stable, and
spread evenly however ids are chosen); the default order is (`o`, `_id`). A page is read as
ranges of `o`, each one query served from the index on (`k`, `o`) or on `o` alone, so a query
only ever reads the documents of its range. The first range is sized from the collection's
size to hold about one page; the next ones from the density seen, until the page is full.
The page ends with a position (`o`, `_id`) that the next link carries (`_after`): the next page
starts there however many resources were written or deleted meanwhile, so pages are disjoint
and a resource present throughout is on exactly one of them.

On mongod the same ranges are index range scans over the same compound index.
"""

import math
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from fhirtrial.store.database import MongoCollection
from fhirtrial.store.query import LIVE
from fhirtrial.store.search_keys import KEYS, ORDER, ORDER_SPACE

DEFAULT_ORDER = [(ORDER, 1), ("_id", 1)]
# Up to this many keys (a parameter's codes with and without a system, a short OR) are read key
# by key; more are tested on the documents of each range.
MAX_KEYSET_KEYS = 4
# Fields with an index of their own: a filter on one of them is one index lookup, as before.
_OWN_INDEX = ("_id", "lu", ORDER)
# Over-reading by this factor saves a second range for a page that was just short.
_MARGIN = 1.25
# A range that found nothing is followed by one this many times wider.
_EMPTY_GROWTH = 8

Position = tuple[int, str]


def keyset_filters(flt: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The filters whose union is `flt`, each to be read together with a range of `o`; None
    when `flt` is better read the usual way (a filter on `_id` or `_lastUpdated`, many keys of
    one parameter: one index lookup) or cannot be read by ranges (a top-level `$or`, two
    conditions on one field).

    A single parameter's keys are read one key at a time: each (key, range) is one range of the
    (`k`, `o`) index. Any other filter is read whole, range by range: SecantusDB looks the range
    up in the `o` index (the first field of the filter) and tests the rest on the documents of
    the range only; mongod chooses among its indexes."""
    if flt == LIVE:  # no criteria: deleted resources have no order key
        return [{}]
    condition = flt.get(KEYS) if list(flt) == [KEYS] else None
    if isinstance(condition, dict) and list(condition) == ["$in"]:
        keys = condition["$in"]
        if 0 < len(keys) <= MAX_KEYSET_KEYS:
            return [{KEYS: key} for key in dict.fromkeys(keys)]
        return None  # one index lookup finds them; a few may be all there are
    clauses = flt["$and"] if list(flt) == ["$and"] else [flt]
    merged: dict[str, Any] = {}
    for clause in clauses:
        for name, value in clause.items():
            if name.startswith("$") or name in merged or name in _OWN_INDEX:
                return None
            merged[name] = value
    return [merged]


async def keyset_page(
    collection: MongoCollection,
    filters: Sequence[dict[str, Any]],
    *,
    after: Position | None,
    count: int,
    size_estimate: int,
    projection: dict[str, Any],
    session: AsyncClientSession | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """The first `count` documents after `after` in the default order, and whether more
    follow."""
    need = count + 1
    low = after[0] if after is not None else 0
    width = first_width(need, size_estimate)
    found: dict[str, dict[str, Any]] = {}
    fields = {**projection, ORDER: 1}
    while low < ORDER_SPACE and len(found) < need:
        high = min(ORDER_SPACE, low + width)
        seen = 0
        for flt in filters:
            # The range first: SecantusDB uses the index of the first field it can.
            window = {ORDER: {"$gte": low, "$lt": high}, **flt}
            async for doc in collection.find(window, fields, session=session):
                if after is not None and (doc[ORDER], doc["_id"]) <= after:
                    continue
                if doc["_id"] not in found:
                    found[doc["_id"]] = doc
                    seen += 1
        low = high
        width = next_width(width, seen, need - len(found))
    ordered = sorted(found.values(), key=lambda d: (d[ORDER], d["_id"]))
    return ordered[:count], len(ordered) > count


def position(doc: dict[str, Any]) -> Position:
    return doc[ORDER], doc["_id"]


def first_width(need: int, size_estimate: int) -> int:
    if size_estimate <= need:
        return ORDER_SPACE
    return max(1, math.ceil(ORDER_SPACE * need * _MARGIN / size_estimate))


def next_width(width: int, seen: int, missing: int) -> int:
    if missing <= 0:
        return width
    if seen == 0:
        return width * _EMPTY_GROWTH
    return max(width, math.ceil(width * missing / seen * _MARGIN))
