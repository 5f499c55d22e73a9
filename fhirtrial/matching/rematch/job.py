"""The re-match job: re-assess the studies changed since the last run for every persisted
patient, under the lease, with its progress saved after each patient so that a job stopped by
a failure resumes where it stopped (`fhirtrial rematch`, and the server every
`FHIRTRIAL_REMATCH_INTERVAL_S` seconds).

Work is bounded: at most `studies_per_pass` studies per re-assessment (passes over the patients
when more changed) and `patients_per_read` records read at a time (a
stored record of a few hundred resources takes some megabytes once parsed). A re-assessment that is
repeated after a failure writes nothing new (`recording`: only changes are written).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fhirtrial.errors import FHIRError
from fhirtrial.matching.matcher import match_patient
from fhirtrial.matching.rematch.changes import changed_studies
from fhirtrial.matching.rematch.lease import STATE, acquire, release, renew
from fhirtrial.matching.rematch.reassess import Tally, reassess
from fhirtrial.matching.rematch.records import (
    earliest_saved,
    forget_deleted_patients,
    records_after,
)
from fhirtrial.matching.service import MatchService

log = logging.getLogger("fhirtrial.matching.rematch")

CATALOG_CHANGED = "the study, its criteria or its sites changed"
_JOB, _CURSOR = "job", "cursor"


class LeaseLost(Exception):
    """Another process took the lease over (ours expired): this job stops; its progress stays."""


@dataclass
class RematchRun:
    outcome: str
    """"done", "nothing-changed", "busy" (another job holds the lease) or "lease-lost" (this
    job's lease expired and another process took the job over)."""
    studies: int = 0
    resumed: bool = False
    forgotten: int = 0
    """Records removed because their Patient was deleted."""
    tally: Tally = field(default_factory=Tally)


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def run_rematch(
    matching: MatchService,
    *,
    owner: str | None = None,
    lease: timedelta = timedelta(minutes=5),
    studies_per_pass: int = 500,
    patients_per_read: int = 10,
) -> RematchRun:
    database = matching.database
    owner = owner or new_owner()
    if not await acquire(database, owner, lease):
        return RematchRun("busy")
    try:
        forgotten = await forget_deleted_patients(database)
        job = await database.db[STATE].find_one({"_id": _JOB})
        resumed = job is not None
        if job is None:
            job = await _new_job(matching)
            if job is None:
                return RematchRun("nothing-changed", forgotten=forgotten)
        run = RematchRun("done", len(job["studies"]), resumed, forgotten)
        try:
            await _work(matching, job, owner, lease, run.tally, studies_per_pass, patients_per_read)
        except LeaseLost:
            run.outcome = "lease-lost"  # the process that took it over carries on with the job
            return run
        await database.db[STATE].replace_one(
            {"_id": _CURSOR}, {"_id": _CURSOR, "at": job["until"]}, upsert=True
        )
        await database.db[STATE].delete_one({"_id": _JOB})
        return run
    finally:
        await release(database, owner)


async def _new_job(matching: MatchService) -> dict[str, Any] | None:
    """The job for the changes since the last run, saved; None when nothing changed."""
    database = matching.database
    until = datetime.now(UTC) - matching.index.settle_margin
    cursor = await database.db[STATE].find_one({"_id": _CURSOR})
    since = cursor["at"] if cursor else None
    if since is None:
        # First run: every record was matched against the catalog as it was when it was saved.
        earliest = await earliest_saved(database)
        since = earliest - matching.index.settle_margin if earliest else None
    studies = sorted(await changed_studies(matching, since, until)) if since else []
    if not studies:
        await database.db[STATE].replace_one(
            {"_id": _CURSOR}, {"_id": _CURSOR, "at": until}, upsert=True
        )
        return None
    job = {"_id": _JOB, "until": until, "studies": studies, "pass": 0, "after": None}
    await database.db[STATE].insert_one(job)
    return job


async def _work(
    matching: MatchService,
    job: dict[str, Any],
    owner: str,
    lease: timedelta,
    tally: Tally,
    studies_per_pass: int,
    patients_per_read: int,
) -> None:
    database = matching.database
    studies: list[str] = job["studies"]
    passes = [studies[i : i + studies_per_pass] for i in range(0, len(studies), studies_per_pass)]
    for number in range(job["pass"], len(passes)):
        after = job["after"] if number == job["pass"] else None
        while records := await records_after(database, after, patients_per_read):
            for record in records:
                if not await renew(database, owner, lease):
                    raise LeaseLost(f"the re-match lease of {owner} was taken over")
                try:
                    done = await reassess(
                        matching, record, passes[number], match_patient, cause=CATALOG_CHANGED
                    )
                except FHIRError as error:
                    # The stored record or question is refused (e.g. its ZIP code is no longer
                    # known): skip this patient rather than stop every later re-match here.
                    log.warning("Re-matching Patient/%s failed: %s", record.patient_id, error)
                    tally.failed += 1
                else:
                    tally.add(done)
                after = record.patient_id
                await database.db[STATE].update_one(
                    {"_id": _JOB}, {"$set": {"pass": number, "after": after}}
                )
        await database.db[STATE].update_one(
            {"_id": _JOB}, {"$set": {"pass": number + 1, "after": None}}
        )
