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

    def start(self) -> None:
        if self.interval_s > 0:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                done = await run_rematch(self.matching)
            except Exception:
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
