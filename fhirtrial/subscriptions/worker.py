"""The subscription worker of a server process: every FHIRTRIAL_SUBSCRIPTION_POLL seconds it
notices Subscriptions written since its last look (which ask for a handshake), queues events
for ResearchSubjects written since the checkpoint, and gives each Subscription whose retry
time has come its turn. Started and stopped with the app's lifespan; every step is safe to run
in several processes at once (leases in `records`)."""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pymongo.errors import PyMongoError

from fhirtrial.store.database import Database
from fhirtrial.subscriptions import records
from fhirtrial.subscriptions.delivery import Delivery, DeliveryPolicy
from fhirtrial.subscriptions.dispatch import queue_events

log = logging.getLogger("fhirtrial.subscriptions")
# Statuses a client may leave a Subscription in without asking for delivery.
_STOPPED = ("off", "entered-in-error")


@dataclass(frozen=True)
class WorkerSettings:
    poll_s: float
    base: str
    policy: DeliveryPolicy
    lease: timedelta
    settle_margin: timedelta


class SubscriptionWorker:
    def __init__(
        self,
        database: Database,
        settings: WorkerSettings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.settings = settings
        self.clock = clock
        self.owner = uuid.uuid4().hex
        self.client = httpx.AsyncClient(follow_redirects=False)
        self.delivery = Delivery(database, self.client, settings.policy, settings.base)
        self._task: asyncio.Task[None] | None = None
        self._indexed = False
        # Set by `stop`: a lost cancellation must not keep the loop going (rematch/periodic.py).
        self._stopping = False

    def start(self) -> None:
        if self.settings.poll_s > 0 and self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="subscriptions")

    async def stop(self) -> None:
        """Stop between or during rounds: what was not confirmed stays pending in the database
        and is posted again by the next process to take the Subscription's lease."""
        if self._task is not None:
            self._stopping = True
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.client.aclose()

    async def _run(self) -> None:
        while not self._stopping:
            # First a pause: a server that starts and stops at once (tests, CLI checks) does
            # no subscription work at all.
            await asyncio.sleep(self.settings.poll_s)
            try:
                await self.run_once()
            except PyMongoError:
                log.warning("Subscription round failed on the database; retrying next round")
            except Exception:  # keep the worker alive; the next round retries
                log.exception("Subscription round failed")

    async def run_once(self) -> None:
        now = self.clock()
        subscriptions = await self._reconciled(now)
        if not subscriptions:
            return
        if not self._indexed:
            await records.ensure_indexes(self.database)
            self._indexed = True
        if await records.take_lease(
            records.dispatch(self.database), "checkpoint", self.owner, now, self.settings.lease
        ):
            taking = [
                (resource, state["start"])
                for resource, state in subscriptions
                if state["phase"] != records.OFF
            ]
            # The checkpoint compares with the writers' `lu` stamps: the wall clock, whatever
            # clock decides retries and leases.
            started = datetime.now(UTC)
            await queue_events(
                self.database, taking, now=started, margin=self.settings.settle_margin
            )
            await records.release(records.dispatch(self.database), "checkpoint", self.owner)
        for resource, state in subscriptions:
            await self._turn(resource, state, now)

    async def _reconciled(self, now: datetime) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Every live Subscription with its state; a version not seen yet (a client's write)
        starts over: a handshake, or off."""
        cursor = self.database.collections("Subscription").current.find(
            {"del": False}, {"v": 1, "lu": 1, "res": 1}
        )
        found = [doc async for doc in cursor]
        if not found:
            return []
        states = {
            doc["_id"]: doc
            async for doc in records.state(self.database).find(
                {"_id": {"$in": [doc["_id"] for doc in found]}}
            )
        }
        out = []
        for doc in found:
            resource, state = doc["res"], states.get(doc["_id"])
            if state is None or state.get("seen") != doc["v"]:
                phase = records.OFF if resource.get("status") in _STOPPED else records.HANDSHAKE
                fields = {
                    "seen": doc["v"],
                    "phase": phase,
                    "failures": 0,
                    "error": None,
                    "next_try": now,
                }
                start = state["start"] if state else await self._created(doc)
                await records.state(self.database).update_one(
                    {"_id": doc["_id"]},
                    {"$set": fields, "$setOnInsert": {"start": start}},
                    upsert=True,
                )
                state = {**(state or {}), **fields, "start": start, "_id": doc["_id"]}
            out.append((resource, state))
        return out

    async def _created(self, doc: dict[str, Any]) -> datetime:
        first = doc
        if doc["v"] != 1:
            history = self.database.collections("Subscription").history
            first = await history.find_one({"_id": f"{doc['_id']}/1"}, {"lu": 1}) or doc
        created: datetime = first["lu"]
        return created

    async def _turn(self, resource: dict[str, Any], state: dict[str, Any], now: datetime) -> None:
        if not _due(state, now):
            return
        collection = records.state(self.database)
        rid = resource["id"]
        if not await records.take_lease(collection, rid, self.owner, now, self.settings.lease):
            return
        fields: dict[str, Any] = {}
        try:
            # Read again under the lease: another process may have had a turn meanwhile.
            current = await collection.find_one({"_id": rid})
            if current is not None and current.get("seen") == state["seen"] and _due(current, now):
                fields = await self.delivery.turn(resource, current, now)
        finally:
            await records.release(collection, rid, self.owner, **fields)


def _due(state: dict[str, Any], now: datetime) -> bool:
    due = state.get("next_try")
    return state["phase"] in (records.HANDSHAKE, records.ACTIVE) and (due is None or due <= now)
