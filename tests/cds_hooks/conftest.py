"""A server (authorization off) with the seed trials and the 35 breast-cancer studies of
tests/data/ctgov, as the real-patient `$match` tests use."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.helpers import import_breast_studies, make_settings, running_client


@pytest.fixture(scope="module")
async def catalog(mongo_url) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(mongo_url, load_seeds=True, cds_fetch_timeout_s=0.5)
    async with running_client(settings) as client:
        await import_breast_studies(client)
        yield client
