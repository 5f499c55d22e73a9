"""Import ClinicalTrials.gov studies: map each to FHIR R5, validate, and store it as one unit.

The CLI (`fhirtrial import`) and the HTTP operation (`ResearchStudy/$import`) both call
`import_studies`. A study that cannot be fetched, mapped or validated is reported and skipped;
the rest of the batch goes on.
"""

import asyncio
import gc
import logging
import multiprocessing
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import orjson

from fhirtrial.catalog.records import pack_record, save_records
from fhirtrial.catalog.sources import StudyInput, seed_inputs
from fhirtrial.ctgov.sources import check_raw_record
from fhirtrial.errors import FHIRError
from fhirtrial.mappers.ctgov import StudyMappingError, map_study, validate_mapped
from fhirtrial.matching.index.settle import refresh_after_import
from fhirtrial.matching.service import MatchService
from fhirtrial.offload import off_loop
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.batch import CREATED, UNCHANGED, SearchFields, WrittenBatch, write_units
from fhirtrial.store.database import Database
from fhirtrial.store.search_keys import search_fields

log = logging.getLogger("fhirtrial.import")

# Studies per worker chunk and per transaction. Each transaction has a fixed cost on the
# database (commit, lookups, the match index's bookkeeping): larger batches import faster, up to
# about this size (measured: bench/README.md, "Figures behind choices in the code").
BATCH_SIZE = 75
# ...but a transaction holds at most about this many resources, to stay far from mongod's 60 s
# transaction limit: a batch of large studies is split, a study never is.
BATCH_RESOURCES = 5000
_WORKER_NICENESS = 10


@dataclass(frozen=True)
class PreparedStudy:
    """A study mapped and validated, in a form that crosses process boundaries cheaply: JSON
    text, not Python objects (pickling nested dicts cost more than the mapping saved)."""

    nct_id: str
    resources: bytes  # JSON array: ResearchStudy, PlanDefinition, EvidenceVariable, ...
    search: SearchFields  # each resource's stored search fields, by "Type/id"
    warnings: list[str]
    record: bytes  # the source record, as `save_records` keeps it


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
Mapped = PreparedStudy | ImportFailure


async def import_studies(
    matching: MatchService,
    inputs: AsyncIterator[StudyInput] | Iterable[StudyInput],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    workers: int = 1,
) -> ImportSummary:
    """Import every input into `matching.database`, keeping its match index current; with
    `workers` > 1, mapping and validation (CPU-bound) run in that many processes while the
    previous batch is being written. A batch's source records and match-index entries are
    written while the next batch's resources are (other collections, so the two never
    conflict): the database is not left idle while this process works."""
    database = matching.database
    summary = ImportSummary()
    pool = process_pool(workers) if workers > 1 else None
    pending: deque[tuple[list[StudyInput], asyncio.Future[list[Mapped]]]] = deque()
    loop = asyncio.get_running_loop()
    follow_up: asyncio.Task[None] | None = None

    async def drain(chunk: list[StudyInput], future: asyncio.Future[list[Mapped]]) -> None:
        nonlocal follow_up
        results = await future
        batch = []
        for item, result in zip(chunk, results, strict=True):
            if isinstance(result, ImportFailure):
                summary.failures.append(result)
            else:
                summary.warnings += result.warnings  # each names its study already
                batch.append((item, result))
        for group in write_groups(batch, BATCH_RESOURCES):
            if (stored := await _store(database, group, summary)) is not None:
                if follow_up is not None:
                    await follow_up
                follow_up = asyncio.create_task(_after_store(matching, group, *stored))
        if progress is not None:
            progress(summary)

    def submit(chunk: list[StudyInput]) -> None:
        if pool is None:  # off the event loop, so that a server keeps answering meanwhile
            future: asyncio.Future[list[Mapped]] = asyncio.ensure_future(off_loop(map_chunk, chunk))
        else:
            future = loop.run_in_executor(pool, map_chunk, chunk)
        pending.append((chunk, future))

    thresholds = gc.get_threshold()
    # An import allocates millions of short-lived objects (parsed resources, documents): at the
    # default threshold the collector ran every few hundred of them and tripled the cost of
    # parsing the workers' results (bench/README.md).
    gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
    try:
        chunk: list[StudyInput] = []
        async for item in _aiter(inputs):
            chunk.append(item)
            if len(chunk) >= batch_size:
                submit(chunk)
                chunk = []
            while len(pending) > max(workers, 1) * 2 or (pending and pending[0][1].done()):
                await drain(*pending.popleft())
            await asyncio.sleep(0)  # let a server keep answering during long imports
        if chunk:
            submit(chunk)
        while pending:
            await drain(*pending.popleft())
        if follow_up is not None:
            await follow_up
    finally:
        gc.set_threshold(*thresholds)
        if follow_up is not None and not follow_up.done():
            follow_up.cancel()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return summary


def map_chunk(chunk: list[StudyInput]) -> list[Mapped]:
    """Parse, map and validate studies (run inline or in a worker process), in order."""
    return [_map(item) for item in chunk]


def _map(item: StudyInput) -> Mapped:
    study, error = item.study, item.error
    if study is None and error is None and item.raw is not None:
        study, error = check_raw_record(item.raw)
    if error is not None or study is None:
        return ImportFailure(item.nct_id, item.origin, error or "no study")
    try:
        mapped = map_study(study)
        validate_mapped(mapped)
        return PreparedStudy(
            nct_id=mapped.nct_id,
            resources=orjson.dumps(mapped.resources),
            search={
                f"{r['resourceType']}/{r['id']}": search_fields(
                    r, RESOURCE_TYPES[r["resourceType"]]
                )
                for r in mapped.resources
            },
            warnings=mapped.warnings,
            record=pack_record(item.raw if item.raw is not None else orjson.dumps(study)),
        )
    except StudyMappingError as exc:
        return ImportFailure(exc.nct_id or item.nct_id, item.origin, str(exc))
    except Exception as exc:  # a mapper bug must not stop the batch; report it with the record
        log.exception("Mapping %s failed", item.origin)
        return ImportFailure(item.nct_id, item.origin, f"could not be mapped: {exc!r}")


def process_pool(workers: int) -> Executor:
    """The worker processes an import maps and validates in (``import_studies(workers=...)``),
    each warmed up and at a lower priority; the caller shuts it down."""
    # "spawn": the parent runs an event loop and driver threads, which must not be forked.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up)


def _warm_up() -> None:
    """Lower the worker's priority, and build fhir.resources' validators before the first batch.

    The workers are rarely the bottleneck: the database (on the same cores, for the embedded
    one) and the writing process are. At normal priority the workers, always ahead, took CPU
    from them; at a lower one they use what is left."""
    import os

    os.nice(_WORKER_NICENESS)
    map_chunk(seed_inputs()[:1])


def write_groups(
    batch: list[tuple[StudyInput, PreparedStudy]], max_resources: int
) -> list[list[tuple[StudyInput, PreparedStudy]]]:
    """The batch in order, cut so that a group holds at most `max_resources` resources (a study
    larger than that is a group of its own)."""
    groups: list[list[tuple[StudyInput, PreparedStudy]]] = []
    size = max_resources
    for entry in batch:
        count = len(entry[1].search)  # one entry per resource
        if size + count > max_resources:
            groups.append([])
            size = 0
        groups[-1].append(entry)
        size += count
    return groups


async def _store(
    database: Database, batch: list[tuple[StudyInput, PreparedStudy]], summary: ImportSummary
) -> tuple[WrittenBatch, list[str]] | None:
    """Write the batch's resources as one unit; (what was written, the study ids), or None when
    the write failed (every study of the batch is then reported)."""
    per_study = [orjson.loads(prepared.resources) for _, prepared in batch]
    search = {key: found for _, prepared in batch for key, found in prepared.search.items()}
    try:
        written = await write_units(
            database,
            [r for resources in per_study for r in resources],
            search,
            anchors=_study_anchors(per_study),
        )
    except FHIRError as exc:
        for item, prepared in batch:
            summary.failures.append(ImportFailure(prepared.nct_id, item.origin, exc.diagnostics))
        return None
    for (_, prepared), resources in zip(batch, per_study, strict=True):
        states = [written.states[f"{r['resourceType']}/{r['id']}"] for r in resources]
        if states[0] == CREATED:
            summary.created.append(prepared.nct_id)
        elif all(state == UNCHANGED for state in states):
            summary.unchanged.append(prepared.nct_id)
        else:
            summary.updated.append(prepared.nct_id)
    return written, [resources[0]["id"] for resources in per_study]


def _study_anchors(per_study: list[list[dict[str, Any]]]) -> dict[str, str]:
    """Each study's own resources (ids made from its NCT number: protocol, eligibility, sites)
    anchored to its ResearchStudy: a study never imported has none of them. Organizations are
    shared between studies and are always looked up."""
    anchors = {}
    for study, *others in per_study:
        own_prefix = f"{study['id']}-"
        anchor = f"ResearchStudy/{study['id']}"
        for resource in others:
            if resource["id"].startswith(own_prefix):
                anchors[f"{resource['resourceType']}/{resource['id']}"] = anchor
    return anchors


async def _after_store(
    matching: MatchService,
    batch: list[tuple[StudyInput, PreparedStudy]],
    written: WrittenBatch,
    study_ids: list[str],
) -> None:
    """Keep the batch's source records and index its studies for `$match`."""
    await save_records(
        matching.database, {prepared.nct_id: prepared.record for _, prepared in batch}
    )
    await refresh_after_import(matching, study_ids, written)


async def _aiter(
    inputs: AsyncIterator[StudyInput] | Iterable[StudyInput],
) -> AsyncIterator[StudyInput]:
    if isinstance(inputs, AsyncIterable):
        async for item in inputs:
            yield item
    else:
        for item in inputs:
            yield item
