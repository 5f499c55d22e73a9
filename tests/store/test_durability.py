"""An acknowledged write survives a kill -9 of the database (issue 14).

Without a journaled write concern, SecantusDB (like mongod) acknowledges a write before its
journal is flushed: killed right after 200 acknowledged creates, it lost 36–67 of them in each
of three trials. The server's connection asks for journaled acknowledgement.
"""

from __future__ import annotations

import asyncio

import pytest

from fhirtrial.errors import NotFound
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.embedded import EmbeddedMongo
from fhirtrial.store.repository import Repository

# These tests start databases of their own (not the session's mongo_url): marked by hand.
pytestmark = pytest.mark.db

WRITES = 200


async def test_writes_acknowledged_before_a_kill_are_all_there_after_restart(tmp_path) -> None:
    server = EmbeddedMongo(tmp_path / "db")
    url = await asyncio.to_thread(server.start)
    database = Database.connect(url, "durability", RESOURCE_TYPES)
    repository = Repository(database)
    acknowledged = []
    try:
        for number in range(WRITES):
            result = await repository.create(
                {"resourceType": "Patient", "name": [{"family": f"Durable{number}"}]}
            )
            acknowledged.append(result.stored.resource["id"])
    finally:
        server.kill()  # at once, right after the last acknowledgement
        await database.client.close()
    restarted = EmbeddedMongo(tmp_path / "db")
    url = await asyncio.to_thread(restarted.start)
    database = Database.connect(url, "durability", RESOURCE_TYPES)
    try:
        repository = Repository(database)
        lost = []
        for rid in acknowledged:
            try:
                await repository.read("Patient", rid)
            except NotFound:
                lost.append(rid)
        assert lost == [], f"{len(lost)} of {WRITES} acknowledged creates lost"
    finally:
        await database.client.close()
        await asyncio.to_thread(restarted.stop)
