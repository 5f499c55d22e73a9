"""The record and the question of each persisted patient, kept so that a later re-match asks the
same question of the same data: collection `_match_patients`, one document per stored Patient.

The posted Bundle is kept as JSON text (a posted record may hold keys MongoDB refuses). It is
PHI: it is removed with its Patient (`forget_deleted_patients`, run by every re-match job).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

from fhirtrial.matching.request import MAX_COUNT, ConditionFilter, MatchRequest
from fhirtrial.store.database import Database

RECORDS = "_match_patients"


@dataclass(frozen=True)
class PersistedRecord:
    patient_id: str
    patient_key: str
    """What `assessment.subject_id` derives the ResearchSubject ids from."""
    reference: dict[str, Any]
    """ResearchSubject.subject of this patient's subjects."""
    request: MatchRequest
    """The question as first asked (its `asOf` is not reused: a re-match evaluates as of today)."""
    saved_at: datetime


async def save_record(
    database: Database,
    patient_id: str,
    patient_key: str,
    reference: dict[str, Any],
    request: MatchRequest,
) -> None:
    document = {
        "_id": patient_id,
        "key": patient_key,
        "reference": reference,
        "bundle": orjson.dumps(request.bundle).decode(),
        "bundle_path": request.bundle_path,
        "options": _options(request),
        "saved_at": datetime.now(UTC),
    }
    await database.db[RECORDS].replace_one({"_id": patient_id}, document, upsert=True)


async def load_record(database: Database, patient_id: str) -> PersistedRecord | None:
    document = await database.db[RECORDS].find_one({"_id": patient_id})
    return _record(document) if document is not None else None


async def records_after(database: Database, after: str | None, limit: int) -> list[PersistedRecord]:
    """The next `limit` records in patient id order, after `after`."""
    query = {"_id": {"$gt": after}} if after is not None else {}
    documents = await database.db[RECORDS].find(query).sort("_id", 1).to_list(limit)
    return [_record(document) for document in documents]


async def earliest_saved(database: Database) -> datetime | None:
    documents = await database.db[RECORDS].find({}, {"saved_at": 1}).sort("saved_at", 1).to_list(1)
    return documents[0]["saved_at"] if documents else None


async def forget_deleted_patients(database: Database, batch: int = 1000) -> int:
    """Remove the records whose Patient was deleted (or never stored); how many went."""
    gone: list[str] = []
    after: str | None = None
    while True:
        query = {"_id": {"$gt": after}} if after is not None else {}
        cursor = database.db[RECORDS].find(query, {"_id": 1}).sort("_id", 1)
        ids = [doc["_id"] for doc in await cursor.to_list(batch)]
        if not ids:
            break
        live = {
            doc["_id"]
            async for doc in database.collections("Patient").current.find(
                {"_id": {"$in": ids}, "del": False}, {"_id": 1}
            )
        }
        gone += [rid for rid in ids if rid not in live]
        after = ids[-1]
    for start in range(0, len(gone), batch):
        await database.db[RECORDS].delete_many({"_id": {"$in": gone[start : start + batch]}})
    return len(gone)


def _options(request: MatchRequest) -> dict[str, Any]:
    return {
        "as_of": request.as_of.isoformat() if request.as_of else None,
        "zip_code": request.zip_code,
        "travel_radius": request.travel_radius,
        "phases": sorted(request.phases),
        "statuses": sorted(request.statuses) if request.statuses is not None else None,
        "conditions": [asdict(c) for c in request.conditions],
        "studies": list(request.studies),
        "count": request.count,
        "include_ineligible": request.include_ineligible,
    }


def _record(document: dict[str, Any]) -> PersistedRecord:
    options = document["options"]
    statuses = options.get("statuses")
    request = MatchRequest(
        bundle=orjson.loads(document["bundle"]),
        as_of=date.fromisoformat(options["as_of"]) if options.get("as_of") else None,
        zip_code=options.get("zip_code"),
        travel_radius=options.get("travel_radius"),
        phases=frozenset(options.get("phases") or ()),
        statuses=frozenset(statuses) if statuses is not None else None,
        conditions=tuple(ConditionFilter(**c) for c in options.get("conditions") or ()),
        studies=tuple(options.get("studies") or ()),
        count=min(int(options.get("count") or 20), MAX_COUNT),
        include_ineligible=bool(options.get("include_ineligible")),
        persist=True,
        bundle_path=document.get("bundle_path") or "Bundle",
    )
    return PersistedRecord(
        patient_id=document["_id"],
        patient_key=document["key"],
        reference=document["reference"],
        request=request,
        saved_at=document["saved_at"],
    )
