"""The embedded database requires its own credentials: another local user who finds its port
cannot read or change patient data."""

import asyncio
import json

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from fhirtrial.store.embedded import CREDENTIALS_FILE, EmbeddedMongo

pytestmark = pytest.mark.db


def _anonymous_insert(port: int) -> None:
    url = f"mongodb://127.0.0.1:{port}/?directConnection=true"
    with MongoClient(url, serverSelectionTimeoutMS=5000) as client:
        client.fhirtrial.Patient.insert_one({"id": "intruder"})


def _count_with(url: str) -> int:
    with MongoClient(url, serverSelectionTimeoutMS=5000) as client:
        return client.fhirtrial.Patient.count_documents({})


def _insert_with(url: str) -> None:
    with MongoClient(url, serverSelectionTimeoutMS=5000) as client:
        client.fhirtrial.Patient.insert_one({"id": "p1"})


async def test_a_client_without_the_credentials_is_refused(tmp_path):
    server = EmbeddedMongo(tmp_path / "db")
    await asyncio.to_thread(server.start)
    try:
        with pytest.raises(OperationFailure) as refused:
            await asyncio.to_thread(_anonymous_insert, server.port)
        assert refused.value.code == 13  # Unauthorized
        await asyncio.to_thread(_insert_with, server.url)
        assert await asyncio.to_thread(_count_with, server.url) == 1
        credentials = tmp_path / "db" / CREDENTIALS_FILE
        assert credentials.stat().st_mode & 0o077 == 0
        assert json.loads(credentials.read_text())["password"] in server.url
    finally:
        await asyncio.to_thread(server.stop)


async def test_the_credentials_and_data_survive_a_restart(tmp_path):
    first = EmbeddedMongo(tmp_path / "db")
    await asyncio.to_thread(first.start)
    try:
        await asyncio.to_thread(_insert_with, first.url)
        url = first.url
    finally:
        await asyncio.to_thread(first.stop)
    second = EmbeddedMongo(tmp_path / "db", port=first.port)
    await asyncio.to_thread(second.start)
    try:
        assert second.url == url
        assert await asyncio.to_thread(_count_with, second.url) == 1
    finally:
        await asyncio.to_thread(second.stop)


async def test_a_first_start_interrupted_after_choosing_the_password_completes(tmp_path):
    data = tmp_path / "db"
    data.mkdir(mode=0o700)
    pending = (data / CREDENTIALS_FILE).with_suffix(".pending")
    pending.write_text(json.dumps({"user": "fhirtrial", "password": "chosen-before-the-crash"}))
    server = EmbeddedMongo(data)
    await asyncio.to_thread(server.start)
    try:
        assert "chosen-before-the-crash" in server.url
        assert await asyncio.to_thread(_count_with, server.url) == 0
        assert not pending.exists() and (data / CREDENTIALS_FILE).exists()
    finally:
        await asyncio.to_thread(server.stop)


async def test_a_user_made_by_someone_else_during_the_first_start_stops_the_server(tmp_path):
    data = tmp_path / "db"
    data.mkdir(mode=0o700)
    # A database that already holds a user fhirtrial did not create (made in the window the
    # first start runs without authentication).
    first = EmbeddedMongo(data)
    await asyncio.to_thread(first._spawn, auth=False)
    try:
        url = f"mongodb://127.0.0.1:{first.port}/?directConnection=true"
        with MongoClient(url, serverSelectionTimeoutMS=5000) as client:
            client.admin.command("createUser", "intruder", pwd="x", roles=["root"])
    finally:
        await asyncio.to_thread(first.stop)
    server = EmbeddedMongo(data)
    with pytest.raises(RuntimeError, match="intruder"):
        await asyncio.to_thread(server.start)
    assert not server.running
