"""`fhirtrial sync` as a task of the server (`FHIRTRIAL_SYNC_INTERVAL`): a run at start, then
one each interval after the previous ended. Every server process may run it: the lease lets one
sync at a time, the others log that they did not."""

import asyncio
import contextlib
import logging

from fhirtrial.catalog.sync.lease import LeaseHeld
from fhirtrial.catalog.sync.run import sync_catalog
from fhirtrial.catalog.sync.runs import SyncRun
from fhirtrial.catalog.sync.scope import SyncScope
from fhirtrial.ctgov import CtGovClient
from fhirtrial.matching.service import MatchService

log = logging.getLogger("fhirtrial.sync")


class PeriodicSync:
    def __init__(
        self,
        matching: MatchService,
        scope: SyncScope,
        *,
        interval_s: float,
        ctgov_base_url: str,
        requests_per_minute: float,
    ) -> None:
        self.matching = matching
        self.scope = scope
        self.interval_s = interval_s
        self._ctgov = (ctgov_base_url, requests_per_minute)
        self._task: asyncio.Task[None] | None = None
        self.last: SyncRun | None = None
        self.ran = asyncio.Event()  # set after each attempt, run or not
        # Set by `stop`: a lost cancellation must not keep the loop going (rematch/periodic.py).
        self._stopping = False

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._keep_syncing())

    async def stop(self) -> None:
        if self._task is not None:
            self._stopping = True
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run_once(self) -> SyncRun | None:
        """One sync; None when it did not run (another holds the lease, or it broke: logged)."""
        base_url, per_minute = self._ctgov
        try:
            async with CtGovClient(base_url, requests_per_minute=per_minute) as client:
                run = await sync_catalog(self.matching, client, self.scope)
        except LeaseHeld as held:
            log.info("Catalog sync not run: %s", held)
            return None
        except Exception:  # the next interval tries again
            log.exception("Catalog sync could not run")
            return None
        log.log(
            logging.INFO if run.outcome == "succeeded" else logging.WARNING,
            "Catalog sync %s: %s",
            run.outcome,
            " ".join(line.strip() for line in run.lines()[1:3]),
        )
        self.last = run
        return run

    async def _keep_syncing(self) -> None:
        while not self._stopping:
            await self.run_once()
            self.ran.set()
            if not self._stopping:
                await asyncio.sleep(self.interval_s)
