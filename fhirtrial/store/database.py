"""Connection to MongoDB, collections per resource type, and the indexes they need."""

import logging
from dataclasses import dataclass

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from fhirtrial.resources.registry import ResourceType

log = logging.getLogger("fhirtrial.store")

CONDITIONAL_GUARDS = "_conditional_guards"


@dataclass
class Collections:
    current: AsyncCollection
    history: AsyncCollection


class Database:
    def __init__(self, client: AsyncMongoClient, name: str, types: dict[str, ResourceType]) -> None:
        self.client = client
        self.db: AsyncDatabase = client[name]
        self.types = types
        self._collections = {t: Collections(self.db[t], self.db[f"{t}_history"]) for t in types}
        self.guards = self.db[CONDITIONAL_GUARDS]

    @classmethod
    def connect(
        cls, url: str, name: str, types: dict[str, ResourceType], *, timeout_ms: int = 3000
    ) -> "Database":
        client = AsyncMongoClient(
            url,
            tz_aware=True,
            serverSelectionTimeoutMS=timeout_ms,
            # Also the heartbeat's socket timeout: a database busy with a large batch must not
            # be declared down (that resets the pool and cancels the batch in flight).
            connectTimeoutMS=max(timeout_ms, 20000),
            socketTimeoutMS=max(timeout_ms * 10, 30000),
            appname="fhirtrial",
        )
        return cls(client, name, types)

    def collections(self, resource_type: str) -> Collections:
        return self._collections[resource_type]

    async def ensure_indexes(self) -> None:
        for name, spec in self.types.items():
            cols = self._collections[name]
            await cols.current.create_index([("lu", DESCENDING)])
            if spec.search_params:
                # One multikey index over every search parameter's keys (see resources.extract).
                await cols.current.create_index([("k", ASCENDING)])
            await cols.history.create_index([("rid", ASCENDING), ("v", DESCENDING)])
            await cols.history.create_index([("lu", DESCENDING)])
        log.info("Indexes ready for %d resource types", len(self.types))

    async def ping(self) -> None:
        await self.client.admin.command("ping")

    async def close(self) -> None:
        await self.client.close()
