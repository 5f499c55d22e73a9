"""Fixtures of the store tests."""

from collections.abc import AsyncIterator

import pytest

from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from tests.helpers import make_settings


@pytest.fixture
async def database(mongo_url) -> AsyncIterator[Database]:
    """A database of the test's own, its indexes created as a server start creates them."""
    settings = make_settings(mongo_url)
    database = Database.connect(mongo_url, settings.database, RESOURCE_TYPES)
    await database.ensure_indexes()
    try:
        yield database
    finally:
        await database.client.drop_database(database.db.name)
        await database.close()
