"""Which studies changed in a window of time, whoever wrote them: the `lu` stamps of
ResearchStudy, EvidenceVariable and Location (the signal the match index follows, ADR 0003),
mapped to studies through the match index."""

from __future__ import annotations

from datetime import datetime

from fhirtrial.matching.index.collection import index_collection
from fhirtrial.matching.index.sync import WATCHED, sync_index
from fhirtrial.matching.service import MatchService
from fhirtrial.store.database import Database

# Above this many changed criteria and sites, one scan of the index documents beats `$in` lists.
_FEW = 100


async def changed_studies(matching: MatchService, since: datetime, until: datetime) -> set[str]:
    """Studies whose study, criteria or sites were written in (since, until], deleted ones
    included; the index is synced first so that it maps criteria and sites to studies."""
    await sync_index(matching)
    database = matching.database
    written = [await _written(database, kind, since, until) for kind in WATCHED]
    studies, criteria, sites = written
    changed = set(studies)
    if criteria or sites:
        collection = index_collection(database)
        fields = {"ev": 1, "loc_ids": 1}
        if len(criteria) + len(sites) > _FEW:
            cursor = collection.find({}, fields)
        else:
            cursor = collection.find(
                {"$or": [{"ev": {"$in": sorted(criteria)}}, {"loc_ids": {"$in": sorted(sites)}}]},
                fields,
            )
        async for doc in cursor:
            if doc.get("ev") in criteria or sites.intersection(doc.get("loc_ids") or ()):
                changed.add(doc["_id"])
    return changed


async def _written(
    database: Database, resource_type: str, since: datetime, until: datetime
) -> set[str]:
    cursor = database.collections(resource_type).current.find(
        {"lu": {"$gt": since, "$lte": until}}, {"_id": 1}
    )
    return {doc["_id"] async for doc in cursor}
