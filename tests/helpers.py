"""Helpers most tests share: the test data folder, settings for a throw-away database, the app
running in-process behind an httpx client, and FHIR checks. Fixtures live in conftest.py."""

import base64
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from fhir.resources import get_fhir_model_class

from fhirtrial.api.app import create_app
from fhirtrial.config import Settings
from tests.r5_definitions import assert_valid_r5

DATA = Path(__file__).parent / "data"
FHIR_JSON = {"content-type": "application/fhir+json"}


def make_settings(mongo_url: str, **overrides) -> Settings:
    values: dict[str, Any] = {
        "mongodb_url": mongo_url,
        "database": f"test_{uuid.uuid4().hex[:12]}",
        "load_seeds": False,
        "base_url": "http://fhir.test",
        "log_level": "WARNING",
        # Tests that are not about authorization run without it; tests/auth runs the default.
        "auth": "off",
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
            yield client
        if not keep:
            await app.state.context.repository.database.client.drop_database(settings.database)


def assert_valid_fhir(resource: dict) -> None:
    """Everything the server emits must be a valid FHIR R5 resource: for `fhir.resources` and for
    the official R5 JSON schema and StructureDefinitions (tests/r5_definitions.py)."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert_valid_r5(resource)


def research_study(**fields) -> dict:
    return {"resourceType": "ResearchStudy", "status": "active", **fields}


async def import_breast_studies(client: httpx.AsyncClient) -> None:
    """`$import` the 35 real breast-cancer records of tests/data/ctgov, as attachments."""
    lines = (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_bytes().splitlines()
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "study",
                "valueAttachment": {
                    "contentType": "application/json",
                    "data": base64.b64encode(line).decode(),
                },
            }
            for line in lines
            if line.strip()
        ],
    }
    response = await client.post("/ResearchStudy/$import", json=body, headers=FHIR_JSON)
    assert response.status_code == 200, response.text
