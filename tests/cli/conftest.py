"""Fixtures for the command-line tests: the environment a command runs in, pointing at a real
database (the session's embedded SecantusDB), empty or holding the seed trials."""

import asyncio
from collections.abc import Iterator

import pytest
from pymongo import MongoClient

from fhirtrial.catalog.seeds import load_seeds_if_empty
from fhirtrial.runtime import open_database
from tests.helpers import make_settings


def environment(mongo_url: str, database: str) -> dict[str, str]:
    return {"FHIRTRIAL_MONGODB_URL": mongo_url, "FHIRTRIAL_DATABASE": database}


@pytest.fixture(scope="module")
def seeded_env(mongo_url) -> Iterator[dict[str, str]]:
    """A catalog of the two seed trials (NCT05361174 lifileucel, NCT05398640 expanded access)."""
    settings = make_settings(mongo_url, load_seeds=True)

    async def seed() -> None:
        async with open_database(settings) as opened:
            await load_seeds_if_empty(opened.matching)

    asyncio.run(seed())
    yield environment(mongo_url, settings.database)
    MongoClient(mongo_url).drop_database(settings.database)


@pytest.fixture
def empty_env(mongo_url) -> Iterator[dict[str, str]]:
    settings = make_settings(mongo_url)
    yield environment(mongo_url, settings.database)
    MongoClient(mongo_url).drop_database(settings.database)
