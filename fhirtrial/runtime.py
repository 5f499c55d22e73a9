"""Opening the configured database: the one place the server and the CLI commands get it from.

`open_database` connects to `FHIRTRIAL_MONGODB_URL`, or else to the embedded server already
running for the data directory, or else starts one (and stops it on exit); then it ensures the
indexes. It yields an `OpenDatabase`: the database, the `MatchService` that holds this process's
matching state over it (created here and nowhere else), and the embedded server this process
started, if any (the HTTP server supervises it).
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from fhirtrial.config import Settings
from fhirtrial.matching.service import MatchService
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.embedded import EmbeddedMongo, running_server_url
from fhirtrial.store.repository import Repository

log = logging.getLogger("fhirtrial")


@dataclass(frozen=True)
class OpenDatabase:
    """The open database and what this process keeps over it."""

    database: Database
    matching: MatchService
    embedded: EmbeddedMongo | None
    """The embedded server this process started (None: an external or already running one)."""


@contextlib.asynccontextmanager
async def open_repository(settings: Settings) -> AsyncIterator[Repository]:
    async with open_database(settings) as opened:
        yield Repository(opened.database)


@contextlib.asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[OpenDatabase]:
    embedded = None
    url = settings.mongodb_url
    if url is None:
        url = running_server_url(settings.data_dir)
        if url is not None:
            log.info("Using the embedded database already running for %s", settings.data_dir)
    if url is None:
        embedded = EmbeddedMongo(settings.data_dir, cache_size=settings.embedded_cache_size)
        url = await asyncio.to_thread(embedded.start)
        log.info(
            "No FHIRTRIAL_MONGODB_URL set: using the embedded database in %s", embedded.data_dir
        )
    database = Database.connect(
        url,
        settings.database,
        RESOURCE_TYPES,
        timeout_ms=settings.db_timeout_ms,
        max_idle_ms=settings.db_max_idle_ms,
    )
    try:
        await database.ensure_indexes()
        yield OpenDatabase(database, MatchService(database), embedded)
    finally:
        await database.close()
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)
