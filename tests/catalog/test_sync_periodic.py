"""The server's own catalog sync (`FHIRTRIAL_SYNC_INTERVAL`): off by default, a run at start,
one at a time across server processes on one database."""

import asyncio
import contextlib

import httpx
import pytest
import respx
from pymongo import MongoClient

from fhirtrial.api.app import create_app
from tests.catalog.recorded_ctgov import RECORDS, STUDIES_URL, RecordedCtGov
from tests.helpers import make_settings


def syncing_settings(mongo_url: str, database: str | None = None):
    overrides = {"database": database} if database else {}
    return make_settings(
        mongo_url,
        sync_interval=3600,
        sync_condition="breast cancer",
        ctgov_requests_per_minute=60_000,
        **overrides,
    )


@contextlib.asynccontextmanager
async def serving(settings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


async def test_the_sync_is_off_unless_an_interval_is_set(mongo_url):
    async with serving(make_settings(mongo_url)) as app:
        assert app.state.sync is None
        await app.state.context.repository.database.client.drop_database(
            app.state.context.settings.database
        )


async def test_a_server_with_an_interval_syncs_at_start(mongo_url):
    settings = syncing_settings(mongo_url)
    with respx.mock(assert_all_mocked=False) as mock:
        mock.get(STUDIES_URL).mock(side_effect=RecordedCtGov(RECORDS, page_size=2))
        async with serving(settings) as app:
            await asyncio.wait_for(app.state.sync.ran.wait(), 120)
            run = app.state.sync.last
            assert run.outcome == "succeeded" and run.counts.created == 5
            assert run.scope.condition == "breast cancer"
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://fhir.test") as c:
                found = await c.get("/ResearchStudy", params={"_summary": "count"})
            assert found.status_code == 200 and found.json()["total"] == 5
            await app.state.context.repository.database.client.drop_database(settings.database)


async def test_two_server_processes_sync_one_at_a_time(mongo_url):
    first = syncing_settings(mongo_url)
    second = syncing_settings(mongo_url, first.database)
    recorded = RecordedCtGov(RECORDS, page_size=2)
    asked, go_on = asyncio.Event(), asyncio.Event()

    async def slow_ctgov(request: httpx.Request) -> httpx.Response:
        asked.set()  # the first server's sync holds the lease and is fetching
        await go_on.wait()
        return recorded(request)

    with respx.mock(assert_all_mocked=False) as mock:
        mock.get(STUDIES_URL).mock(side_effect=slow_ctgov)
        async with serving(first) as one:
            await asyncio.wait_for(asked.wait(), 120)
            async with serving(second) as two:
                await asyncio.wait_for(two.state.sync.ran.wait(), 120)
                assert two.state.sync.last is None  # it did not run
                go_on.set()
                await asyncio.wait_for(one.state.sync.ran.wait(), 120)
            database = one.state.context.repository.database
            assert one.state.sync.last.counts.created == 5
            assert await database.db["sync_runs"].count_documents({}) == 1
            await database.client.drop_database(first.database)


async def test_an_unknown_sync_status_stops_the_start_with_the_reason(mongo_url):
    settings = make_settings(mongo_url, sync_interval=60, sync_statuses="RECRUITING,SLEEPING")
    with pytest.raises(ValueError, match="unknown overall status SLEEPING"):
        async with serving(settings):
            pass


async def test_a_server_stopping_mid_sync_records_the_run_interrupted_and_frees_the_lease(
    mongo_url,
):
    settings = syncing_settings(mongo_url)
    asked = asyncio.Event()

    async def never_answers(request: httpx.Request) -> httpx.Response:
        asked.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    with respx.mock(assert_all_mocked=False, assert_all_called=False) as mock:
        mock.get(STUDIES_URL).mock(side_effect=never_answers)
        async with serving(settings):
            await asyncio.wait_for(asked.wait(), 120)
    db = MongoClient(mongo_url)[settings.database]
    try:
        [run] = list(db["sync_runs"].find())
        assert (run["outcome"], run["error"]) == ("failed", "interrupted")
        assert run["finished"] is not None and run["watermark"] is None
        assert db["sync_lease"].count_documents({}) == 0
    finally:
        MongoClient(mongo_url).drop_database(settings.database)
