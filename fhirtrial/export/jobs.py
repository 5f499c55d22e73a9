"""Export jobs as documents of `export_jobs`: what was asked, by whom, how far the job got,
and what it produced. Any server process on the database can answer for a job, and any can take
over one whose runner stopped (its lease ran out).

    {_id, state: queued | running | completed | failed, request, transaction_time, created,
     since, parts: [{type, filters: [[[name, value], …], …]}], owner, patient,
     requires_token, notes: [text], worker, lease_until, attempts,
     progress: {done, total}, output: [{type, name, count}], errors: [{name, count}],
     completed, expires, failure}

A cancelled job is deleted with its files; so is an expired one.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import CollectionInvalid

from fhirtrial.export.pieces import PIECES, delete_files

JOBS = "export_jobs"
QUEUED, RUNNING, COMPLETED, FAILED = "queued", "running", "completed", "failed"
# A job whose runner has not renewed its lease for this long is taken over by another runner.
LEASE = timedelta(seconds=60)
# A job taken over this many times (its runners keep dying on it) is failed instead.
MAX_ATTEMPTS = 3
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Db = AsyncDatabase[dict[str, Any]]


@dataclass(frozen=True)
class Part:
    """One resource type to export and the searches (OR-ed) that select its resources; no
    search: every resource of the type."""

    resource_type: str
    filters: tuple[tuple[tuple[str, str], ...], ...] = ()


@dataclass(frozen=True)
class Owner:
    """Who may poll, download and cancel: the caller of the kick-off."""

    issuer: str | None = None
    client_id: str | None = None
    subject: str | None = None

    def as_list(self) -> list[str | None]:
        return [self.issuer, self.client_id, self.subject]


@dataclass
class NewJob:
    request: str
    parts: list[Part]
    since: datetime | None
    owner: Owner
    patient: str | None
    requires_token: bool
    notes: list[str] = field(default_factory=list)


def new_job_id() -> str:
    return secrets.token_urlsafe(18)  # unguessable: the id is in every URL of the job


async def create_job(db: Db, job: NewJob, *, now: datetime) -> dict[str, Any]:
    document = {
        "_id": new_job_id(),
        "state": QUEUED,
        "request": job.request,
        "transaction_time": now,
        "created": now,
        "since": job.since,
        "parts": [
            {"type": p.resource_type, "filters": [[list(kv) for kv in f] for f in p.filters]}
            for p in job.parts
        ],
        "owner": job.owner.as_list(),
        "patient": job.patient,
        "requires_token": job.requires_token,
        "notes": job.notes,
        "worker": None,
        "lease_until": _EPOCH,
        "attempts": 0,
        "progress": {"done": 0, "total": None},
        "output": [],
        "errors": [],
    }
    await db[JOBS].insert_one(document)
    return document


def parts_of(job: dict[str, Any]) -> list[Part]:
    return [
        Part(p["type"], tuple(tuple((k, v) for k, v in f) for f in p["filters"]))
        for p in job["parts"]
    ]


async def find_job(db: Db, job_id: str, *, now: datetime) -> dict[str, Any] | None:
    """The job, None if there is none (never was, cancelled, or expired)."""
    job = await db[JOBS].find_one({"_id": job_id})
    if job is None or (job.get("expires") is not None and job["expires"] <= now):
        return None
    return job


async def claim_job(db: Db, worker: str, *, now: datetime) -> dict[str, Any] | None:
    """Take the oldest job nobody holds a lease on (queued, or running under a lease that ran
    out), or None."""
    return await db[JOBS].find_one_and_update(
        {"state": {"$in": [QUEUED, RUNNING]}, "lease_until": {"$lt": now}},
        {
            "$set": {"state": RUNNING, "worker": worker, "lease_until": now + LEASE},
            "$inc": {"attempts": 1},
        },
        sort=[("created", 1)],
        return_document=ReturnDocument.AFTER,
    )


async def renew(
    db: Db, job_id: str, worker: str, progress: dict[str, Any], *, now: datetime
) -> bool:
    """Extend the lease and record progress; False when the job is no longer this worker's
    (cancelled, expired, or taken over)."""
    result = await db[JOBS].update_one(
        {"_id": job_id, "worker": worker, "state": RUNNING},
        {"$set": {"lease_until": now + LEASE, "progress": progress}},
    )
    return result.matched_count == 1


async def release(db: Db, worker: str) -> None:
    """Give the jobs a runner holds back (its process is stopping): the next runner takes them
    at once, without waiting for their lease to run out."""
    await db[JOBS].update_many(
        {"worker": worker, "state": RUNNING}, {"$set": {"lease_until": _EPOCH, "worker": None}}
    )


async def finish(
    db: Db, job_id: str, worker: str, fields: dict[str, Any], *, now: datetime, keep: timedelta
) -> bool:
    """Record the job's end (`fields`: state, output, errors or failure); its files are kept
    for `keep`."""
    result = await db[JOBS].update_one(
        {"_id": job_id, "worker": worker, "state": RUNNING},
        {"$set": {**fields, "completed": now, "expires": now + keep, "lease_until": now}},
    )
    return result.matched_count == 1


async def delete_job(db: Db, job_id: str) -> bool:
    """Cancel or expire a job: its document, then its files. False if there was none."""
    result = await db[JOBS].delete_one({"_id": job_id})
    await delete_files(db, job_id)
    return result.deleted_count == 1


async def expired_jobs(db: Db, *, now: datetime) -> list[str]:
    return [doc["_id"] async for doc in db[JOBS].find({"expires": {"$lte": now}}, {"_id": 1})]


async def ensure_collections(db: Db) -> None:
    """Create both collections (and the lease index) before anything uses them: at start,
    not as the first job runs next to other work."""
    existing = set(await db.list_collection_names())
    for name in (JOBS, PIECES):
        if name not in existing:
            with contextlib.suppress(CollectionInvalid):  # another process was first
                await db.create_collection(name)
    await db[JOBS].create_index([("lease_until", 1)])
