"""Shared fixtures: a real MongoDB wire-protocol server for the whole session, and a client of
the app on a fresh database. Helpers to import live in tests/helpers.py (and next to the tests
that use them), imported as `from tests.… import …`.

SecantusDB is started as a child process (exactly as the server does by default), unless
FHIRTRIAL_TEST_MONGODB_URL points at a real mongod, which is then used instead.

Every test that uses the database (the `mongo_url` fixture, directly or through another
fixture) is marked `db`: `pytest -m "not db"` runs the others alone, in seconds.
"""

import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from fhirtrial.store.embedded import EmbeddedMongo
from tests.helpers import make_settings, running_client

DATABASE_FIXTURE = "mongo_url"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        # fixturenames is the closure: fixtures that depend on mongo_url count too.
        if DATABASE_FIXTURE in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def mongo_url(tmp_path_factory) -> Iterator[str]:
    external = os.environ.get("FHIRTRIAL_TEST_MONGODB_URL")
    if external:
        yield external
        return
    server = EmbeddedMongo(tmp_path_factory.mktemp("secantusdb"))
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
async def client(mongo_url) -> AsyncIterator[httpx.AsyncClient]:
    async with running_client(make_settings(mongo_url)) as c:
        yield c
