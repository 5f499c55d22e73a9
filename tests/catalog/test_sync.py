"""`sync_catalog` against ClinicalTrials.gov pages served from real records (respx), with
failures injected: 5xx mid-sync, a malformed study, a study that closed, a rerun, the lease."""

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
import respx

from fhirtrial.catalog.sync import LeaseHeld, SyncScope, recent_runs, sync_catalog
from fhirtrial.ctgov import CtGovClient
from fhirtrial.matching.service import MatchService
from fhirtrial.matching.study_facets import status_keys
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.repository import Repository
from tests.catalog.recorded_ctgov import (
    RECORDS,
    STUDIES_URL,
    RecordedCtGov,
    changed,
    nct,
    status_of,
    updated,
)
from tests.helpers import make_settings

ENROLLING = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}
IN_SCOPE = sorted((s for s in RECORDS if status_of(s) in ENROLLING), key=updated)
BY_ID = {nct(s): s for s in RECORDS}


@pytest.fixture
async def database(mongo_url):
    settings = make_settings(mongo_url)
    db = Database.connect(mongo_url, settings.database, RESOURCE_TYPES)
    await db.ensure_indexes()
    yield db
    await db.client.drop_database(settings.database)
    await db.close()


@pytest.fixture
def matching(database) -> MatchService:
    return MatchService(database)


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


async def sync(matching, ctgov, scope: SyncScope | None = None, **options):
    with respx.mock(assert_all_called=False) as mock:
        mock.get(STUDIES_URL).mock(side_effect=ctgov)
        async with CtGovClient(
            requests_per_minute=None, max_retries=2, sleep=no_wait, random=lambda: 0.5
        ) as client:
            return await sync_catalog(matching, client, scope or SyncScope.of(), **options)


async def catalog_ids(database) -> set[str]:
    studies = database.collections("ResearchStudy").current
    return {doc["_id"] async for doc in studies.find({"del": False}, {"_id": 1})}


async def versions(database) -> int:
    return (await Repository(database).history("ResearchStudy")).total


async def test_a_first_sync_imports_the_chosen_statuses_page_by_page(database, matching):
    ctgov = RecordedCtGov(RECORDS, page_size=3)
    run = await sync(matching, ctgov)
    assert run.outcome == "succeeded" and run.error is None
    assert run.window_from is None and run.watermark_before is None
    assert run.watermark == updated(IN_SCOPE[-1]) == date(2025, 10, 9)
    counts = run.counts
    assert (counts.fetched, counts.created, counts.updated, counts.failed) == (7, 7, 0, 0)
    assert await catalog_ids(database) == {nct(s) for s in IN_SCOPE}
    # The first run has no window: it asks CT.gov for the scope's statuses, oldest update first.
    assert len(ctgov.requests) == 3
    first = ctgov.requests[0]
    assert first["filter.overallStatus"] == "ENROLLING_BY_INVITATION,NOT_YET_RECRUITING,RECRUITING"
    assert "filter.advanced" not in first
    assert [r.get("pageToken") for r in ctgov.requests] == [None, "page-1", "page-2"]
    [stored] = await recent_runs(database)
    assert stored.outcome == "succeeded" and stored.counts == run.counts
    assert stored.watermark == date(2025, 10, 9) and stored.finished is not None


async def test_the_next_sync_asks_every_status_since_the_day_before_and_closes_studies(
    database, matching
):
    await sync(matching, RecordedCtGov(RECORDS, page_size=3))
    closing, outside, opening = "NCT05573893", "NCT02941614", "NCT05266105"
    now = {
        closing: changed(BY_ID[closing], status="COMPLETED", on="2025-11-20"),
        outside: changed(BY_ID[outside], on="2025-11-21"),  # COMPLETED, never in the catalog
        opening: changed(BY_ID[opening], status="RECRUITING", on="2025-11-22"),
    }
    ctgov = RecordedCtGov([now.get(nct(s), s) for s in RECORDS], page_size=3)
    run = await sync(matching, ctgov)

    assert run.window_from == date(2025, 10, 8) and run.watermark_before == date(2025, 10, 9)
    assert ctgov.requests[0]["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2025-10-08,MAX]"
    assert "filter.overallStatus" not in ctgov.requests[0]
    c = run.counts
    assert (c.fetched, c.created, c.updated, c.closed, c.unchanged, c.skipped, c.failed) == (
        4, 1, 1, 1, 1, 1, 0,
    )  # fmt: skip
    assert run.outcome == "succeeded" and run.watermark == date(2025, 11, 22)
    ids = await catalog_ids(database)
    assert closing in ids and opening in ids and outside not in ids
    closed = await Repository(database).read("ResearchStudy", closing)
    assert status_keys(closed.resource) == ["COMPLETED"]
    protocol = closed.resource["protocol"][0]["reference"].split("/")
    assert (await Repository(database).read(*protocol)).resource["status"] == "retired"


async def test_a_rerun_with_nothing_new_makes_no_new_version(database, matching):
    await sync(matching, RecordedCtGov(RECORDS, page_size=3))
    before = await versions(database)
    run = await sync(matching, RecordedCtGov(RECORDS, page_size=3))
    c = run.counts
    # The day of overlap brings back the last study: read again, stored as it was.
    assert (c.fetched, c.unchanged, c.created, c.updated, c.failed) == (1, 1, 0, 0, 0)
    assert run.outcome == "succeeded" and run.watermark == date(2025, 10, 9)
    assert await versions(database) == before


async def test_ctgov_failing_mid_sync_keeps_the_watermark_at_what_was_imported(database, matching):
    # Page 2 answers 503 three times: the first try and both retries.
    ctgov = RecordedCtGov(RECORDS, page_size=3, faults={1: (503, 3)})
    failed = await sync(matching, ctgov)
    assert failed.outcome == "failed"
    assert "kept failing, last: HTTP 503" in (failed.error or "")
    assert [r.get("pageToken") for r in ctgov.requests] == [None] + ["page-1"] * 3
    assert failed.counts.created == 3
    # Everything before the last day of page 1 is imported; that day is read again.
    assert failed.watermark == updated(IN_SCOPE[2]) == date(2025, 8, 22)
    assert await catalog_ids(database) == {nct(s) for s in IN_SCOPE[:3]}

    rerun = await sync(matching, ctgov)  # CT.gov is back
    assert rerun.outcome == "succeeded" and rerun.window_from == date(2025, 8, 21)
    c = rerun.counts
    assert (c.created, c.unchanged, c.skipped, c.failed) == (4, 1, 2, 0)
    assert rerun.watermark == date(2025, 10, 9)
    assert await catalog_ids(database) == {nct(s) for s in IN_SCOPE}
    history = await recent_runs(database)
    assert [r.outcome for r in history] == ["succeeded", "failed"]


async def test_a_5xx_that_clears_within_the_retries_is_not_a_failure(database, matching):
    ctgov = RecordedCtGov(RECORDS, page_size=3, faults={1: (502, 2)})
    run = await sync(matching, ctgov)
    assert run.outcome == "succeeded" and run.counts.created == 7


async def test_a_malformed_study_is_recorded_as_a_failure_and_the_rest_imported(database, matching):
    malformed = changed(IN_SCOPE[1], on="2025-08-16")
    malformed["protocolSection"]["identificationModule"]["nctId"] = "NCT123"
    run = await sync(matching, RecordedCtGov([*RECORDS, malformed], page_size=3))
    assert run.outcome == "partial"
    assert (run.counts.fetched, run.counts.created, run.counts.failed) == (8, 7, 1)
    [failure] = run.failures
    assert failure.nct_id == "NCT123" and "is not an NCT number" in failure.reason
    # A record CT.gov serves malformed is the same on the next read: it does not hold the
    # watermark back (a corrected record gets a new update date).
    assert run.watermark == date(2025, 10, 9)
    assert await catalog_ids(database) == {nct(s) for s in IN_SCOPE}
    [stored] = await recent_runs(database)
    assert stored.failures == run.failures


async def test_two_syncs_at_once_one_runs_the_other_says_why_not(database, matching):
    results = await asyncio.gather(
        sync(matching, RecordedCtGov(RECORDS, page_size=3)),
        sync(matching, RecordedCtGov(RECORDS, page_size=3)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, LeaseHeld)]
    ran = [r for r in results if not isinstance(r, BaseException)]
    assert len(refused) == 1 and len(ran) == 1, results
    assert ran[0].outcome == "succeeded" and ran[0].counts.created == 7
    assert str(refused[0]).startswith("another sync is running (")
    assert len(await recent_runs(database)) == 1
    # Released when done: the next sync runs.
    assert (await sync(matching, RecordedCtGov(RECORDS))).outcome == "succeeded"


async def test_a_crashed_syncs_lease_lapses_and_a_live_one_blocks(database, matching):
    leases = database.db["sync_lease"]
    past = datetime.now(UTC) - timedelta(hours=1)
    await leases.insert_one(
        {"_id": "ctgov-sync", "owner": "crashed pid 1", "since": past, "expires": past}
    )
    crashed = await sync(matching, RecordedCtGov(RECORDS))  # recorded, then left "running"
    await database.db["sync_runs"].update_one(
        {"_id": crashed.id}, {"$set": {"outcome": "running", "finished": None}}
    )
    await leases.insert_one(
        {"_id": "ctgov-sync", "owner": "crashed pid 1", "since": past, "expires": past}
    )
    assert (await sync(matching, RecordedCtGov(RECORDS))).outcome == "succeeded"
    # The crashed run's record is closed by the next holder of the lease.
    history = await recent_runs(database)
    assert [(r.outcome, r.error) for r in history] == [
        ("succeeded", None),
        ("failed", "abandoned: its process ended before the run did"),
    ]

    soon = datetime.now(UTC) + timedelta(minutes=5)
    await leases.insert_one(
        {"_id": "ctgov-sync", "owner": "other pid 2", "since": past, "expires": soon}
    )
    with pytest.raises(LeaseHeld) as held:
        await sync(matching, RecordedCtGov(RECORDS))
    assert held.value.holder == "other pid 2"
    assert f"expires at {soon:%Y-%m-%d %H:%M:%S} UTC" in str(held.value)
    assert len(await recent_runs(database)) == 2


async def test_the_scope_has_its_own_watermark(database, matching):
    await sync(matching, RecordedCtGov(RECORDS, page_size=3))
    ctgov = RecordedCtGov(RECORDS, page_size=3)
    run = await sync(matching, ctgov, SyncScope.of(condition="breast cancer"))
    assert run.window_from is None and ctgov.requests[0]["query.cond"] == "breast cancer"
    assert run.counts.unchanged == 5 and run.counts.created == 0


async def test_a_sync_whose_lease_was_taken_stops_without_moving_the_watermark(database, matching):
    recorded = RecordedCtGov(RECORDS, page_size=3)

    async def lease_taken_during_page_2(request):
        if request.url.params.get("pageToken") == "page-1":
            # As after a lapse: another sync took the lease over.
            soon = datetime.now(UTC) + timedelta(minutes=5)
            await database.db["sync_lease"].update_one(
                {"_id": "ctgov-sync"}, {"$set": {"owner": "other pid 2", "expires": soon}}
            )
        return recorded(request)

    run = await sync(matching, lease_taken_during_page_2)
    assert run.outcome == "failed"
    assert run.error == "the sync lease lapsed and was taken by another sync"
    assert run.counts.created == 6  # page 2 was imported (harmless: imports are idempotent)
    assert run.watermark == updated(IN_SCOPE[2])  # but only page 1 counts as done
    assert len(recorded.requests) == 2
    # The other holder's lease is left alone.
    lease = await database.db["sync_lease"].find_one({"_id": "ctgov-sync"})
    assert lease["owner"] == "other pid 2"
