"""Shared fixtures: a real MongoDB wire-protocol server for the whole session.

SecantusDB is started as a child process (exactly as the server does by default), unless
FHIRTRIAL_TEST_MONGODB_URL points at a real mongod, which is then used instead.
"""

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fhir.resources import get_fhir_model_class

from fhirtrial.api.app import create_app
from fhirtrial.config import Settings
from fhirtrial.store.embedded import EmbeddedMongo

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def mongo_url(tmp_path_factory) -> str:
    external = os.environ.get("FHIRTRIAL_TEST_MONGODB_URL")
    if external:
        yield external
        return
    server = EmbeddedMongo(tmp_path_factory.mktemp("secantusdb"))
    server.start()
    yield server.url
    server.stop()


def make_settings(mongo_url: str, **overrides) -> Settings:
    values = {
        "mongodb_url": mongo_url,
        "database": f"test_{uuid.uuid4().hex[:12]}",
        "load_seeds": False,
        "base_url": "http://fhir.test",
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_client(
    settings: Settings, *, keep: bool = False
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to the app in-process, with its lifespan run around it."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fhir.test") as client:
            client.app = app
            yield client
        if not keep:
            await app.state.context.repository.database.client.drop_database(settings.database)


@pytest.fixture
async def client(mongo_url) -> AsyncIterator[httpx.AsyncClient]:
    async with running_client(make_settings(mongo_url)) as c:
        yield c


def assert_valid_fhir(resource: dict) -> None:
    """Everything the server emits must be a valid FHIR R5 resource."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


FHIR_JSON = {"content-type": "application/fhir+json"}


def research_study(**fields) -> dict:
    return {"resourceType": "ResearchStudy", "status": "active", **fields}
