"""The server's periodic jobs stop when the server stops, also when the cancellation is lost
inside a database or HTTP call (Python 3.11's `wait_for` can return a result that raced it, and
a driver can turn it into its own error): the job's loop then went on and the shutdown waited
for it forever (seen once in the suite: the re-match job at a 50 ms interval)."""

import asyncio
from types import SimpleNamespace

import pytest

import fhirtrial.catalog.sync.periodic as sync_periodic
import fhirtrial.matching.rematch.periodic as rematch_periodic
from fhirtrial.catalog.sync.periodic import PeriodicSync
from fhirtrial.catalog.sync.scope import SyncScope
from fhirtrial.matching.rematch.periodic import PeriodicRematch
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.subscriptions.setup import worker_settings
from fhirtrial.subscriptions.worker import SubscriptionWorker
from tests.helpers import make_settings

_STOPS_WITHIN_S = 5


class _LosingTheCancellation:
    """A call taking `seconds` that turns a cancellation into an error of its own, as a driver
    may; `lose = False` lets cancellations through again (to end a job that did not stop)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lose = True

    async def __call__(self, *_args, **_kwargs):
        try:
            await asyncio.sleep(self.seconds)
        except asyncio.CancelledError:
            if self.lose:
                raise ConnectionError("the connection was closed") from None
            raise
        return SimpleNamespace(outcome="nothing-changed")


async def _stop_soon_after_start(job, call: _LosingTheCancellation) -> None:
    job.start()
    await asyncio.sleep(0.1)  # the cancel lands in a call
    stopping = asyncio.create_task(job.stop())
    done, _ = await asyncio.wait({stopping}, timeout=_STOPS_WITHIN_S)
    if not done:
        call.lose = False
        job._task.cancel()  # the job's loop did not end: end it, then fail
        await stopping
        pytest.fail(f"stop() did not return within {_STOPS_WITHIN_S} s")


async def test_the_rematch_job_stops(monkeypatch):
    # Calls back to back: the cancel lands in one of them.
    call = _LosingTheCancellation(0.02)
    monkeypatch.setattr(rematch_periodic, "run_rematch", call)
    await _stop_soon_after_start(PeriodicRematch(matching=None, interval_s=0.001), call)  # type: ignore[arg-type]


async def test_the_catalog_sync_stops(monkeypatch):
    # One long run (then an hour's pause): the cancel lands in it.
    call = _LosingTheCancellation(1.0)
    monkeypatch.setattr(sync_periodic, "sync_catalog", call)
    sync = PeriodicSync(
        None,  # type: ignore[arg-type]
        SyncScope(),
        interval_s=3600,
        ctgov_base_url="http://ctgov.test",
        requests_per_minute=60,
    )
    await _stop_soon_after_start(sync, call)


async def test_the_subscription_worker_stops(monkeypatch, mongo_url):
    settings = make_settings(mongo_url, subscription_poll=0.001)
    database = Database.connect(mongo_url, settings.database, RESOURCE_TYPES)
    try:
        worker = SubscriptionWorker(database, worker_settings(settings))
        call = _LosingTheCancellation(0.02)
        monkeypatch.setattr(worker, "run_once", call)
        await _stop_soon_after_start(worker, call)
    finally:
        await database.close()
