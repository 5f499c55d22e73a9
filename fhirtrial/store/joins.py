"""Chained parameters and `_has`, resolved into plain criteria by bounded inner searches.

`ResearchSubject?study.title=x` first finds the ids of the ResearchStudies titled x, then searches
the ResearchSubjects whose `study` key is one of them (the key index, `$in`);
`ResearchStudy?_has:ResearchSubject:study:status=x` first finds the ResearchSubjects with that
status, then the ResearchStudies whose `_id` their `study` references name. An inner search that
finds more than `limit` resources is refused (400) rather than joined slowly or in part.
"""

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from fhirtrial.errors import BadRequest
from fhirtrial.resources.registry import COMMON_SEARCH_PARAMS
from fhirtrial.resources.search_query import Criterion, Join, SearchQuery
from fhirtrial.store.database import Database
from fhirtrial.store.pieced import first_matches
from fhirtrial.store.query import mongo_filter

_ID = COMMON_SEARCH_PARAMS["_id"]


async def query_filter(
    database: Database,
    query: SearchQuery,
    *,
    limit: int,
    session: AsyncClientSession | None = None,
) -> dict[str, Any]:
    """The filter of `query`, its joins resolved (each inner search at most `limit` results,
    read in `session` when there is one)."""
    criteria = list(query.criteria)
    for join in query.joins:
        criteria.append(await _resolve(database, query.resource_type, join, limit, session))
    return mongo_filter(criteria)


async def _resolve(
    database: Database,
    outer: str,
    join: Join,
    limit: int,
    session: AsyncClientSession | None,
) -> Criterion:
    found: list[str] = []
    for inner in join.inners:
        flt = await query_filter(database, inner, limit=limit, session=session)
        wanted = f"s.{join.param.name}" if join.reverse else "_id"
        current = database.collections(inner.resource_type).current
        for doc in await first_matches(current, flt, {wanted: 1}, limit + 1, session):
            if join.reverse:
                refs = doc.get("s", {}).get(join.param.name, [])
                found += [ref for ref in refs if ref.startswith(f"{outer}/")]
            else:
                found.append(f"{inner.resource_type}/{doc['_id']}")
            if len(found) > limit:
                raise _too_many(join, inner, limit)
    if join.reverse:
        ids = sorted({ref.partition("/")[2] for ref in found})
        return Criterion(_ID, "", tuple(ids))
    if not found:
        return Criterion(_ID, "", ())  # matches nothing
    return Criterion(join.param, "", tuple(found))


def _too_many(join: Join, inner: SearchQuery, limit: int) -> BadRequest:
    how = f"_has:{inner.resource_type}:{join.param.name}" if join.reverse else join.param.name
    return BadRequest(
        f"The inner search of '{how}' finds more than {limit:,} {inner.resource_type} "
        "resources, more than one search joins (FHIRTRIAL_MAX_JOINED): narrow its criteria",
        code="too-costly",
    )
