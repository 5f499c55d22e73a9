"""FHIR interactions on MongoDB: versioned writes, reads, history and search.

The stored documents are built and read back by fhirtrial.store.documents. A create writes one
document. An update or delete first archives the version it supersedes into history; that
history `_id` is the serialization point: two writers racing to supersede the same version cannot
both archive it, so optimistic concurrency needs no transaction.
"""

import asyncio
import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from fhirtrial.errors import (
    BadRequest,
    Conflict,
    DatabaseUnavailable,
    Gone,
    NotFound,
    PreconditionFailed,
)
from fhirtrial.resources.extract import normalize_reference, walk
from fhirtrial.resources.geo import Near
from fhirtrial.resources.search_query import Include, SearchQuery
from fhirtrial.resources.validation import validate_resource
from fhirtrial.store.current_resources import CurrentResources, read_current
from fhirtrial.store.database import Database, MongoCollection
from fhirtrial.store.documents import (
    STORED_FIELDS,
    SUPERSEDED_FIELDS,
    Stored,
    already_current,
    archive_document,
    deletion,
    new_version,
    now,
    read_version,
    restored_document,
    written_by,
)
from fhirtrial.store.joins import query_filter
from fhirtrial.store.keyset import (
    DEFAULT_ORDER,
    Position,
    keyset_filters,
    keyset_page,
    position,
)
from fhirtrial.store.lookup import find_in
from fhirtrial.store.near import near_hits, near_of
from fhirtrial.store.pieced import long_in, pieced_matches
from fhirtrial.store.recent_versions import (
    READ_WHOLE_UP_TO,
    SampledTimes,
    newest_versions,
    with_resources,
)
from fhirtrial.store.search_keys import KEYS, exact_key
from fhirtrial.store.string_rows import row_writes, write_rows
from fhirtrial.store.string_search import StringSearch, string_page, string_search_of
from fhirtrial.store.string_values import Kept, StringValues

_GUARD_WAIT_SECONDS = 5.0
_CREATE_ATTEMPTS = 3
_GUARD_STALE_SECONDS = 2.0
# How many more times `_include:iterate` applies to what the previous round brought in.
MAX_INCLUDE_ITERATIONS = 3


@dataclass(frozen=True)
class WriteResult:
    stored: Stored
    created: bool
    # False when an update carried the same content as the current version (no new version).
    changed: bool = True


@dataclass
class SearchResult:
    matches: list[dict[str, Any]]
    total: int | None
    included: list[dict[str, Any]] = field(default_factory=list)
    # True when `_include`/`_revinclude` found more resources than one page may carry.
    includes_truncated: bool = False
    # True when a total was asked for and more matches than `Repository.max_counted` were found.
    total_uncounted: bool = False
    # With `near`: each match's distance in km, by "<Type>/<id>".
    distances: dict[str, float] = field(default_factory=dict)
    # A page of the default order read by ranges (store.keyset): where it started (the query's
    # `_after`) and where the next page starts (None on the last page).
    keyset: bool = False
    after: Position | None = None
    next_after: Position | None = None


@dataclass
class HistoryEntry:
    resource_type: str
    id: str
    version: int
    last_updated: datetime
    method: str
    resource: dict[str, Any] | None


@dataclass
class HistoryPage:
    entries: list[HistoryEntry]
    total: int | None
    """None where counting would read every version (SecantusDB, a type's history)."""
    more: bool
    """Whether versions follow the page."""


class Repository:
    def __init__(
        self, database: Database, *, max_joined: int = 200, max_counted: int = 1000
    ) -> None:
        self.database = database
        self.types = database.types
        # The most resources the inner search of a chain or `_has` may find (store.joins).
        self.max_joined = max_joined
        # The most matches a total counts on SecantusDB (0: no limit; `_total`).
        self.max_counted = max_counted
        # Every database call of this repository runs in `session` (a transaction's) when set.
        self.session: AsyncClientSession | None = None
        # Resources brought in by `_include`, kept for this process's later pages (shared by
        # the copies `in_session` makes, which do not use it).
        self.included_cache = CurrentResources()
        # The values of string parameters, for this process's `:contains` searches (also not
        # used by the copies `in_session` makes).
        self.string_values = StringValues()
        self.version_times = SampledTimes()

    def in_session(self, session: AsyncClientSession) -> "Repository":
        """This repository with every call made in `session` (e.g. inside its transaction)."""
        bound = copy.copy(self)
        bound.session = session
        return bound

    # ---- reads ---------------------------------------------------------------------------

    async def read(self, resource_type: str, rid: str) -> Stored:
        doc = await self.database.collections(resource_type).current.find_one(
            {"_id": rid}, STORED_FIELDS, session=self.session
        )
        if doc is None:
            raise NotFound(f"{resource_type}/{rid} is not known")
        if doc["del"]:
            raise Gone(f"{resource_type}/{rid} was deleted", headers={"ETag": f'W/"{doc["v"]}"'})
        return read_version(doc)

    async def vread(self, resource_type: str, rid: str, version: str) -> Stored:
        cols = self.database.collections(resource_type)
        doc = await cols.current.find_one({"_id": rid}, STORED_FIELDS, session=self.session)
        if doc is None or str(doc["v"]) != version:
            doc = await cols.history.find_one({"_id": f"{rid}/{version}"}, session=self.session)
        if doc is None:
            raise NotFound(f"{resource_type}/{rid} has no version {version}")
        if doc["del"]:
            raise Gone(f"Version {version} of {resource_type}/{rid} is a deletion")
        return read_version(doc)

    # ---- writes --------------------------------------------------------------------------

    async def create(
        self,
        resource: dict[str, Any],
        *,
        if_none_exist: SearchQuery | None = None,
        validate: bool = True,
        rid: str | None = None,
    ) -> WriteResult:
        """Create with a new id: `rid` when the caller chose it (a transaction that rewrote
        references to it before writing), else a random one."""
        resource_type = resource["resourceType"]
        if validate:
            validate_resource(resource)
        if if_none_exist is not None:
            return await self._conditional_create(resource, if_none_exist, rid)
        for attempt in range(_CREATE_ATTEMPTS):
            try:
                stored = await self._write_new(
                    resource_type,
                    rid or str(uuid.uuid4()),
                    resource,
                    superseding=None,
                    method="POST",
                )
            except _LostRace:  # a duplicate key on a new random id: the database said so wrongly
                if rid is not None:
                    raise Conflict(f"{resource_type}/{rid} already exists") from None
                if attempt + 1 == _CREATE_ATTEMPTS:
                    raise DatabaseUnavailable(
                        "The database refused to store a new resource; nothing was stored"
                    ) from None
                continue
            return WriteResult(stored, created=True)
        raise AssertionError("unreachable")

    async def update(
        self,
        resource_type: str,
        rid: str,
        resource: dict[str, Any],
        *,
        if_match: int | None = None,
        validate: bool = True,
        skip_unchanged: bool = True,
    ) -> WriteResult:
        if validate:
            validate_resource(resource)
        cols = self.database.collections(resource_type)
        while True:
            current = await cols.current.find_one(
                {"_id": rid}, SUPERSEDED_FIELDS, session=self.session
            )
            if if_match is not None and (
                current is None or current["del"] or current["v"] != if_match
            ):
                found = (
                    "no current version"
                    if current is None or current["del"]
                    else (f"version {current['v']}")
                )
                raise PreconditionFailed(
                    f"If-Match expected version {if_match} of {resource_type}/{rid}, found {found}"
                )
            if skip_unchanged and already_current(current, {**resource, "id": rid}):
                return WriteResult(read_version(current), False, changed=False)
            live = current is not None and not current["del"]
            try:
                stored = await self._write_new(
                    resource_type, rid, resource, superseding=current, method="PUT"
                )
            except _LostRace:
                if if_match is not None:
                    raise PreconditionFailed(
                        f"{resource_type}/{rid} was changed by another request"
                    ) from None
                continue
            return WriteResult(stored, created=not live)

    async def delete(self, resource_type: str, rid: str) -> int | None:
        """Delete the current version; returns the deletion's version, None if already deleted."""
        cols = self.database.collections(resource_type)
        while True:
            current = await cols.current.find_one(
                {"_id": rid}, SUPERSEDED_FIELDS, session=self.session
            )
            if current is None:
                raise NotFound(f"{resource_type}/{rid} is not known")
            if current["del"]:
                return None
            tombstone = deletion(current, now())
            try:
                await self._supersede(resource_type, rid, current, tombstone)
            except _LostRace:
                continue
            version: int = tombstone["v"]
            return version

    async def _write_new(
        self,
        resource_type: str,
        rid: str,
        resource: dict[str, Any],
        *,
        superseding: dict[str, Any] | None,
        method: str,
    ) -> Stored:
        """Write the version after `superseding` (the current document, None if there is none);
        raises _LostRace when another writer got there first."""
        cols = self.database.collections(resource_type)
        current, stored = new_version(
            resource,
            rid,
            self.types[resource_type],
            previous=superseding,
            moment=now(),
            method=method,
        )
        if superseding is None:
            document = {"_id": rid, **current}
            try:
                await cols.current.insert_one(document, session=self.session)
            except DuplicateKeyError:
                # The driver retries an insert whose answer was lost (a dropped connection, a
                # database restart); when the first attempt was applied, the retry meets it.
                if not await _holds(cols.current, document, self.session):
                    raise _LostRace() from None
            await self._write_rows(resource_type, rid, None, document)
        else:
            await self._supersede(resource_type, rid, superseding, current)
        return stored

    async def _supersede(
        self, resource_type: str, rid: str, old: dict[str, Any], new: dict[str, Any]
    ) -> None:
        """Archive `old` (the current document) into history, then replace it with `new`."""
        cols = self.database.collections(resource_type)
        archived = archive_document(rid, old)
        try:
            await cols.history.insert_one(archived, session=self.session)
        except DuplicateKeyError:
            raise _LostRace() from None
        try:
            result = await cols.current.replace_one(
                {"_id": rid, "v": old["v"]}, new, session=self.session
            )
        except BaseException:
            await cols.history.delete_one({"_id": archived["_id"]}, session=self.session)
            raise
        if result.matched_count != 1:
            await cols.history.delete_one({"_id": archived["_id"]}, session=self.session)
            raise _LostRace()
        await self._write_rows(resource_type, rid, old, new)

    async def _write_rows(
        self,
        resource_type: str,
        rid: str,
        superseded: dict[str, Any] | None,
        current: dict[str, Any] | None,
    ) -> None:
        """Replace the string rows of `superseded` by those of `current` (store.string_rows)."""
        strings = await self.database.strings(resource_type)
        if strings is not None:
            await write_rows(strings, row_writes(rid, superseded, current), self.session)

    async def _conditional_create(
        self, resource: dict[str, Any], query: SearchQuery, chosen_id: str | None
    ) -> WriteResult:
        """Create unless the query matches; a guard document keyed by the query makes the
        check-then-create atomic across concurrent requests."""
        resource_type = resource["resourceType"]
        key = f"{resource_type}?{_canonical_query(query)}"
        deadline = asyncio.get_running_loop().time() + _GUARD_WAIT_SECONDS
        while True:
            existing = await self._matches(query, limit=2)
            if len(existing) > 1:
                criteria = _canonical_query(query)
                raise PreconditionFailed(
                    f"If-None-Exist '{criteria}' matches more than one {resource_type}"
                )
            if existing:
                doc = existing[0]
                return WriteResult(read_version(doc), created=False)
            rid = chosen_id or str(uuid.uuid4())
            if await self._take_guard(key, query, rid):
                try:
                    stored = await self._write_new(
                        resource_type, rid, resource, superseding=None, method="POST"
                    )
                except BaseException as failure:
                    await self.database.guards.delete_one(
                        {"_id": key, "rid": rid}, session=self.session
                    )
                    if isinstance(failure, _LostRace):  # only a chosen id can be taken
                        raise Conflict(f"{resource_type}/{rid} already exists") from None
                    raise
                return WriteResult(stored, created=True)
            if asyncio.get_running_loop().time() > deadline:
                raise PreconditionFailed(
                    "A concurrent conditional create for the same criteria did not finish in time"
                )
            await asyncio.sleep(0.01)

    async def _take_guard(self, key: str, query: SearchQuery, rid: str) -> bool:
        guards = self.database.guards
        try:
            await guards.insert_one({"_id": key, "rid": rid, "at": now()}, session=self.session)
            return True
        except DuplicateKeyError:
            pass
        guard = await guards.find_one({"_id": key}, session=self.session)
        if guard is None:
            return False
        holder_filter = {"_id": guard["rid"]}
        current = self.database.collections(query.resource_type).current
        if await current.count_documents(holder_filter, limit=1, session=self.session) == 0:
            # The holder may still be writing; only an old guard without its resource is stale.
            if (now() - guard["at"]).total_seconds() < _GUARD_STALE_SECONDS:
                return False
        elif await current.count_documents(
            {
                "$and": [
                    holder_filter,
                    await query_filter(
                        self.database, query, limit=self.max_joined, session=self.session
                    ),
                ]
            },
            limit=1,
            session=self.session,
        ):
            return False  # the holder matches: the next search returns it
        # The guarded resource was deleted or no longer matches: take the guard over.
        result = await guards.update_one(
            {"_id": key, "rid": guard["rid"]},
            {"$set": {"rid": rid, "at": now()}},
            session=self.session,
        )
        return result.modified_count == 1

    async def undo(self, resource_type: str, rid: str, version: int) -> bool:
        """Take back version `version` of a resource, written by this request: the version
        before it becomes current again (a first version is removed). False when another write
        superseded it meanwhile (then it stays). For deployments without transactions."""
        try:
            return await self._undo(resource_type, rid, version)
        finally:
            # After the undo, so that no read of the undone version is kept after it. Other
            # processes may keep it (docs/adr/0028, 0031).
            self.included_cache.forget(resource_type, rid)
            self.string_values.forget(resource_type, rid)

    async def _undo(self, resource_type: str, rid: str, version: int) -> bool:
        cols = self.database.collections(resource_type)
        if version == 1:
            removed = await cols.current.find_one_and_delete(
                {"_id": rid, "v": 1}, {"v": 1, "t": 1, "del": 1}, session=self.session
            )
            await self.database.guards.delete_many({"rid": rid}, session=self.session)
            if removed is None:
                return False
            await self._write_rows(resource_type, rid, removed, None)
            return True
        archived = await cols.history.find_one(
            {"_id": f"{rid}/{version - 1}"}, session=self.session
        )
        if archived is None:
            return False
        previous = restored_document(archived, self.types[resource_type])
        undone = await cols.current.find_one_and_replace(
            {"_id": rid, "v": version},
            previous,
            {"v": 1, "t": 1, "del": 1},
            session=self.session,
        )
        if undone is None:
            return False
        await cols.history.delete_one({"_id": archived["_id"]}, session=self.session)
        await self._write_rows(resource_type, rid, undone, previous)
        return True

    # ---- search and history --------------------------------------------------------------

    async def matches(self, query: SearchQuery, *, limit: int) -> list[Stored]:
        """At most `limit` current resources matching `query` (a condition, not a page)."""
        return [read_version(doc) for doc in await self._matches(query, limit=limit)]

    async def _matches(self, query: SearchQuery, *, limit: int) -> list[dict[str, Any]]:
        cols = self.database.collections(query.resource_type)
        flt = await query_filter(self.database, query, limit=self.max_joined, session=self.session)
        cursor = cols.current.find(flt, {"res": 1, "v": 1, "lu": 1}, session=self.session)
        return await cursor.limit(limit).to_list(limit)

    async def search(self, query: SearchQuery, *, include_limit: int = 1000) -> SearchResult:
        """One page of matches, and at most `include_limit` resources its `_include` and
        `_revinclude` add (`SearchResult.includes_truncated` says whether some were left out)."""
        cols = self.database.collections(query.resource_type)
        flt = await query_filter(self.database, query, limit=self.max_joined, session=self.session)
        near = near_of(query)
        pieced = long_in(flt)
        paged = not query.sort and not query.offset and not query.summary_count and query.count > 0
        strings = await self.database.strings(query.resource_type) if paged else None
        string = string_search_of(query) if strings is not None else None
        if strings is not None and string is not None:
            found = await self._string_search(query, flt, string, strings, include_limit)
            if found is not None:
                return found
        filters = None if near is not None or pieced is not None else keyset_filters(flt)
        if filters is None and query.after is not None:
            raise BadRequest("_after belongs to the next links of this server's searches")
        if near is not None:
            return await self._near_search(query, flt, near, include_limit)
        if filters is not None and paged:
            return await self._keyset_search(query, flt, filters, include_limit)
        if pieced is not None and all(key in ("_id", "lu") for key, _ in query.sort):
            ids = await pieced_matches(cols.current, *pieced, query.sort, self.session)
            if ids is not None:
                return await self._page_of(query, ids, include_limit)
        total = None
        if query.summary_count or query.total != "none":
            total = await self._count(query.resource_type, flt)
        # Warned of only when asked for (this path counts by default too).
        asked = query.summary_count or query.total in ("accurate", "estimate")
        if query.summary_count or query.count == 0:
            return SearchResult([], total, total_uncounted=asked and total is None)
        sort = query.sort or DEFAULT_ORDER
        cursor = (
            cols.current.find(flt, {"res": 1}, session=self.session)
            .sort(sort)
            .skip(query.offset)
            .limit(query.count)
        )
        matches = [doc["res"] async for doc in cursor]
        result = SearchResult(matches, total, total_uncounted=asked and total is None)
        if query.includes or query.iterate:
            result.included, result.includes_truncated = await self.included(
                query, matches, include_limit
            )
        return result

    async def _count(self, resource_type: str, flt: dict[str, Any]) -> int | None:
        """How many current resources of the type match; None when SecantusDB would have to
        count more than `max_counted` (it reads each one whole, holding the database for
        everyone, and reads every match whatever the limit: the count goes by ranges of the
        order key, as pages do, and stops past the limit)."""
        current = self.database.collections(resource_type).current
        limit = self.max_counted if (await self.database.capabilities()).secantusdb else 0
        if limit <= 0:
            return await current.count_documents(flt, session=self.session)
        filters = keyset_filters(flt)
        if filters is None:
            found = await current.count_documents(flt, limit=limit + 1, session=self.session)
            return found if found <= limit else None
        docs, more = await keyset_page(
            current,
            filters,
            after=None,
            count=limit,
            size_estimate=await self.database.search_size(resource_type),
            projection={"_id": 1},
            session=self.session,
        )
        return None if more else len(docs)

    async def _keyset_search(
        self,
        query: SearchQuery,
        flt: dict[str, Any],
        filters: list[dict[str, Any]],
        include_limit: int,
    ) -> SearchResult:
        """A page of the default order read by ranges of the order key (store.keyset). Counted
        only when `_total` asks for it: a count reads every match."""
        current = self.database.collections(query.resource_type).current
        docs, more = await keyset_page(
            current,
            filters,
            after=query.after,
            count=query.count,
            size_estimate=await self.database.search_size(query.resource_type),
            projection={"res": 1},
            session=self.session,
        )
        return await self._position_page(query, flt, docs, more, include_limit)

    async def _position_page(
        self,
        query: SearchQuery,
        flt: dict[str, Any],
        docs: list[dict[str, Any]],
        more: bool,
        include_limit: int,
    ) -> SearchResult:
        """The result of a page of the default order paged by position (`_after`)."""
        total = None
        asked = query.total in ("accurate", "estimate")
        if asked:
            total = await self._count(query.resource_type, flt)
        elif query.total == "" and not more and query.after is None:
            total = len(docs)  # the first page holds every match
        result = SearchResult(
            [doc["res"] for doc in docs],
            total,
            keyset=True,
            total_uncounted=asked and total is None,
        )
        result.after = query.after
        result.next_after = position(docs[-1]) if more else None
        if query.includes or query.iterate:
            result.included, result.includes_truncated = await self.included(
                query, result.matches, include_limit
            )
        return result

    async def _string_search(
        self,
        query: SearchQuery,
        flt: dict[str, Any],
        string: StringSearch,
        strings: MongoCollection,
        include_limit: int,
    ) -> SearchResult | None:
        """A page of a string search (or a token's `:text`) read through the string rows or
        the values this process keeps (store.string_search), in the default order and paged by
        position like `_keyset_search`; None for a `:text` whose texts are not kept."""
        current = self.database.collections(query.resource_type).current
        size = await self.database.search_size(query.resource_type)
        kept = None
        if string.modifier in ("contains", "text") and self.session is None:
            kept = await self._kept_values(query.resource_type, string.names, strings, size)
        if kept is None and string.modifier == "text":
            return None
        docs, more = await string_page(
            strings,
            current,
            string,
            after=query.after,
            count=query.count,
            size_estimate=size,
            kept=kept,
            session=self.session,
        )
        return await self._position_page(query, flt, docs, more, include_limit)

    async def _kept_values(
        self, resource_type: str, names: tuple[str, ...], strings: MongoCollection, size: int
    ) -> list[Kept] | None:
        """The values this process keeps of parameters `names`, None when it keeps none."""
        current = self.database.collections(resource_type).current
        kept = []
        for name in names:
            values = await self.string_values.values(resource_type, name, current, strings, size)
            if values is None:
                return None
            kept.append(values)
        return kept

    async def _page_of(
        self, query: SearchQuery, ids: list[str], include_limit: int
    ) -> SearchResult:
        """The page of `query` out of all its matches' ids, in order."""
        total = len(ids) if query.summary_count or query.total != "none" else None
        if query.summary_count or query.count == 0:
            return SearchResult([], total)
        page = ids[query.offset : query.offset + query.count]
        current = self.database.collections(query.resource_type).current
        found = {
            doc["_id"]: doc["res"]
            async for doc in find_in(current, "_id", page, {"res": 1}, session=self.session)
        }
        result = SearchResult([found[rid] for rid in page if rid in found], total)
        if result.matches and (query.includes or query.iterate):
            result.included, result.includes_truncated = await self.included(
                query, result.matches, include_limit
            )
        return result

    async def _near_search(
        self, query: SearchQuery, flt: dict[str, Any], near: Near, include_limit: int
    ) -> SearchResult:
        current = self.database.collections(query.resource_type).current
        hits = await near_hits(current, flt, near, query.sort, self.session)
        result = await self._page_of(query, [rid for rid, _ in hits], include_limit)
        distances = dict(hits)
        result.distances = {
            f"{query.resource_type}/{m['id']}": distances[m["id"]] for m in result.matches
        }
        return result

    async def included(
        self, query: SearchQuery, matches: list[dict[str, Any]], limit: int
    ) -> tuple[list[dict[str, Any]], bool]:
        """The resources the page's `_include`s and `_revinclude`s add, at most `limit` of them,
        and whether more were left out. The `:iterate` ones apply again to what they and the
        others brought in, at most MAX_INCLUDE_ITERATIONS more times."""
        seen = {f"{m['resourceType']}/{m['id']}" for m in matches}
        included: dict[str, dict[str, Any]] = {}

        def add(key: str, resource: dict[str, Any]) -> bool:
            """Keep `resource`; False once the page holds `limit` included resources."""
            if key in seen or key in included:
                return True
            if len(included) >= limit:
                return False
            included[key] = resource
            return True

        frontier, includes = matches, [*query.includes, *query.iterate]
        for _ in range(1 + MAX_INCLUDE_ITERATIONS):
            before = len(included)
            for inc in includes:
                if not await self._include(inc, frontier, add):
                    return list(included.values()), True
            frontier, includes = list(included.values())[before:], query.iterate
            if not frontier or not includes:
                break
        return list(included.values()), False

    async def _include(
        self,
        inc: Include,
        resources: list[dict[str, Any]],
        add: Callable[[str, dict[str, Any]], bool],
    ) -> bool:
        """Add what `inc` brings in for `resources`; False when `add` refused one."""
        if inc.reverse:
            targets = [
                f"{r['resourceType']}/{r['id']}"
                for r in resources
                if not inc.param.targets or r["resourceType"] in inc.param.targets
            ]
            if not targets or inc.source_type not in self.types:
                return True
            # The key index alone: deleted resources have no keys, and one predicate lets
            # SecantusDB's planner use the index.
            keys = [exact_key(inc.param.name, target) for target in targets]
            source = self.database.collections(inc.source_type).current
            async for doc in find_in(source, KEYS, keys, {"res": 1}):
                res = doc["res"]
                if not add(f"{res['resourceType']}/{res['id']}", res):
                    return False
            return True
        wanted: dict[str, set[str]] = {}
        for m in resources:
            if m["resourceType"] != inc.source_type:
                continue
            for path in inc.param.paths:
                for element in walk(m, path):
                    ref = element.get("reference") if isinstance(element, dict) else None
                    typed = normalize_reference(ref) if isinstance(ref, str) else None
                    if typed is None:
                        continue
                    rtype, _, rid = typed.partition("/")
                    # Only the types the parameter declares: a reference stored to any
                    # other type (ResearchStudy.site → Patient) is never brought in.
                    declared = not inc.param.targets or rtype in inc.param.targets
                    if rtype in self.types and declared and inc.target_type in (None, rtype):
                        wanted.setdefault(rtype, set()).add(rid)
        for rtype, ids in wanted.items():
            target = self.database.collections(rtype).current
            if self.session is None:
                found = await self.included_cache.read(rtype, target, ids)
            else:  # a transaction's own writes are not in what other requests read
                found = await read_current(target, sorted(ids), self.session)
            for rid in sorted(found):
                if not add(f"{rtype}/{rid}", found[rid]):
                    return False
        return True

    async def history(
        self,
        resource_type: str,
        rid: str | None = None,
        *,
        since: datetime | None = None,
        count: int = 20,
        offset: int = 0,
    ) -> HistoryPage:
        """Versions newest first: the current documents and the archived ones, merged."""
        cols = self.database.collections(resource_type)
        window = offset + count
        if rid is None:
            return await self._type_history(resource_type, since, window, offset)
        if await cols.current.count_documents({"_id": rid}, limit=1) == 0:
            raise NotFound(f"{resource_type}/{rid} is not known")
        current_filter: dict[str, Any] = {"_id": rid}
        history_filter: dict[str, Any] = {"rid": rid}
        if since is not None:
            current_filter["lu"] = {"$gte": since}
            history_filter["lu"] = {"$gte": since}
        total = await cols.current.count_documents(current_filter)
        total += await cols.history.count_documents(history_filter)
        order = [("lu", DESCENDING), ("v", DESCENDING)]
        newest = [
            _history_entry(resource_type, doc["_id"], doc)
            async for doc in cols.current.find(current_filter, STORED_FIELDS)
            .sort(order)
            .limit(window)
        ]
        newest += [
            _history_entry(resource_type, doc["rid"], doc)
            async for doc in cols.history.find(history_filter).sort(order).limit(window)
        ]
        newest.sort(key=lambda e: (e.last_updated, e.version), reverse=True)
        return HistoryPage(newest[offset:window], total, more=window < total)

    async def _type_history(
        self, resource_type: str, since: datetime | None, window: int, offset: int
    ) -> HistoryPage:
        """A type's versions, read by ranges of `lu` (store.recent_versions). The total is
        known when every version was read; otherwise mongod counts them, and SecantusDB, which
        would read every version to count them, leaves it out (`Bundle.total` is 0..1)."""
        cols = self.database.collections(resource_type)
        size = await self.database.search_size(resource_type)
        sample = await self.version_times.of(resource_type, cols.current, size)
        versions, complete = await newest_versions(
            cols.current,
            cols.history,
            need=window + 1,
            since=since,
            sample=sample,
            whole=size <= READ_WHOLE_UP_TO,
            session=self.session,
        )
        versions.sort(key=lambda v: (v["lu"], v["v"]), reverse=True)
        page = await with_resources(
            cols.current, cols.history, versions[offset:window], session=self.session
        )
        total: int | None = len(versions) if complete else None
        if total is None and not (await self.database.capabilities()).secantusdb:
            flt = {} if since is None else {"lu": {"$gte": since}}
            total = await cols.current.count_documents(flt, session=self.session)
            total += await cols.history.count_documents(flt, session=self.session)
        entries = [_history_entry(resource_type, doc["rid"], doc) for doc in page]
        return HistoryPage(entries, total, more=len(versions) > window)


def _history_entry(resource_type: str, rid: str, doc: dict[str, Any]) -> HistoryEntry:
    return HistoryEntry(
        resource_type, rid, doc["v"], doc["lu"], written_by(doc), None if doc["del"] else doc["res"]
    )


async def _holds(
    collection: MongoCollection, document: dict[str, Any], session: AsyncClientSession | None
) -> bool:
    """Whether `collection` holds exactly `document` (this request's own earlier insert)."""
    found = await collection.find_one({"_id": document["_id"]}, session=session)
    if found is None:
        return False
    return all(found.get(key) == document[key] for key in ("v", "lu", "del", "res"))


class _LostRace(Exception):
    """Another writer took the version this write wanted."""


def _canonical_query(query: SearchQuery) -> str:
    parts = sorted(
        f"{c.param.name}{':' + c.modifier if c.modifier else ''}={','.join(map(str, c.values))}"
        for c in query.criteria
    )
    # Chains and `_has` as they were asked (the inner searches are not criteria of this type).
    parts += sorted(f"{k}={v}" for k, v in query.echoed if k.startswith("_has:") or "." in k)
    if not parts:
        raise BadRequest("If-None-Exist needs at least one search criterion")
    return "&".join(parts)
