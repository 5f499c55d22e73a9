"""Which stored documents one part of an export takes: its searches (`_typeFilter`, the launch
patient's compartment) as one MongoDB filter, within the export's window of time."""

from datetime import datetime
from typing import Any

from fhirtrial.export.jobs import Part
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.resources.search_query import SearchQuery, parse_search
from fhirtrial.store.database import Database
from fhirtrial.store.joins import query_filter
from fhirtrial.store.query import LIVE


def part_query(part: Part, filters: tuple[tuple[str, str], ...]) -> SearchQuery:
    """One search of a part, parsed as a search of its type (400 for what it cannot be)."""
    spec = RESOURCE_TYPES[part.resource_type]
    return parse_search(spec, list(filters), registry=RESOURCE_TYPES, default_count=1)


async def part_filter(
    database: Database,
    part: Part,
    *,
    since: datetime | None,
    until: datetime,
    max_joined: int,
) -> dict[str, Any]:
    """The filter of the current, live versions a part exports: changed after `since` (when
    given) and not after `until` (the export's transaction time)."""
    clauses = [
        await query_filter(database, part_query(part, f), limit=max_joined) for f in part.filters
    ]
    selected = {"$or": clauses} if len(clauses) > 1 else clauses[0] if clauses else LIVE
    window: dict[str, Any] = {"$lte": until}
    if since is not None:
        window["$gt"] = since
    return {"$and": [selected, {"lu": window}]}
