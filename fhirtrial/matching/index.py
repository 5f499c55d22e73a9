"""The match index: one compact document per ResearchStudy, queried by indexed keys.

Collection `_match_index`, one document per study:

    {_id: <ResearchStudy id>, rs_v, ev, ev_v, loc_v: {<Location id>: v}, loc_ids,
     status: [CT.gov overallStatus], phase: [HL7 phase codes], dx: [concept ids or "*"],
     age_lo, age_hi, sex, sites: [[lat, lon]] (open sites), groups: [comparisonGroup],
     cond_text, cond_codes, cond_concepts, sig}

It is written by the importer right after each batch (`index_studies`) and kept honest against
any other writer (REST create/update/delete of ResearchStudy, EvidenceVariable or Location) by
`sync_index`: every `$match` asks the three collections for versions written since the last
settled moment (`lu` is indexed), compares them with the versions the index was built from and
re-indexes what differs. `rebuild_index` drops and rebuilds everything. Each process queries its
in-memory mirror of the collection (`mirror.IndexMirror`), refreshed by the same sync.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
from datetime import UTC, datetime, timedelta

import orjson
from pymongo import ASCENDING, ReplaceOne
from pymongo.errors import PyMongoError

from fhirtrial.matching import keys as match_keys
from fhirtrial.matching.mirror import IndexMirror
from fhirtrial.matching.service import MatchService
from fhirtrial.matching.study_facets import condition_terms, open_site, phase_keys, status_keys
from fhirtrial.store.batch import WrittenBatch
from fhirtrial.store.database import Database
from fhirtrial.store.lookup import find_in

log = logging.getLogger("fhirtrial.matching")

INDEX = "_match_index"
SYNC = "_match_sync"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WATCHED = ("ResearchStudy", "EvidenceVariable", "Location")
_BATCH = 200
_FEW = 100


def index_collection(database: Database):
    return database.db[INDEX]


async def ensure_indexes(service: MatchService) -> None:
    state, database = service.index, service.database
    if state.ready:
        return
    collection = index_collection(database)
    # Only what `_stale_studies` looks up (matching reads the in-memory mirror), and only where
    # its $or can use them: SecantusDB scans for an $or whatever the indexes, so there they
    # would only make each write of an entry dearer.
    wanted = [] if (await database.capabilities()).secantusdb else ["ev_1", "loc_ids_1"]
    for name in wanted:
        await collection.create_index([(name.removesuffix("_1"), ASCENDING)])
    existing = await collection.index_information()
    for unused in ("dx_1", "status_1", "sig_1", "ev_1", "loc_ids_1"):  # earlier versions
        if unused in existing and unused not in wanted:
            await collection.drop_index(unused)
    state.ready = True


# ---------------------------------------------------------------- building documents


def evidence_variable_id(study: dict) -> str | None:
    reference = ((study.get("recruitment") or {}).get("eligibility") or {}).get("reference")
    if isinstance(reference, str) and reference.startswith("EvidenceVariable/"):
        return reference.split("/", 1)[1]
    return None


def location_ids(study: dict) -> list[str]:
    ids = []
    for site in study.get("site") or ():
        reference = site.get("reference") if isinstance(site, dict) else None
        if isinstance(reference, str) and reference.startswith("Location/"):
            ids.append(reference.split("/", 1)[1])
    return ids


def criteria_signature(evidence_variable: dict | None, groups: list[dict]) -> str:
    """Equal signatures evaluate alike: characteristics without their verbatim text, plus the
    comparison groups the evaluator reads."""
    characteristics = _without_descriptions((evidence_variable or {}).get("characteristic"))
    content = orjson.dumps([characteristics, groups], option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(content, digest_size=12).hexdigest()


def _without_descriptions(node):
    if isinstance(node, dict):
        return {k: _without_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_without_descriptions(v) for v in node]
    return node


def index_document(
    study: dict, version: int, evidence: tuple[dict, int] | None, locations: dict[str, tuple]
) -> dict:
    """The index entry of one study; `locations` maps Location id → (resource, version)."""
    groups = [
        {k: g[k] for k in ("linkId", "name", "description") if k in g}
        for g in study.get("comparisonGroup") or ()
        if isinstance(g, dict)
    ]
    evidence_variable = evidence[0] if evidence else None
    criteria = match_keys.criteria_keys(evidence_variable, groups)
    sites = []
    for location, _ in locations.values():
        position = location.get("position") or {}
        latitude, longitude = position.get("latitude"), position.get("longitude")
        numeric = isinstance(latitude, int | float) and isinstance(longitude, int | float)
        if numeric and open_site(location):
            sites.append([float(latitude), float(longitude)])
    texts, codes, concepts = condition_terms(study)
    return {
        "_id": study["id"],
        "rs_v": version,
        "ev": evidence_variable_id(study),
        "ev_v": evidence[1] if evidence else None,
        "loc_ids": location_ids(study),
        "loc_v": {rid: v for rid, (_, v) in locations.items()},
        "title": study.get("title"),
        "status": status_keys(study),
        "phase": phase_keys(study),
        "dx": list(criteria.diagnoses),
        "age_lo": criteria.min_age,
        "age_hi": criteria.max_age,
        "sex": criteria.sex,
        "sites": sites,
        "groups": groups,
        "cond_text": texts,
        "cond_codes": codes,
        "cond_concepts": concepts,
        "sig": criteria_signature(evidence_variable, groups),
    }


# ---------------------------------------------------------------- writing


async def index_studies(service: MatchService, study_ids: list[str]) -> int:
    """(Re)build the index entries of these studies from the store; returns how many changed."""
    await ensure_indexes(service)
    changed = 0
    for start in range(0, len(study_ids), _BATCH):
        changed += await _index_batch(service, study_ids[start : start + _BATCH])
    return changed


async def _index_batch(service: MatchService, study_ids: list[str]) -> int:
    database = service.database
    studies = await _current(database, "ResearchStudy", study_ids)
    ev_ids = [ev for doc in studies.values() if (ev := evidence_variable_id(doc["res"]))]
    loc_ids = [loc for doc in studies.values() for loc in location_ids(doc["res"])]
    evidence = await _current(database, "EvidenceVariable", ev_ids)
    locations = await _current(database, "Location", loc_ids)
    entries = []
    for doc in studies.values():
        study = doc["res"]
        ev_doc = evidence.get(evidence_variable_id(study) or "")
        sites = {
            loc: (locations[loc]["res"], locations[loc]["v"])
            for loc in location_ids(study)
            if loc in locations
        }
        entries.append(
            index_document(study, doc["v"], (ev_doc["res"], ev_doc["v"]) if ev_doc else None, sites)
        )
    gone = [rid for rid in study_ids if rid not in studies]
    await _put_entries(service, entries, gone)
    return len(entries) + len(gone)


async def _put_entries(service: MatchService, entries: list[dict], gone: list[str] = ()) -> None:
    collection = index_collection(service.database)
    if gone:
        await collection.delete_many({"_id": {"$in": list(gone)}})
    if entries:
        await collection.bulk_write(
            [ReplaceOne({"_id": e["_id"]}, e, upsert=True) for e in entries], ordered=False
        )
    mirror = service.index.mirror
    if mirror.loaded:
        for entry in entries:
            mirror.put(entry)
        for rid in gone:
            mirror.remove(rid)


async def _current(database: Database, resource_type: str, ids: list[str]) -> dict[str, dict]:
    if not ids:
        return {}
    # `_id` alone: SecantusDB scans the whole collection for a filter with a second predicate.
    current = database.collections(resource_type).current
    found = find_in(current, "_id", sorted(set(ids)), {"res": 1, "v": 1, "del": 1})
    return {doc["_id"]: doc async for doc in found if not doc["del"]}


async def rebuild_index(service: MatchService) -> int:
    database = service.database
    await ensure_indexes(service)
    await index_collection(database).delete_many({})
    ids = [
        doc["_id"]
        async for doc in database.collections("ResearchStudy").current.find(
            {"del": False}, {"_id": 1}
        )
    ]
    count = await index_studies(service, ids)
    state = service.index
    state.settled = None
    state.mirror = IndexMirror()
    await database.db[SYNC].delete_many({})
    await sync_index(service)
    return count


# ---------------------------------------------------------------- keeping up with other writers


async def sync_index(service: MatchService) -> int:
    """Re-index the studies whose study, criteria or sites changed since the last sync."""
    await ensure_indexes(service)
    state, database = service.index, service.database
    async with state.lock:
        started = datetime.now(UTC)
        if state.settled is None:
            saved = await database.db[SYNC].find_one({"_id": "settled"})
            state.settled = saved["at"] if saved else _EPOCH
            state.persisted = state.settled
        if not state.mirror.loaded:
            # Loaded before looking for changes, so every change after `settled` reaches it.
            state.mirror.replace_all(await index_collection(database).find({}).to_list(None))
        changed = {
            resource_type: await _written_since(database, resource_type, state.settled)
            for resource_type in _WATCHED
        }
        stale, affected = await _stale_studies(database, changed)
        if stale:
            await index_studies(service, sorted(stale))
        if affected - stale:  # re-indexed by another process: copy its entries
            await _refresh_mirror(database, state.mirror, affected - stale)
        settled = max(state.settled, started - state.settle_margin)
        state.settled = settled
        if stale or any(changed.values()) or settled - state.persisted > timedelta(minutes=1):
            await database.db[SYNC].replace_one(
                {"_id": "settled"}, {"_id": "settled", "at": settled}, upsert=True
            )
            state.persisted = settled
        return len(stale)


async def _written_since(database: Database, resource_type: str, since: datetime) -> dict:
    cursor = database.collections(resource_type).current.find(
        {"lu": {"$gt": since}}, {"_id": 1, "v": 1, "del": 1}
    )
    return {doc["_id"]: (None if doc["del"] else doc["v"]) async for doc in cursor}


async def _refresh_mirror(database: Database, mirror: IndexMirror, ids: set[str]) -> None:
    found = {
        doc["_id"]: doc async for doc in find_in(index_collection(database), "_id", sorted(ids))
    }
    for rid in ids:
        if rid in found:
            mirror.put(found[rid])
        else:
            mirror.remove(rid)


async def _stale_studies(database: Database, changed: dict[str, dict]) -> tuple[set[str], set[str]]:
    """(studies whose index entry is out of date, studies touched by the changes)."""
    studies, criteria, sites = (changed[t] for t in _WATCHED)
    if not (studies or criteria or sites):
        return set(), set()
    fields = {"rs_v": 1, "ev": 1, "ev_v": 1, "loc_ids": 1, "loc_v": 1}
    collection = index_collection(database)
    if len(studies) + len(criteria) + len(sites) > _FEW:
        # One scan of the (small) index documents beats large $in lists.
        cursor = collection.find({}, fields)
    else:
        cursor = collection.find(
            {
                "$or": [
                    {"_id": {"$in": list(studies)}},
                    {"ev": {"$in": list(criteria)}},
                    {"loc_ids": {"$in": list(sites)}},
                ]
            },
            fields,
        )
    stale, affected = set(studies), set(studies)
    async for doc in cursor:
        rid = doc["_id"]
        if rid in studies and studies[rid] == doc["rs_v"]:
            stale.discard(rid)
        if doc.get("ev") in criteria:
            affected.add(rid)
            if criteria[doc["ev"]] != doc["ev_v"]:
                stale.add(rid)
        versions = doc.get("loc_v") or {}
        touched = [loc for loc in doc.get("loc_ids") or () if loc in sites]
        if touched:
            affected.add(rid)
            if any(versions.get(loc) != sites[loc] for loc in touched):
                stale.add(rid)
    return stale, affected


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
    await _put_entries(service, entries)
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
        saved = await database.db[SYNC].find_one({"_id": "settled"})
        settled = saved["at"] if saved else _EPOCH
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
            # Locations) before the range starts; this walk was a fifth of an import's database
            # time.
            gap = {"lu": {"$gte": first, "$lte": last}}
            for resource_type in _WATCHED:
                current = database.collections(resource_type).current
                if await current.find(gap, {"_id": 1}).limit(1).to_list(1):
                    return
        await database.db[SYNC].replace_one(
            {"_id": "settled"}, {"_id": "settled", "at": target}, upsert=True
        )
        state.settled = max(state.settled or _EPOCH, target)
        state.persisted = state.settled
