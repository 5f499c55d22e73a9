"""Import ClinicalTrials.gov studies: map each to FHIR R5, validate, and store it as one unit.

The CLI (`fhirtrial import`) and the HTTP operation (`ResearchStudy/$import`) both call
`import_studies`. A study that cannot be fetched, mapped or validated is reported and skipped;
the rest of the batch goes on.
"""

import asyncio
import logging
import multiprocessing
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field

from fhirtrial.catalog.records import save_records
from fhirtrial.errors import FHIRError
from fhirtrial.mappers.ctgov import MappedStudy, StudyMappingError, map_study, validate_mapped
from fhirtrial.matching.index import refresh_after_import
from fhirtrial.store.batch import CREATED, UNCHANGED, write_units
from fhirtrial.store.database import Database

log = logging.getLogger("fhirtrial.import")

# Studies per batch write: a batch of ~25 studies (~800 resources) is one transaction.
BATCH_SIZE = 25


@dataclass(frozen=True)
class StudyInput:
    """One study to import, or the reason it could not even be read."""

    origin: str
    study: dict | None = None
    error: str | None = None
    nct_id: str | None = None


@dataclass(frozen=True)
class ImportFailure:
    nct_id: str | None
    origin: str
    reason: str


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[ImportFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def processed(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.failures)

    def lines(self) -> list[str]:
        out = [
            f"studies: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failures)} failed"
        ]
        out += [f"warning: {w}" for w in self.warnings]
        out += [f"FAILED {f.nct_id or '?'} ({f.origin}): {f.reason}" for f in self.failures]
        return out


Progress = Callable[[ImportSummary], None]
Mapped = MappedStudy | ImportFailure


async def import_studies(
    database: Database,
    inputs: AsyncIterator[StudyInput] | Iterable[StudyInput],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    workers: int = 1,
) -> ImportSummary:
    """Import every input; with `workers` > 1, mapping and validation (CPU-bound) run in that
    many processes while the previous batch is being written."""
    summary = ImportSummary()
    pool = _process_pool(workers) if workers > 1 else None
    pending: deque[asyncio.Future[list[tuple[StudyInput, Mapped]]]] = deque()
    loop = asyncio.get_running_loop()

    async def drain(future: asyncio.Future[list[tuple[StudyInput, Mapped]]]) -> None:
        results = await future
        batch = []
        for item, result in results:
            if isinstance(result, ImportFailure):
                summary.failures.append(result)
            else:
                summary.warnings += [f"{result.nct_id}: {w}" for w in result.warnings]
                batch.append((item, result))
        if batch:
            await _store(database, batch, summary)
        if progress is not None:
            progress(summary)

    def submit(chunk: list[StudyInput]) -> None:
        if pool is None:
            future = loop.create_future()
            future.set_result(map_chunk(chunk))
        else:
            future = loop.run_in_executor(pool, map_chunk, chunk)
        pending.append(future)

    try:
        chunk: list[StudyInput] = []
        async for item in _aiter(inputs):
            chunk.append(item)
            if len(chunk) >= batch_size:
                submit(chunk)
                chunk = []
            while len(pending) > max(workers, 1) * 2 or (pending and pending[0].done()):
                await drain(pending.popleft())
            await asyncio.sleep(0)  # let a server keep answering during long imports
        if chunk:
            submit(chunk)
        while pending:
            await drain(pending.popleft())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return summary


def map_chunk(chunk: list[StudyInput]) -> list[tuple[StudyInput, Mapped]]:
    """Map and validate studies (run inline or in a worker process)."""
    return [(item, _map(item)) for item in chunk]


def _map(item: StudyInput) -> Mapped:
    if item.error is not None or item.study is None:
        return ImportFailure(item.nct_id, item.origin, item.error or "no study")
    try:
        mapped = map_study(item.study)
        validate_mapped(mapped)
    except StudyMappingError as exc:
        return ImportFailure(exc.nct_id or item.nct_id, item.origin, str(exc))
    except Exception as exc:  # a mapper bug must not stop the batch; report it with the record
        log.exception("Mapping %s failed", item.origin)
        return ImportFailure(item.nct_id, item.origin, f"could not be mapped: {exc!r}")
    return mapped


def _process_pool(workers: int) -> Executor:
    # "spawn": the parent runs an event loop and driver threads, which must not be forked.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up)


def _warm_up() -> None:
    """Build fhir.resources' validators once per worker, before the first real batch."""
    from fhirtrial.catalog.seeds import seed_inputs

    map_chunk(seed_inputs()[:1])


async def _store(
    database: Database, batch: list[tuple[StudyInput, MappedStudy]], summary: ImportSummary
) -> None:
    resources = [r for _, mapped in batch for r in mapped.resources]
    try:
        written = await write_units(database, resources)
    except FHIRError as exc:
        for item, mapped in batch:
            summary.failures.append(ImportFailure(mapped.nct_id, item.origin, exc.diagnostics))
        return
    await save_records(database, {mapped.nct_id: item.study for item, mapped in batch})
    study_ids = [mapped.resources[0]["id"] for _, mapped in batch]
    await refresh_after_import(database, study_ids, written)
    for _, mapped in batch:
        states = [written.states[f"{r['resourceType']}/{r['id']}"] for r in mapped.resources]
        study_state = states[0]
        if study_state == CREATED:
            summary.created.append(mapped.nct_id)
        elif all(state == UNCHANGED for state in states):
            summary.unchanged.append(mapped.nct_id)
        else:
            summary.updated.append(mapped.nct_id)


async def _aiter(inputs):
    if hasattr(inputs, "__aiter__"):
        async for item in inputs:
            yield item
    else:
        for item in inputs:
            yield item
