"""Fixtures for `$match`: a server with the two seed trials (its answers are read with
tests/matching/match_answers.py)."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.helpers import make_settings, running_client


@pytest.fixture(scope="module")
async def seeded(mongo_url) -> AsyncIterator[httpx.AsyncClient]:
    async with running_client(make_settings(mongo_url, load_seeds=True)) as client:
        yield client
