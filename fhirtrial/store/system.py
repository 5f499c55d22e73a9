"""System-level search and history: one query per resource type, merged into one page.

Each type is searched in the page's order (`_id` or `_lastUpdated`) for the first
`offset + count` matches, by their ids and update times only; the merged page's resources are
then read by id. The window is capped (`MAX_SYSTEM_WINDOW`), so a page deep into the merged
order is refused rather than read by fetching every type's first thousands.
"""

from typing import Any

from fhirtrial.errors import BadRequest
from fhirtrial.resources.search_query import SearchQuery
from fhirtrial.store.joins import query_filter
from fhirtrial.store.lookup import find_in
from fhirtrial.store.repository import HistoryEntry, HistoryPage, Repository, SearchResult

MAX_SYSTEM_WINDOW = 10_000


def check_window(offset: int, count: int) -> None:
    if offset + count > MAX_SYSTEM_WINDOW:
        raise BadRequest(
            f"A system-level page must end within the first {MAX_SYSTEM_WINDOW:,} results "
            f"(_offset + _count); narrow the search with _type, _lastUpdated or _since",
            code="too-costly",
        )


async def search_system(
    repository: Repository,
    queries: list[SearchQuery],
    *,
    count: int,
    offset: int,
    sort: list[tuple[str, int]],
    total: bool,
    include_limit: int,
) -> SearchResult:
    """One page of the matches of `queries` (one per type) in the `sort` order, then by type
    and id."""
    database = repository.database
    window = offset + count
    found: list[tuple[str, dict[str, Any]]] = []
    matched = 0
    for query in queries:
        current = database.collections(query.resource_type).current
        flt = await query_filter(database, query, limit=repository.max_joined)
        if total:
            matched += await current.count_documents(flt)
        if window == 0:
            continue
        order = sort if any(field == "_id" for field, _ in sort) else [*sort, ("_id", 1)]
        cursor = current.find(flt, {"_id": 1, "lu": 1}).sort(order).limit(window)
        found += [(query.resource_type, doc) async for doc in cursor]
    found.sort(key=lambda item: (item[0], item[1]["_id"]))
    for field, direction in reversed(sort):  # stable: the first sort key decides last
        found.sort(key=lambda item: item[1][field], reverse=direction < 0)
    page = found[offset:window]
    resources: dict[tuple[str, str], dict[str, Any]] = {}
    for resource_type in {t for t, _ in page}:
        ids = [doc["_id"] for t, doc in page if t == resource_type]
        current = database.collections(resource_type).current
        async for doc in find_in(current, "_id", ids, {"res": 1}):
            resources[(resource_type, doc["_id"])] = doc["res"]
    matches = [resources[(t, doc["_id"])] for t, doc in page if (t, doc["_id"]) in resources]
    result = SearchResult(matches, matched if total else None)
    includes = list(dict.fromkeys(inc for q in queries for inc in q.includes))
    iterate = list(dict.fromkeys(inc for q in queries for inc in q.iterate))
    if matches and (includes or iterate):
        combined = SearchQuery(queries[0].resource_type, includes=includes, iterate=iterate)
        result.included, result.includes_truncated = await repository.included(
            combined, matches, include_limit
        )
    return result


async def history_system(
    repository: Repository, types: list[str], *, since: Any, count: int, offset: int
) -> HistoryPage:
    """The versions of every type in `types`, newest first. The total is left out when a type's
    is (`Repository.history`)."""
    window = offset + count
    entries: list[HistoryEntry] = []
    total: int | None = 0
    more = False
    for resource_type in types:
        page = await repository.history(resource_type, since=since, count=window, offset=0)
        entries += page.entries
        total = None if total is None or page.total is None else total + page.total
        more = more or page.more
    entries.sort(key=lambda e: (e.last_updated, e.version, e.resource_type, e.id), reverse=True)
    return HistoryPage(entries[offset:window], total, more=more or len(entries) > window)
