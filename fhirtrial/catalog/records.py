"""The ClinicalTrials.gov records studies were imported from, kept so that an improved compiler
or mapper can rebuild the FHIR resources without fetching the records again.

Each record is kept as zlib-compressed JSON (`json_z`): nothing queries inside it, and one opaque
value is several times smaller and far cheaper for the database to write than the nested
document (records saved as documents under `study` by earlier versions are still read)."""

import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson
from bson import Binary
from pymongo import ReplaceOne

from fhirtrial.store.database import Database
from fhirtrial.store.lookup import pieces

COLLECTION = "ctgov_records"


def pack_record(json_text: bytes) -> bytes:
    """A record's JSON text as `save_records` keeps it."""
    return zlib.compress(json_text, 1)


async def save_records(database: Database, records: dict[str, bytes]) -> None:
    """Keep the latest record (packed by `pack_record`) per NCT number."""
    if not records:
        return
    now = datetime.now(UTC)
    await database.db[COLLECTION].bulk_write(
        [
            ReplaceOne({"_id": nct_id}, {"json_z": Binary(packed), "saved": now}, upsert=True)
            for nct_id, packed in records.items()
        ],
        ordered=False,
    )


async def iter_records(
    database: Database, nct_ids: list[str] | None = None
) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """(NCT number, record) in NCT order: all of them, or those of `nct_ids`."""
    collection = database.db[COLLECTION]
    if not nct_ids:
        async for doc in collection.find({}).sort("_id", 1):
            yield doc["_id"], _unpack(doc)
        return
    for piece in pieces(sorted(set(nct_ids))):
        async for doc in collection.find({"_id": {"$in": piece}}).sort("_id", 1):
            yield doc["_id"], _unpack(doc)


def _unpack(doc: dict[str, Any]) -> dict[str, Any]:
    study: dict[str, Any] = (
        orjson.loads(zlib.decompress(doc["json_z"])) if "json_z" in doc else doc["study"]
    )
    return study
