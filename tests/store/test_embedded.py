"""The embedded default database: persistence across restarts, outage and self-recovery."""

import asyncio
from pathlib import Path

import httpx
import pytest

from fhirtrial.api.app import create_app
from fhirtrial.config import Settings
from fhirtrial.store.embedded import EmbeddedMongo
from tests.helpers import FHIR_JSON, make_settings, research_study, running_client

# These tests start databases of their own (not the session's mongo_url): marked by hand.
pytestmark = pytest.mark.db

# SecantusDB, like mongod with its default write concern, makes a write durable when its
# journal is flushed (within ~0.2 s here), not at acknowledgement: a kill -9 right after a
# write may lose it.
JOURNAL_FLUSH_SECONDS = 0.5


async def _wait_for(client: httpx.AsyncClient, url: str, status: int, seconds: float = 30):
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        response = await client.get(url)
        if response.status_code == status or asyncio.get_running_loop().time() > deadline:
            return response
        await asyncio.sleep(0.2)


async def test_data_survives_a_restart_of_the_embedded_database(tmp_path):
    server = EmbeddedMongo(tmp_path / "db")
    await asyncio.to_thread(server.start)
    # The pid names the database process itself (the ingest benchmark measures its CPU by it).
    assert b"secantus" in Path(f"/proc/{server.pid}/cmdline").read_bytes()
    settings = make_settings(server.url)
    try:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                await client.put(
                    "/ResearchStudy/kept",
                    json=research_study(id="kept", title="Survivor"),
                    headers=FHIR_JSON,
                )
    finally:
        await asyncio.to_thread(server.stop)
    assert server.pid is None

    reopened = EmbeddedMongo(tmp_path / "db")
    await asyncio.to_thread(reopened.start)
    try:
        async with running_client(
            make_settings(reopened.url, database=settings.database)
        ) as client:
            response = await client.get("/ResearchStudy/kept")
            assert response.status_code == 200
            assert response.json()["title"] == "Survivor"
    finally:
        await asyncio.to_thread(reopened.stop)


async def test_database_down_gives_503_and_the_server_recovers_when_it_returns(tmp_path):
    server = EmbeddedMongo(tmp_path / "db")
    await asyncio.to_thread(server.start)
    try:
        async with running_client(make_settings(server.url, db_timeout_ms=500)) as client:
            await client.put("/ResearchStudy/x", json=research_study(id="x"), headers=FHIR_JSON)
            await asyncio.sleep(JOURNAL_FLUSH_SECONDS)
            server.kill()
            down = await client.get("/ResearchStudy/x")
            assert down.status_code == 503
            assert down.json()["issue"][0]["code"] == "transient"
            assert "retry-after" in down.headers
            write = await client.post("/ResearchStudy", json=research_study(), headers=FHIR_JSON)
            assert write.status_code == 503
            await asyncio.to_thread(server.start)  # same port, same data
            back = await _wait_for(client, "/ResearchStudy/x", 200)
            assert back.status_code == 200
            assert (await client.get("/ResearchStudy")).json()["total"] == 1
    finally:
        await asyncio.to_thread(server.stop)


async def test_server_on_its_embedded_default_starts_restarts_and_stops_the_database(tmp_path):
    settings = Settings(
        data_dir=tmp_path / "data", load_seeds=False, log_level="WARNING", auth="off"
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        embedded = app.state.embedded
        assert embedded.running
        assert str(embedded.data_dir).startswith(str(tmp_path))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await client.put(
                "/Patient/p", json={"resourceType": "Patient", "id": "p"}, headers=FHIR_JSON
            )
            await asyncio.sleep(JOURNAL_FLUSH_SECONDS)
            embedded.kill()
            # The supervisor notices and restarts the child; requests succeed again.
            back = await _wait_for(client, "/Patient/p", 200)
            assert back.status_code == 200
    assert not embedded.running
    assert (tmp_path / "data" / "db").is_dir()


async def test_health_reports_whether_the_database_answers(tmp_path):
    server = EmbeddedMongo(tmp_path / "db")
    await asyncio.to_thread(server.start)
    try:
        async with running_client(make_settings(server.url, db_timeout_ms=500)) as client:
            assert (await client.get("/health")).status_code == 200
            server.kill()
            down = await client.get("/health")
            assert down.status_code == 503
            assert down.json()["resourceType"] == "OperationOutcome"
            await asyncio.to_thread(server.start)
            assert (await _wait_for(client, "/health", 200)).status_code == 200
    finally:
        await asyncio.to_thread(server.stop)


async def test_cli_commands_share_the_embedded_database_of_a_running_server(tmp_path):
    from fhirtrial.runtime import open_database
    from fhirtrial.store.repository import Repository

    settings = Settings(
        data_dir=tmp_path / "data", load_seeds=False, log_level="WARNING", auth="off"
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        # WiredTiger locks the directory: a second server on it could not start. The CLI's
        # database connection must find and use the running one instead.
        async with open_database(settings) as opened:
            await Repository(opened.database).update(
                "Patient", "from-cli", {"resourceType": "Patient", "id": "from-cli"}
            )
        assert app.state.embedded.running
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/Patient/from-cli")).status_code == 200
    assert not (tmp_path / "data" / "embedded-server.json").exists()


async def test_the_data_directory_is_private_to_the_servers_user(tmp_path):
    data = tmp_path / "db"
    data.mkdir(mode=0o755)
    server = EmbeddedMongo(data)
    await asyncio.to_thread(server.start)
    try:
        assert data.stat().st_mode & 0o777 == 0o700  # no one else may list or read patient data
        assert (data / "embedded-server.json").stat().st_mode & 0o077 == 0
    finally:
        await asyncio.to_thread(server.stop)
