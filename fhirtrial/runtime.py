"""Opening the configured database outside the HTTP server (CLI commands, scripts)."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fhirtrial.config import Settings
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.embedded import EmbeddedMongo, running_server_url
from fhirtrial.store.repository import Repository


@contextlib.asynccontextmanager
async def open_repository(settings: Settings) -> AsyncIterator[Repository]:
    async with open_database(settings) as database:
        yield Repository(database)


@contextlib.asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    embedded = None
    url = settings.mongodb_url
    if url is None:
        url = running_server_url(settings.data_dir)
    if url is None:
        embedded = EmbeddedMongo(settings.data_dir)
        url = await asyncio.to_thread(embedded.start)
    database = Database.connect(
        url, settings.database, RESOURCE_TYPES, timeout_ms=settings.db_timeout_ms
    )
    try:
        await database.ensure_indexes()
        yield database
    finally:
        await database.close()
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)
