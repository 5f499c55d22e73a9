"""Connection to MongoDB, collections per resource type, and the indexes they need."""

import logging
import time
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from fhirtrial.resources.registry import ResourceType
from fhirtrial.store.collection_size import estimated_size
from fhirtrial.store.search_keys import search_fields
from fhirtrial.store.string_rows import STRINGS_SUFFIX, ensure_row_indexes, rebuild_rows

log = logging.getLogger("fhirtrial.store")

# The driver's collections hold and return documents as dicts.
MongoCollection = AsyncCollection[dict[str, Any]]

CONDITIONAL_GUARDS = "_conditional_guards"
STORE_META = "_store_meta"
# Version 2: string keys moved from `k` to `t`, fewer redundant keys (see store.search_keys).
# Version 3: keys for the identifiers of References (`subject:identifier=…`).
# Version 4: string keys of the display texts of token values (`condition:text~…`, `:text`).
# Version 5: the order key `o` (store.keyset), indexed with the keys.
SEARCH_FIELDS_VERSION = 5
# The string rows (store.string_rows, SecantusDB only), built from the search fields: version 1
# is their first layout; version 2 adds a row per token parameter's texts (docs/adr/0031).
# Rebuilt whenever the search fields are upgraded.
STRING_ROWS_VERSION = 2
# Types whose string searches keep the previous path (ranges of whole documents, ADR 0018):
# Locations are ~30 of the ~33 resources an imported study writes, with about six string values
# each, and their rows made the database's CPU per imported study 5× (docs/adr/0025).
WITHOUT_STRING_ROWS = frozenset({"Location"})
_UPGRADE_BATCH = 500
# How long a collection's size is trusted for sizing search ranges (a stale one costs a range).
SIZE_TTL_SECONDS = 30.0


@dataclass
class Collections:
    current: MongoCollection
    history: MongoCollection
    # The string rows of the type (store.string_rows); used only on SecantusDB.
    strings: MongoCollection


@dataclass(frozen=True)
class Capabilities:
    """What the server behind a `Database` can do, asked once per connection."""

    # SecantusDB cannot use an index for a range inside an array (string prefix search), and
    # scans for an `$or` whatever the indexes: indexes that only it cannot use are left out.
    secantusdb: bool
    # A replica set, a sharded cluster or SecantusDB: batches are written in one transaction.
    transactions: bool


class Database:
    def __init__(
        self, client: AsyncMongoClient[dict[str, Any]], name: str, types: dict[str, ResourceType]
    ) -> None:
        self.client = client
        self.db: AsyncDatabase[dict[str, Any]] = client[name]
        self.types = types
        self._collections = {
            t: Collections(self.db[t], self.db[f"{t}_history"], self.db[f"{t}{STRINGS_SUFFIX}"])
            for t in types
        }
        self.guards = self.db[CONDITIONAL_GUARDS]
        self._capabilities: Capabilities | None = None
        self._sizes: dict[str, tuple[float, int]] = {}
        # The URL it was opened with (for the probe that asks whether the server answers).
        self.url: str | None = None

    @classmethod
    def connect(
        cls,
        url: str,
        name: str,
        types: dict[str, ResourceType],
        *,
        timeout_ms: int = 3000,
        max_idle_ms: int = 60_000,
    ) -> "Database":
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            url,
            tz_aware=True,
            serverSelectionTimeoutMS=timeout_ms,
            # Also the heartbeat's socket timeout: a database busy with a large batch must not
            # be declared down (that resets the pool and cancels the batch in flight).
            connectTimeoutMS=max(timeout_ms, 20000),
            socketTimeoutMS=max(timeout_ms * 10, 30000),
            # A write is acknowledged once it is in the journal: it survives a kill -9 of the
            # database (the default acknowledges from memory, and a crash lost ~1 in 5 of the
            # writes acknowledged in the last fraction of a second).
            journal=True,
            # Closed before the database or a firewall drops them for idleness (SecantusDB after
            # 300 s): the first request after a quiet spell got a dropped connection and a 503.
            maxIdleTimeMS=max_idle_ms,
            appname="fhirtrial",
        )
        database = cls(client, name, types)
        database.url = url
        return database

    def collections(self, resource_type: str) -> Collections:
        return self._collections[resource_type]

    async def strings(self, resource_type: str) -> MongoCollection | None:
        """The string rows of a type (store.string_rows): on SecantusDB, for a type with string
        parameters; None where string searches use the `t` index instead (mongod)."""
        if not (await self.capabilities()).secantusdb:
            return None
        spec = self.types[resource_type]
        if resource_type in WITHOUT_STRING_ROWS:
            return None
        if not any(p.type == "string" for p in spec.search_params.values()):
            return None
        return self._collections[resource_type].strings

    async def ensure_indexes(self) -> None:
        # On SecantusDB an index on the string keys would only slow every write (see Capabilities);
        # string searches read the string rows there instead (store.string_rows).
        text_index = not (await self.capabilities()).secantusdb
        for name, spec in self.types.items():
            cols = self._collections[name]
            await cols.current.create_index([("lu", DESCENDING)])
            # The default order, read by ranges (store.keyset).
            await cols.current.create_index([("o", ASCENDING)])
            if spec.search_params:
                # One multikey index over every search parameter's keys (see store.search_keys),
                # with the order key: a range of `o` within one key is one index range.
                await cols.current.create_index([("k", ASCENDING), ("o", ASCENDING)])
                await _drop_index(cols.current, "k_1")  # the key index before layout 5
            # String values, and the display texts of tokens (`:text`), have `t` keys.
            if text_index and any(
                p.type in ("string", "token") for p in spec.search_params.values()
            ):
                await cols.current.create_index([("t", ASCENDING)])
            await cols.history.create_index([("rid", ASCENDING), ("v", DESCENDING)])
            await cols.history.create_index([("lu", DESCENDING)])
            if await self.strings(name) is not None:
                await ensure_row_indexes(cols.strings)
        log.info("Indexes ready for %d resource types", len(self.types))
        upgraded = await self._upgrade_search_fields()
        await self._build_string_rows(rebuild=upgraded)

    async def capabilities(self) -> Capabilities:
        """The server's capabilities, asked on first use and kept for this connection."""
        if self._capabilities is None:
            info = await self.client.admin.command("buildInfo")
            hello = await self.client.admin.command("hello")
            secantusdb = "secantusVersion" in info
            # SecantusDB runs transactions as a standalone too (the embedded one is started so).
            replicated = bool(hello.get("setName")) or hello.get("msg") == "isdbgrid"
            transactions = secantusdb or replicated
            if not transactions:
                log.warning("MongoDB is standalone: batches are written without a transaction")
            self._capabilities = Capabilities(secantusdb=secantusdb, transactions=transactions)
        return self._capabilities

    async def _upgrade_search_fields(self) -> bool:
        """Recompute the stored search fields of documents written by an earlier layout; whether
        it did."""
        meta = self.db[STORE_META]
        saved = await meta.find_one({"_id": "search-fields"})
        if saved and saved.get("version", 0) >= SEARCH_FIELDS_VERSION:
            return False
        upgraded = 0
        for name, spec in self.types.items():
            current = self._collections[name].current
            writes = []
            async for doc in current.find({"del": False}, {"res": 1}):
                writes.append(
                    UpdateOne({"_id": doc["_id"]}, {"$set": search_fields(doc["res"], spec)})
                )
                if len(writes) >= _UPGRADE_BATCH:
                    upgraded += (await current.bulk_write(writes, ordered=False)).matched_count
                    writes = []
            if writes:
                upgraded += (await current.bulk_write(writes, ordered=False)).matched_count
        await meta.replace_one(
            {"_id": "search-fields"},
            {"_id": "search-fields", "version": SEARCH_FIELDS_VERSION},
            upsert=True,
        )
        if upgraded:
            log.info("Search fields of %d stored resources upgraded", upgraded)
        return True

    async def _build_string_rows(self, *, rebuild: bool) -> None:
        """Write the string rows of every stored resource where they are missing (a database
        written before they existed) or stale (its search fields were just upgraded)."""
        if not (await self.capabilities()).secantusdb:
            return
        meta = self.db[STORE_META]
        saved = await meta.find_one({"_id": "string-rows"})
        if not rebuild and saved and saved.get("version", 0) >= STRING_ROWS_VERSION:
            return
        written = 0
        for name in self.types:
            strings = await self.strings(name)
            if strings is not None:
                cols = self._collections[name]
                written += await rebuild_rows(cols.current, strings, _UPGRADE_BATCH)
        await meta.replace_one(
            {"_id": "string-rows"},
            {"_id": "string-rows", "version": STRING_ROWS_VERSION},
            upsert=True,
        )
        log.info("String rows written: %d", written)

    async def search_size(self, resource_type: str) -> int:
        """About how many resources of the type are stored (on SecantusDB the live ones, from a
        slice of their order keys: store.collection_size; on mongod its count, deleted ones
        included): sizes the first range a page reads (store.keyset). Asked at most every
        SIZE_TTL_SECONDS."""
        moment = time.monotonic()
        known = self._sizes.get(resource_type)
        if known is not None and moment - known[0] < SIZE_TTL_SECONDS:
            return known[1]
        current = self._collections[resource_type].current
        if (await self.capabilities()).secantusdb:
            size = await estimated_size(current)  # its count walks every document
        else:
            size = await current.estimated_document_count()
        self._sizes[resource_type] = (moment, size)
        return size

    async def ping(self) -> None:
        await self.client.admin.command("ping")

    async def close(self) -> None:
        await self.client.close()


async def _drop_index(collection: MongoCollection, name: str) -> None:
    if name in await collection.index_information():
        await collection.drop_index(name)
