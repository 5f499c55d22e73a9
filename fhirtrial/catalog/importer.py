"""Import ClinicalTrials.gov studies: map each to FHIR R5, validate, and store it as one unit.

The CLI (`fhirtrial import`) and the HTTP operation (`ResearchStudy/$import`) both call
`import_studies`. A study that cannot be fetched, mapped or validated is reported and skipped;
the rest of the batch goes on.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field

from fhirtrial.errors import FHIRError
from fhirtrial.mappers.ctgov import MappedStudy, StudyMappingError, map_study, validate_mapped
from fhirtrial.store.batch import CREATED, UNCHANGED, write_units
from fhirtrial.store.database import Database

log = logging.getLogger("fhirtrial.import")

BATCH_SIZE = 50


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


async def import_studies(
    database: Database,
    inputs: AsyncIterator[StudyInput] | Iterable[StudyInput],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> ImportSummary:
    summary = ImportSummary()
    batch: list[tuple[StudyInput, MappedStudy]] = []
    async for item in _aiter(inputs):
        mapped = _map(item, summary)
        if mapped is not None:
            batch.append((item, mapped))
        if len(batch) >= batch_size:
            await _store(database, batch, summary)
            batch = []
        if progress is not None:
            progress(summary)
        await asyncio.sleep(0)  # let a server keep answering during long imports
    if batch:
        await _store(database, batch, summary)
        if progress is not None:
            progress(summary)
    return summary


def _map(item: StudyInput, summary: ImportSummary) -> MappedStudy | None:
    if item.error is not None or item.study is None:
        summary.failures.append(ImportFailure(item.nct_id, item.origin, item.error or "no study"))
        return None
    try:
        mapped = map_study(item.study)
        validate_mapped(mapped)
    except StudyMappingError as exc:
        summary.failures.append(ImportFailure(exc.nct_id or item.nct_id, item.origin, str(exc)))
        return None
    except Exception as exc:  # a mapper bug must not stop the batch; report it with the record
        log.exception("Mapping %s failed", item.origin)
        summary.failures.append(
            ImportFailure(item.nct_id, item.origin, f"could not be mapped: {exc!r}")
        )
        return None
    summary.warnings += [f"{mapped.nct_id}: {w}" for w in mapped.warnings]
    return mapped


async def _store(
    database: Database, batch: list[tuple[StudyInput, MappedStudy]], summary: ImportSummary
) -> None:
    resources = [r for _, mapped in batch for r in mapped.resources]
    try:
        outcome = await write_units(database, resources)
    except FHIRError as exc:
        for item, mapped in batch:
            summary.failures.append(ImportFailure(mapped.nct_id, item.origin, exc.diagnostics))
        return
    for _, mapped in batch:
        states = [outcome[f"{r['resourceType']}/{r['id']}"] for r in mapped.resources]
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
