"""A search with `near`: the grid cells around the position find the candidates (the key
index), their exact distance keeps those within the radius, and they are ordered as asked
(`near` for distance, `_id`, `_lastUpdated`) for the repository to cut the page from.

At most MAX_NEAR_CANDIDATES candidates are read (their position and update time only); more
is a 400 asking for a smaller distance, not a slow or partial answer.
"""

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from fhirtrial.errors import BadRequest
from fhirtrial.resources.geo import Near, distance_km, position_of
from fhirtrial.resources.search_query import SearchQuery
from fhirtrial.store.database import MongoCollection

MAX_NEAR_CANDIDATES = 10_000


def near_of(query: SearchQuery) -> Near | None:
    for criterion in query.criteria:
        if criterion.param.type == "special":
            near: Near = criterion.values[0]
            return near
    return None


async def near_hits(
    current: MongoCollection,
    flt: dict[str, Any],
    near: Near,
    sort: list[tuple[str, int]],
    session: AsyncClientSession | None = None,
) -> list[tuple[str, float]]:
    """The ids of the matches within the circle and their distances (km), in `sort` order."""
    cursor = current.find(flt, {"res.position": 1, "lu": 1}, session=session)
    cursor = cursor.limit(MAX_NEAR_CANDIDATES + 1)
    candidates = await cursor.to_list(MAX_NEAR_CANDIDATES + 1)
    if len(candidates) > MAX_NEAR_CANDIDATES:
        raise BadRequest(
            f"near finds more than {MAX_NEAR_CANDIDATES:,} candidate locations around "
            f"{near.latitude}|{near.longitude}: ask for a smaller distance or add criteria",
            code="too-costly",
        )
    hits: list[tuple[dict[str, Any], float]] = []
    for doc in candidates:
        position = position_of(doc.get("res", {}))
        if position is None:
            continue
        km = distance_km(near.latitude, near.longitude, *position)
        if km <= near.km:
            hits.append((doc, km))
    hits.sort(key=lambda hit: hit[0]["_id"])
    for field, direction in reversed(sort):  # stable: the first sort key decides last
        if field == "near":
            hits.sort(key=lambda hit: hit[1], reverse=direction < 0)
        else:
            hits.sort(key=lambda hit: hit[0][field], reverse=direction < 0)
    return [(doc["_id"], km) for doc, km in hits]
