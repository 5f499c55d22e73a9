"""One Subscription's turn: handshake, pending events or a heartbeat, with its failures.

The caller holds the Subscription's lease (`records.take_lease`), so no other process posts for
it meanwhile. Events are marked sent only after the endpoint accepted them: a process that dies
mid-post leaves them pending, and whoever takes the lease once it expires posts them again
(at-least-once). A failure waits `retry_base × 2^(failures-1)` (at most `retry_max`) before the
next try; after `max_attempts` failures in a row the Subscription is set to `error` and nothing
more is posted until its owner writes it again (which asks for a new handshake).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from pymongo import ASCENDING

from fhirtrial.errors import FHIRError
from fhirtrial.store.database import Database
from fhirtrial.store.repository import Repository
from fhirtrial.subscriptions import records
from fhirtrial.subscriptions.endpoint import EndpointPolicy, Undeliverable, post
from fhirtrial.subscriptions.notifications import Event, notification, subscription_status

log = logging.getLogger("fhirtrial.subscriptions")
# Events in one notification when the Subscription sets no maxCount.
DEFAULT_MAX_COUNT = 100


@dataclass(frozen=True)
class DeliveryPolicy:
    endpoint: EndpointPolicy
    retry_base: timedelta
    retry_max: timedelta
    max_attempts: int


class Delivery:
    def __init__(
        self,
        database: Database,
        client: httpx.AsyncClient,
        policy: DeliveryPolicy,
        base: str,
    ) -> None:
        self.database = database
        self.repository = Repository(database)
        self.client = client
        self.policy = policy
        self.base = base

    async def turn(
        self, subscription: dict[str, Any], state: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        """Do what is due for this Subscription; returns the state fields to save."""
        phase = state["phase"]
        try:
            if phase == records.HANDSHAKE:
                return await self._handshake(subscription, state, now)
            if phase == records.ACTIVE:
                return await self._deliver(subscription, state, now)
        except Undeliverable as exc:
            return await self._failed(subscription, state, now, str(exc))
        return {}

    async def _handshake(
        self, subscription: dict[str, Any], state: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        count = await records.events_count(self.database, subscription["id"])
        status = subscription_status(
            self.base, subscription, status="requested", kind="handshake", count=count
        )
        await post(
            self.client,
            self.policy.endpoint,
            subscription,
            self._bundle(subscription, status, [], now),
        )
        seen = await self._set_status(subscription, state, "active")
        return {
            "phase": records.ACTIVE,
            "seen": seen,
            "failures": 0,
            "error": None,
            "last_sent": now,
        }

    async def _deliver(
        self, subscription: dict[str, Any], state: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        sid = subscription["id"]
        limit = int(subscription.get("maxCount") or DEFAULT_MAX_COUNT)
        pending = (
            await records.events(self.database)
            .find({"sub": sid, "sent": False}, sort=[("n", ASCENDING)], limit=limit)
            .to_list(None)
        )
        count = await records.events_count(self.database, sid)
        if pending:
            events = [await self._event(subscription, doc) for doc in pending]
            kind = "event-notification"
        elif self._heartbeat_due(subscription, state, now):
            events, kind = [], "heartbeat"
        else:
            return {}
        status = subscription_status(
            self.base, subscription, status="active", kind=kind, count=count, events=events
        )
        await post(
            self.client,
            self.policy.endpoint,
            subscription,
            self._bundle(subscription, status, events, now),
        )
        if pending:
            await records.events(self.database).update_many(
                {"_id": {"$in": [doc["_id"] for doc in pending]}}, {"$set": {"sent": True}}
            )
        return {"failures": 0, "error": None, "last_sent": now}

    def _heartbeat_due(
        self, subscription: dict[str, Any], state: dict[str, Any], now: datetime
    ) -> bool:
        period = int(subscription.get("heartbeatPeriod") or 0)
        last = state.get("last_sent")
        return period > 0 and (last is None or now - last >= timedelta(seconds=period))

    async def _event(self, subscription: dict[str, Any], doc: dict[str, Any]) -> Event:
        resource = None
        if subscription.get("content") == "full-resource":
            kind, rid = doc["focus"].split("/")
            try:
                resource = (await self.repository.vread(kind, rid, str(doc["fv"]))).resource
            except FHIRError:  # deleted since: the notification still names it
                resource = None
        return Event(doc["n"], doc["at"], doc["focus"], doc["fv"], resource)

    def _bundle(
        self,
        subscription: dict[str, Any],
        status: dict[str, Any],
        events: list[Event],
        now: datetime,
    ) -> dict[str, Any]:
        return notification(self.base, subscription, status, events, now)

    async def _failed(
        self, subscription: dict[str, Any], state: dict[str, Any], now: datetime, why: str
    ) -> dict[str, Any]:
        failures = int(state.get("failures") or 0) + 1
        log.warning("Subscription/%s: %s (failure %d)", subscription["id"], why, failures)
        if failures >= self.policy.max_attempts:
            seen = await self._set_status(subscription, state, "error")
            return {"phase": records.ERROR, "seen": seen, "failures": failures, "error": why}
        wait = min(self.policy.retry_base * 2 ** (failures - 1), self.policy.retry_max)
        return {"failures": failures, "error": why, "next_try": now + wait}

    async def _set_status(
        self, subscription: dict[str, Any], state: dict[str, Any], status: str
    ) -> int:
        """Write the Subscription's new status (a new version); returns the version the state
        has seen. A client's write since wins: its version is then handled next round."""
        if subscription.get("status") == status:
            return int(state["seen"])
        body = {k: v for k, v in subscription.items() if k != "meta"}
        body["status"] = status
        try:
            result = await self.repository.update(
                "Subscription", subscription["id"], body, if_match=int(state["seen"])
            )
        except FHIRError:
            return int(state["seen"])
        return result.stored.version
