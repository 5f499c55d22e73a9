"""Settling after an import: the importer's hook indexes each batch it wrote and, when nothing
else was written in between, moves the sync's settled moment past it, so that the next match
does not re-check a bulk import."""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, datetime, timedelta

from pymongo.errors import PyMongoError

from fhirtrial.matching.index.collection import ensure_indexes, index_studies, put_entries
from fhirtrial.matching.index.documents import evidence_variable_id, index_document, location_ids
from fhirtrial.matching.index.sync import EPOCH, WATCHED, save_settled, saved_settled
from fhirtrial.matching.service import MatchService
from fhirtrial.store.batch import WrittenBatch

log = logging.getLogger("fhirtrial.matching")


async def refresh_after_import(
    service: MatchService, study_ids: list[str], written: WrittenBatch | None = None
) -> None:
    """The importer's hook: index the studies it just wrote (from `written`, the batch as stored,
    when given: no read-back), then move the sync's settled moment past them when nothing else
    was written in between (so the next match does not re-check a bulk import). A failure here
    is only logged: the next `sync_index` catches up."""
    try:
        if written is None:
            await index_studies(service, study_ids)
        else:
            await _index_written(service, study_ids, written)
        await _settle_after_import(service, study_ids, written)
    except PyMongoError:
        log.warning("Could not update the match index after an import; the next match will")


async def _index_written(
    service: MatchService, study_ids: list[str], written: WrittenBatch
) -> None:
    """Index entries built from the resources of a batch write; a study whose criteria or sites
    are not all in the batch is indexed from the store instead."""
    await ensure_indexes(service)
    stored = written.stored
    entries, elsewhere = [], []
    for rid in study_ids:
        study = stored.get(f"ResearchStudy/{rid}")
        if study is None:
            elsewhere.append(rid)
            continue
        ev_id = evidence_variable_id(study.resource)
        evidence = stored.get(f"EvidenceVariable/{ev_id}") if ev_id else None
        sites = {loc: stored.get(f"Location/{loc}") for loc in location_ids(study.resource)}
        if (ev_id and evidence is None) or any(site is None for site in sites.values()):
            elsewhere.append(rid)
            continue
        entries.append(
            index_document(
                study.resource,
                study.version,
                (evidence.resource, evidence.version) if evidence else None,
                {loc: (site.resource, site.version) for loc, site in sites.items() if site},
            )
        )
    await put_entries(service, entries)
    if elsewhere:
        await index_studies(service, elsewhere)


_TICK = timedelta(milliseconds=1)


def _first_tick_after(moment: datetime) -> datetime:
    """The first moment a document can carry (stored times have millisecond precision) that is
    later than `moment`."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000) + _TICK


def _last_tick_before(moment: datetime) -> datetime:
    """The last moment a document can carry that is earlier than `moment`."""
    floor = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    return floor - _TICK if floor == moment else floor


async def _settle_after_import(
    service: MatchService, study_ids: list[str], written: WrittenBatch | None
) -> None:
    state, database = service.index, service.database
    async with state.lock:
        settled = await saved_settled(database)
        if written is not None:
            moments = [stored.last_updated for stored in written.stored.values()]
        else:
            moments = [
                doc["lu"]
                async for doc in database.collections("ResearchStudy").current.find(
                    {"_id": {"$in": study_ids}}, {"lu": 1}
                )
            ]
        if not moments:
            return
        moment = max(moments)
        state.imported_moments = {m for m in state.imported_moments if m > settled} | {moment}
        target = min(moment, datetime.now(UTC) - state.settle_margin)
        if target <= settled:
            return
        # Anything else written after the settled moment and before this batch was not indexed
        # by this hook: leave it to the sync. Every document of one batch carries the batch's
        # moment, so the open intervals between the hook's moments hold only foreign writes.
        bounds = [settled, *sorted(m for m in state.imported_moments if m < moment), moment]
        for low, high in itertools.pairwise(bounds):
            first, last = _first_tick_after(low), _last_tick_before(high)
            if first > last:
                continue
            # Inclusive bounds on the stored millisecond ticks, not `$gt low, $lt high`: with an
            # exclusive bound SecantusDB walks every index entry equal to it (a whole batch's
            # Locations) before the range starts (what that cost: bench/README.md).
            gap = {"lu": {"$gte": first, "$lte": last}}
            for resource_type in WATCHED:
                current = database.collections(resource_type).current
                if await current.find(gap, {"_id": 1}).limit(1).to_list(1):
                    return
        await save_settled(database, target)
        state.settled = max(state.settled or EPOCH, target)
        state.persisted = state.settled
