"""The background side of `$export`: a task in each server process that claims export jobs
from the database one at a time, writes their NDJSON files and records the outcome.

Jobs live in the database (`fhirtrial.export.jobs`), so a job kicked off in one process may be
run by another, and a job whose process stopped is taken over once its lease runs out (or at
once when the process stopped cleanly and gave it back). The runner also deletes the jobs, and
their files, that have expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from fhirtrial.errors import FHIRError, Issue
from fhirtrial.export import jobs
from fhirtrial.export.pieces import FileWriter, delete_files, run_key
from fhirtrial.export.selection import part_filter
from fhirtrial.resources.outcome import operation_outcome
from fhirtrial.store.database import Database

log = logging.getLogger("fhirtrial.export")

_CURSOR_BATCH = 500
# The lease is renewed with every piece written, and at least this often.
_RENEW_EVERY_S = 10.0
_STOP_WAIT_S = 10.0
ERROR_FILE = "OperationOutcome-1"


@dataclass(frozen=True)
class ExportSettings:
    retention: timedelta
    file_max_resources: int
    max_joined: int
    # How often an idle runner looks for jobs another process queued or gave up.
    poll_s: float = 5.0
    sweep_s: float = 60.0


class _Lost(Exception):
    """The job is no longer this runner's: cancelled, expired or taken over."""


class _Stopping(Exception):
    """The runner is stopping: leave the job for the next runner."""


def _now() -> datetime:
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class ExportRunner:
    def __init__(self, database: Database, settings: ExportSettings) -> None:
        self.database = database
        self.settings = settings
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._swept = 0.0
        # Set by `stop`: a cancellation can be lost (Python 3.11's wait_for, a driver call that
        # turns it into its own error), so the loop also checks this.
        self._stopping = False

    async def prepare(self) -> None:
        await jobs.ensure_collections(self.database.db)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="fhirtrial-export")

    @property
    def stopping(self) -> bool:
        return self._stopping

    def wake(self) -> None:
        """A job was queued: look now rather than at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        self._task.cancel()
        done, _ = await asyncio.wait({self._task}, timeout=_STOP_WAIT_S)
        if not done:
            log.warning("The export runner did not stop within %s s", _STOP_WAIT_S)
        self._task = None
        # Also a job claimed as the task was cancelled, before it could know it had one.
        with contextlib.suppress(Exception):
            await jobs.release(self.database.db, self.worker)

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                if time.monotonic() - self._swept >= self.settings.sweep_s:
                    await self.sweep()
                job = await jobs.claim_job(self.database.db, self.worker, now=_now())
                if job is not None:
                    await self.run(job)
                    continue
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be away: try again at the next round
                if self._stopping:
                    return
                log.exception("Export runner round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.settings.poll_s)
            self._wake.clear()

    async def sweep(self) -> None:
        """Delete the jobs (and files) whose time is up."""
        self._swept = time.monotonic()
        for job_id in await jobs.expired_jobs(self.database.db, now=_now()):
            await jobs.delete_job(self.database.db, job_id)

    async def run(self, job: dict[str, Any]) -> None:
        db, job_id = self.database.db, job["_id"]
        run = run_key(job_id, job["attempts"])
        keep = self.settings.retention
        if job["attempts"] > jobs.MAX_ATTEMPTS:
            failure = f"The export was started {jobs.MAX_ATTEMPTS} times and never finished"
            await jobs.finish(
                db,
                job_id,
                self.worker,
                {"state": jobs.FAILED, "failure": failure},
                now=_now(),
                keep=keep,
            )
            return
        try:
            output, errors = await self._export(job, run)
        except _Lost:
            await delete_files(db, run)
            return
        except _Stopping:  # the job is released as the runner stops
            await delete_files(db, run)
            return
        except asyncio.CancelledError:
            await delete_files(db, run)  # the job is released as the runner stops
            raise
        except FHIRError as error:
            await delete_files(db, run)
            await jobs.finish(
                db,
                job_id,
                self.worker,
                {"state": jobs.FAILED, "failure": error.diagnostics, "status": error.status},
                now=_now(),
                keep=keep,
            )
            return
        except Exception:
            if self._stopping:  # a driver call interrupted by the stop: not the job's fault
                return
            log.exception("Export %s failed", job_id)
            await delete_files(db, run)
            await jobs.finish(
                db,
                job_id,
                self.worker,
                {"state": jobs.FAILED, "failure": "Internal error; see the server log"},
                now=_now(),
                keep=keep,
            )
            return
        fields = {"state": jobs.COMPLETED, "output": output, "errors": errors, "run": run}
        if not await jobs.finish(db, job_id, self.worker, fields, now=_now(), keep=keep):
            await delete_files(db, run)  # cancelled as it ended

    async def _export(
        self, job: dict[str, Any], run: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        db, database = self.database.db, self.database
        parts = jobs.parts_of(job)
        filters = [
            await part_filter(
                database,
                part,
                since=job["since"],
                until=job["transaction_time"],
                max_joined=self.settings.max_joined,
            )
            for part in parts
        ]
        started = time.perf_counter()
        total = 0
        for part, flt in zip(parts, filters, strict=True):
            total += await database.collections(part.resource_type).current.count_documents(flt)
        log.debug(
            "Export %s: %d resources counted in %.3f s",
            job["_id"],
            total,
            time.perf_counter() - started,
        )
        progress = _Progress(self, job["_id"], total)
        await progress.renew(force=True)
        output: list[dict[str, Any]] = []
        for part, flt in zip(parts, filters, strict=True):
            started = time.perf_counter()
            output += await self._export_part(run, part.resource_type, flt, progress)
            log.debug(
                "Export %s: %s written in %.3f s",
                job["_id"],
                part.resource_type,
                time.perf_counter() - started,
            )
        errors = []
        if job.get("notes"):
            writer = FileWriter(db, run, ERROR_FILE)
            issues = [Issue("information", "informational", note) for note in job["notes"]]
            writer.add(orjson.dumps(operation_outcome(issues)) + b"\n")
            await writer.flush()
            errors.append({"name": ERROR_FILE, "count": 1})
        return output, errors

    async def _export_part(
        self, run: str, resource_type: str, flt: dict[str, Any], progress: _Progress
    ) -> list[dict[str, Any]]:
        current = self.database.collections(resource_type).current
        files: list[dict[str, Any]] = []
        writer: FileWriter | None = None
        cursor = current.find(flt, {"res": 1}, batch_size=_CURSOR_BATCH)
        async for doc in cursor:
            if writer is None:
                name = f"{resource_type}-{len(files) + 1}"
                writer = FileWriter(self.database.db, run, name)
                files.append({"type": resource_type, "name": name, "count": 0})
            due = writer.add(orjson.dumps(doc["res"]) + b"\n")
            progress.done += 1
            if writer.lines >= self.settings.file_max_resources:
                due = True
            if due:
                await writer.flush()
            await progress.renew(force=due)
            if writer.lines >= self.settings.file_max_resources:
                files[-1]["count"] = writer.lines
                writer = None
        if writer is not None:
            await writer.flush()
            files[-1]["count"] = writer.lines
        return files


class _Progress:
    def __init__(self, runner: ExportRunner, job_id: str, total: int) -> None:
        self.runner, self.job_id, self.total = runner, job_id, total
        self.done = 0
        self._renewed = 0.0

    async def renew(self, *, force: bool) -> None:
        if self.runner.stopping:
            raise _Stopping()
        if not force and time.monotonic() - self._renewed < _RENEW_EVERY_S:
            return
        self._renewed = time.monotonic()
        runner = self.runner
        progress = {"done": self.done, "total": self.total}
        if not await jobs.renew(
            runner.database.db, self.job_id, runner.worker, progress, now=_now()
        ):
            raise _Lost()
