"""In these tests `client` is a client of an app with an audit trail whose requests can name
their caller (tests/audit/audit_client.py), in place of the suite's plain `client`."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.audit.audit_client import audited_app
from tests.helpers import make_settings


@pytest.fixture
async def client(mongo_url) -> AsyncIterator[httpx.AsyncClient]:
    async with audited_app(make_settings(mongo_url)) as (client, _):
        yield client
