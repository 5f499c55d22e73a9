"""The values of string parameters and the texts of token parameters, kept per process so that a
`:contains` or `:text` search on SecantusDB tests them in memory (docs/adr/0031).

SecantusDB finds a `:contains` match only by testing every string row of the parameter
(store.string_search): about 26 µs a row, 0.85 s for a word no title of a 30,000-study catalog
holds; a token's `:text` (a prefix of any word of its texts) only by testing every document
(~49 s). A process keeps, per type and parameter, id → (order key, the folded values), read once
from the rows, and kept fresh like the resources `_include` keeps (docs/adr/0028): before each use
the documents stamped since the last check (store.write_check) are read and their values replace
what was kept; an undone write, which brings back an earlier stamp, is forgotten by id and read
again. What a search finds here is only a candidate: each one is checked against its document, as
rows are.

Not kept: types larger than MAX_KEPT_SIZE (their first search would read too many rows: they are
searched as before), and more than MAX_HELD_VALUES values in all (the least recently
searched parameter is dropped first).
"""

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fhirtrial.lru import LRU
from fhirtrial.store.database import MongoCollection
from fhirtrial.store.documents import WRITE_VISIBLE_WITHIN
from fhirtrial.store.lookup import find_in
from fhirtrial.store.search_keys import ORDER, ORDER_SPACE, TEXT_KEYS
from fhirtrial.store.string_rows import (
    ORDERED,
    ROW_ID,
    TEXTS,
    TEXTS_ROW,
    TEXTS_SEPARATOR,
    VALUE,
    joined,
    ordered_key,
    string_keys,
    token_texts,
)
from fhirtrial.store.write_check import WriteCheck

MAX_KEPT_SIZE = 200_000
MAX_HELD_VALUES = 2_000_000
# More documents stamped since the last check than this: the rows are read again (a bulk import
# or sync; reading that many documents whole costs more than the rows).
MAX_WRITTEN = 2_000
_FIELDS = {ORDER: 1, TEXT_KEYS: 1, "del": 1}

Kept = dict[str, tuple[int, str]]
"""id → (order key, the parameter's folded values (a token's: its texts from each word on) of the
current version, each after a TEXTS_SEPARATOR: a value found right after one starts a value. A
search value holding the separator only adds a candidate that its document turns down.)"""


@dataclass
class _Parameter:
    check: WriteCheck
    values: Kept = field(default_factory=dict)
    # Ids whose stamp does not tell of their last change (an undo): read again at the next use.
    forgotten: set[str] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    loaded: bool = False


class StringValues:
    """(type, parameter) → the values of its current resources, for one process."""

    def __init__(
        self, *, max_values: int = MAX_HELD_VALUES, margin: timedelta = WRITE_VISIBLE_WITHIN
    ) -> None:
        # (type, parameter) → (values held when read, what is kept).
        self._kept: LRU[tuple[str, str], tuple[int, _Parameter]] = LRU(
            max_weight=max_values, weigh=lambda held: held[0]
        )
        self._margin = margin

    def forget(self, resource_type: str, rid: str) -> None:
        """Read one resource's values again at the next use: for a change no `lu` stamp tells
        of (an undone write, whose earlier version comes back with its earlier stamp)."""
        for (kept_type, _), (_, parameter) in self._kept.items():
            if kept_type == resource_type:
                parameter.forgotten.add(rid)

    async def values(
        self,
        resource_type: str,
        name: str,
        current: MongoCollection,
        strings: MongoCollection,
        size: int,
    ) -> Kept | None:
        """The values of parameter `name` of the type's current resources (`current`, whose
        rows are `strings`), as of now; None for a type of more than MAX_KEPT_SIZE (`size`)."""
        if size > MAX_KEPT_SIZE:
            return None
        key = (resource_type, name)
        held = self._kept.get(key)
        if held is None:
            held = (0, _Parameter(WriteCheck(self._margin)))
            self._kept.put(key, held)  # a concurrent first search waits for this one's read
        parameter = held[1]
        async with parameter.lock:
            if not parameter.loaded:
                await parameter.check.written(current, {"_id": 1})  # sets the moment
                await self._read(key, parameter, strings)
                parameter.loaded = True
            written = await parameter.check.written(current, _FIELDS, limit=MAX_WRITTEN)
            if written is None:
                await self._read(key, parameter, strings)
                written = []
            if parameter.forgotten:
                ids = sorted(parameter.forgotten)
                parameter.forgotten.clear()
                written += [doc async for doc in find_in(current, "_id", ids, _FIELDS)]
                missing = set(ids) - {doc["_id"] for doc in written}
                for rid in missing:
                    parameter.values.pop(rid, None)
            for doc in written:
                _replace(parameter.values, name, doc)
            if written:  # weighed again: the bound holds as values come and go
                self._kept.put(key, (len(parameter.values), parameter))
            return parameter.values

    async def _read(
        self, key: tuple[str, str], parameter: _Parameter, strings: MongoCollection
    ) -> None:
        parameter.forgotten.clear()  # before: one forgotten while the rows are read stays
        parameter.values = await _read_rows(strings, key[1])
        self._kept.put(key, (len(parameter.values), parameter))


async def _read_rows(strings: MongoCollection, name: str) -> Kept:
    """The parameter's values as its rows hold them (one range of the `po` index). A resource
    with rows of two versions (one left behind) keeps the values of both: candidates."""
    texts = name.endswith(":text")
    row = TEXTS_ROW if texts else name
    rows = strings.find(
        {ORDERED: {"$gte": ordered_key(row, 0), "$lt": ordered_key(row, ORDER_SPACE)}},
        {"_id": 0, ROW_ID: 1, ORDER: 1, f"{TEXTS}.{name}" if texts else VALUE: 1},
    )
    prefix = f"{name}~"
    values: dict[str, tuple[int, list[str]]] = {}
    async for found in rows:
        if texts:
            value = found.get(TEXTS, {}).get(name)  # already joined
        else:
            value = TEXTS_SEPARATOR + found[VALUE].removeprefix(prefix)
        if value:
            values.setdefault(found[ROW_ID], (found[ORDER], []))[1].append(value)
    return {rid: (order, "".join(held)) for rid, (order, held) in values.items()}


def _replace(values: Kept, name: str, document: dict[str, Any]) -> None:
    """Put a current document's values of the parameter in place of what was kept of it."""
    if name.endswith(":text"):
        text = token_texts(document).get(name, "")
    else:
        prefix = f"{name}~"
        text = joined(
            [k.removeprefix(prefix) for k in string_keys(document) if k.startswith(prefix)]
        )
    if text and document.get(ORDER) is not None:
        values[document["_id"]] = (document[ORDER], text)
    else:
        values.pop(document["_id"], None)
