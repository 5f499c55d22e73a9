"""One sync run: fetch the studies of a scope updated since its watermark, import them through
the importer, advance the watermark as far as everything is imported, record the run.

Which studies are imported: those whose overall status is one of the scope's, and those already
in the catalog whatever their status now, so that a study that stopped recruiting is updated
rather than left "recruiting" for good. The window is therefore fetched with every status
(only the scope's first run, with no watermark, asks for the scope's statuses alone)."""

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pymongo.errors import PyMongoError

from fhirtrial.catalog.importer import import_studies
from fhirtrial.catalog.sources import StudyInput, from_documents
from fhirtrial.catalog.sync.lease import DEFAULT_TTL, SyncLease
from fhirtrial.catalog.sync.runs import (
    SyncFailure,
    SyncRun,
    close_abandoned_runs,
    load_watermark,
    prepare_runs,
    save_run,
    save_watermark,
)
from fhirtrial.catalog.sync.scope import SyncScope
from fhirtrial.ctgov import CtGovClient, CtGovError
from fhirtrial.mappers.record import dig
from fhirtrial.mappers.study_status import overall_status
from fhirtrial.matching.service import MatchService
from fhirtrial.matching.study_facets import DEFAULT_STATUSES as ENROLLING
from fhirtrial.matching.study_facets import status_keys
from fhirtrial.store.database import Database
from fhirtrial.store.lookup import pieces

# LastUpdatePostDate is a day, and a study may be posted on the day a run reads it: each window
# starts a day before the watermark, and the import, idempotent, makes nothing of the overlap.
OVERLAP = timedelta(days=1)
_ORIGIN = "ClinicalTrials.gov sync"


class LeaseLost(Exception):
    """The lease lapsed during the run (a page took longer than its ttl, or the database was
    unreachable that long) and another sync took it: this one stops."""


async def sync_catalog(
    matching: MatchService,
    client: CtGovClient,
    scope: SyncScope,
    *,
    since: date | None = None,
    lease_ttl: timedelta = DEFAULT_TTL,
    page_size: int = 1000,
) -> SyncRun:
    """Run one sync and return its record (also stored); raises LeaseHeld, without running,
    when another sync holds the lease. `since` overrides the window's start (a first run that
    looks back over every status, or a catch-up)."""
    database = matching.database
    async with SyncLease(database, ttl=lease_ttl).held() as lease:
        watermark = await load_watermark(database, scope)
        start = since if since is not None else (watermark - OVERLAP if watermark else None)
        run = SyncRun(
            id=str(uuid.uuid4()),
            scope=scope,
            started=datetime.now(UTC),
            window_from=start,
            watermark_before=watermark,
            watermark=watermark,
        )
        await prepare_runs(database)
        await close_abandoned_runs(database)
        await save_run(database, run)
        try:
            await _fetch_and_import(matching, client, run, lease, page_size)
        except (CtGovError, PyMongoError, LeaseLost) as exc:
            run.outcome, run.error = "failed", str(exc)
        except asyncio.CancelledError:  # the server is stopping
            run.outcome, run.error = "failed", "interrupted"
            run.finished = datetime.now(UTC)
            await asyncio.shield(save_run(database, run))
            raise
        else:
            run.outcome = "partial" if run.counts.failed else "succeeded"
        run.finished = datetime.now(UTC)
        await save_run(database, run)
    return run


async def _fetch_and_import(
    matching: MatchService, client: CtGovClient, run: SyncRun, lease: SyncLease, page_size: int
) -> None:
    scope, database = run.scope, matching.database
    in_order = True  # the pages came oldest update first, as asked
    last_day: date | None = None
    pages = client.iter_update_pages(
        condition=scope.condition,
        term=scope.term,
        # A first run takes the scope's statuses only; later ones every status (module doc).
        overall_status=list(scope.statuses) if run.window_from is None else None,
        updated_since=run.window_from,
        page_size=page_size,
    )
    async for entries in pages:
        run.counts.fetched += len(entries)
        inputs = from_documents(entries, _ORIGIN)
        for entry, bad in zip(entries, inputs, strict=True):
            if bad.study is None:
                run.add_failure(SyncFailure(_claimed_nct_id(entry), f"{bad.origin}: {bad.error}"))
        studies = [item for item in inputs if item.study is not None]
        await _import_page(matching, run, studies)
        # Renewed at every page, and before the watermark moves: a sync whose lease lapsed
        # (and may now be another's) writes no watermark.
        if not await lease.renew():
            raise LeaseLost("the sync lease lapsed and was taken by another sync")
        days = [day for item in studies if (day := _update_day(item.study)) is not None]
        if days:
            after_last = last_day is None or days[0] >= last_day
            in_order = in_order and after_last and days == sorted(days)
            last_day = max(days if last_day is None else [last_day, *days])
            if in_order:
                # Every study updated before the page's last day has been read; that day itself
                # is read again by the next window.
                await _advance(database, run, days[-1])
        await save_run(database, run)
    if last_day is not None:
        await _advance(database, run, last_day)


async def _import_page(matching: MatchService, run: SyncRun, studies: list[StudyInput]) -> None:
    before = await _catalog_statuses(matching.database, [s.nct_id for s in studies if s.nct_id])
    chosen = []
    for item in studies:
        if overall_status(item.study or {}) in run.scope.statuses or item.nct_id in before:
            chosen.append(item)
        else:
            run.counts.skipped += 1
    summary = await import_studies(matching, chosen)
    run.counts.created += len(summary.created)
    run.counts.updated += len(summary.updated)
    run.counts.unchanged += len(summary.unchanged)
    now_status = {item.nct_id: overall_status(item.study or {}) for item in chosen}
    run.counts.closed += sum(
        1
        for nct_id in summary.updated
        if before.get(nct_id, set()) & ENROLLING and now_status.get(nct_id) not in ENROLLING
    )
    for failure in summary.failures:
        run.add_failure(SyncFailure(failure.nct_id, failure.reason))


async def _catalog_statuses(database: Database, nct_ids: list[str]) -> dict[str, set[str]]:
    """The overall statuses the catalog has for those of these studies it holds."""
    studies = database.collections("ResearchStudy").current
    found: dict[str, set[str]] = {}
    for piece in pieces(nct_ids):
        query = {"_id": {"$in": piece}, "del": False}
        async for doc in studies.find(query, {"res.progressStatus": 1}):
            found[doc["_id"]] = set(status_keys(doc.get("res") or {}))
    return found


async def _advance(database: Database, run: SyncRun, day: date) -> None:
    if run.watermark is None or day > run.watermark:
        run.watermark = day
        await save_watermark(database, run.scope, day)


def _update_day(study: dict[str, Any] | None) -> date | None:
    status = (study or {}).get("protocolSection", {}).get("statusModule", {})
    value = (status.get("lastUpdatePostDateStruct") or {}).get("date")
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _claimed_nct_id(entry: Any) -> str | None:
    """What a record that is not a valid study gives as its NCT number, to name it."""
    protocol = entry.get("protocolSection") if isinstance(entry, dict) else None
    found = dig(protocol, "identificationModule", "nctId")
    return found if isinstance(found, str) else None
