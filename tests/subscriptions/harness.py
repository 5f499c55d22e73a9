"""The app with its subscription worker driven by the test (FHIRTRIAL_SUBSCRIPTION_POLL=0 and
`run_once`), on a clock the test moves forward (retry and heartbeat times, leases)."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from fhirtrial.api.app import create_app
from fhirtrial.config import Settings
from fhirtrial.subscriptions.worker import SubscriptionWorker
from tests.helpers import FHIR_JSON, make_settings
from tests.subscriptions.receiver import Receiver

TOPIC = "https://fhirtrial.org/fhir/SubscriptionTopic/candidate-changed"


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@dataclass
class Served:
    client: httpx.AsyncClient
    worker: SubscriptionWorker
    clock: Clock
    settings: Settings

    async def round(self) -> None:
        await self.worker.run_once()

    async def subscribe(self, receiver: Receiver, **fields: Any) -> dict[str, Any]:
        body = subscription(receiver, **fields)
        response = await self.client.post("/Subscription", json=body, headers=FHIR_JSON)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def status_of(self, sid: str) -> str:
        status: str = (await self.client.get(f"/Subscription/{sid}")).json()["status"]
        return status


def subscription(receiver: Receiver, **fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "Subscription",
        "status": "requested",
        "topic": TOPIC,
        "channelType": {
            "system": "http://terminology.hl7.org/CodeSystem/subscription-channel-type",
            "code": "rest-hook",
        },
        "endpoint": receiver.url,
        "content": "id-only",
        **fields,
    }


def settings_for(mongo_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "subscription_poll": 0,
        "subscription_allow_private": True,
        "subscription_retry_base_s": 10,
        "subscription_max_attempts": 5,
        **overrides,
    }
    return make_settings(mongo_url, **values)


@contextlib.asynccontextmanager
async def served(settings: Settings, *, keep: bool = False) -> AsyncIterator[Served]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        worker: SubscriptionWorker = app.state.subscriptions
        clock = Clock()
        worker.clock = clock
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fhir.test") as client:
            yield Served(client, worker, clock, settings)
        if not keep:
            await app.state.context.repository.database.client.drop_database(settings.database)
