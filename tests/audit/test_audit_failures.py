"""When the audit trail cannot be written: nothing is disclosed, nothing acknowledged is undone,
and the event is not lost silently. And how long the trail is kept."""

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pydantic
import pytest
from fastapi import FastAPI

from fhirtrial.audit.event import Server
from fhirtrial.audit.log import AuditLog
from fhirtrial.config import Settings
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.embedded import free_port
from tests.audit.audit_client import audited_app, caller, create, patient, trail
from tests.helpers import FHIR_JSON, make_settings


@contextlib.asynccontextmanager
async def unreachable_audit_log(app: FastAPI) -> AsyncIterator[None]:
    """The app's audit log replaced by one over a database nobody listens on: every write
    fails, as in an outage of the audit store."""
    database = Database.connect(
        f"mongodb://127.0.0.1:{free_port()}/?directConnection=true",
        "nowhere",
        RESOURCE_TYPES,
        timeout_ms=300,
    )
    working, broken = app.state.context.audit, AuditLog(database, Server())
    broken.start()
    app.state.context.audit = broken
    try:
        yield
    finally:
        app.state.context.audit = working
        await broken.stop()
        await database.close()


async def test_without_an_audit_trail_patient_data_is_not_disclosed(mongo_url, caplog):
    async with audited_app(make_settings(mongo_url)) as (client, app):
        created = await create(client, patient("MRN-OUTAGE", gender="female"))
        with caplog.at_level(logging.CRITICAL, logger="fhirtrial.audit"):
            async with unreachable_audit_log(app):
                read = await client.get(f"/Patient/{created['id']}", headers=caller("ehr"))
                search = await client.get("/Patient", params={"gender": "female"})

        for response in (read, search):
            assert response.status_code == 503
            assert response.headers["retry-after"] == "5"
            outcome = response.json()
            assert outcome["resourceType"] == "OperationOutcome"
            assert outcome["issue"][0]["code"] == "transient"
            assert "MRN-OUTAGE" not in response.text
        lost = [r.getMessage() for r in caplog.records if "NOT STORED" in r.getMessage()]
        assert len(lost) == 2
        assert f'"patient":{{"reference":"Patient/{created["id"]}"}}' in lost[0]
        assert '"value":"ehr"' in lost[0]


async def test_an_acknowledged_write_stays_acknowledged_when_its_event_cannot_be_written(
    mongo_url, caplog
):
    async with audited_app(make_settings(mongo_url)) as (client, app):
        with caplog.at_level(logging.CRITICAL, logger="fhirtrial.audit"):
            async with unreachable_audit_log(app):
                response = await client.post(
                    "/Patient", json=patient("MRN-KEPT"), headers=FHIR_JSON
                )
                refused = await client.post(
                    "/Patient", json={"resourceType": "Patient", "gender": "x"}, headers=FHIR_JSON
                )

        assert response.status_code == 201  # stored: a 5xx would make the client create it twice
        assert refused.status_code == 422  # the answer the client would have had
        rid = response.json()["id"]
        assert (await client.get(f"/Patient/{rid}")).status_code == 200
        lost = [r.getMessage() for r in caplog.records if "NOT STORED" in r.getMessage()]
        assert len(lost) == 2
        assert f'"reference":"Patient/{rid}/_history/1"' in lost[0]
        assert "MRN-KEPT" not in " ".join(lost)  # the event, never the resource


async def test_events_older_than_the_retention_are_deleted(mongo_url):
    settings = make_settings(mongo_url, audit_retention_days=30)
    async with audited_app(settings) as (client, app):
        await create(client, patient("MRN-OLD"))
        audit = app.state.context.audit
        assert await audit.purge(datetime.now(UTC) + timedelta(days=29)) == 0
        assert len(await trail(client, action="C")) == 1
        assert await audit.purge(datetime.now(UTC) + timedelta(days=31)) >= 1
        assert await trail(client, action="C") == []


async def test_without_a_retention_events_are_kept(mongo_url):
    async with audited_app(make_settings(mongo_url)) as (client, app):
        await create(client, patient("MRN-KEEP"))
        later = datetime.now(UTC) + timedelta(days=36500)
        assert await app.state.context.audit.purge(later) == 0
        assert len(await trail(client, action="C")) == 1


def test_a_retention_must_be_a_positive_number_of_days():
    with pytest.raises(pydantic.ValidationError):
        Settings(audit_retention_days=0)
