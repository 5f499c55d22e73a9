"""The re-match job run by the server every `FHIRTRIAL_REMATCH_INTERVAL_S` seconds (0: never).

Every process may run it: the lease lets one job run at a time, the others find it busy.
A failed run is logged; the next one resumes its job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fhirtrial.matching.rematch.job import run_rematch
from fhirtrial.matching.service import MatchService

log = logging.getLogger("fhirtrial.matching.rematch")


class PeriodicRematch:
    def __init__(self, matching: MatchService, interval_s: float) -> None:
        self.matching = matching
        self.interval_s = interval_s
        self._task: asyncio.Task[None] | None = None
        # Set by `stop`: a cancellation can be lost (Python 3.11's wait_for inside the driver
        # returns a result that raced it, or the driver turns it into its own error), and the
        # loop would go on while `stop` waits for it: the server's shutdown hung.
        self._stopping = False

    def start(self) -> None:
        if self.interval_s > 0:
            self._stopping = False
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stopping = True
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self.interval_s)
            try:
                done = await run_rematch(self.matching)
            except Exception:
                if self._stopping:
                    return
                log.exception("The re-match job failed; the next run resumes it")
                continue
            if done.outcome == "done":
                tally = done.tally
                log.info(
                    "Re-matched %d changed studies for %d patients: %d subjects created, "
                    "%d updated, %d retired",
                    done.studies,
                    tally.patients,
                    tally.created,
                    tally.updated,
                    tally.retired,
                )
