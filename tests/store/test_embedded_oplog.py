"""The embedded database keeps no oplog: a large import never waits on SecantusDB pruning one.

Advertised as a replica set, SecantusDB writes an oplog entry (the whole document) for every
written document and, past `--oplog-max-entries`, deletes the oldest ones inside the commit that
crossed the cap: one such commit took over 12 minutes while a 30,000-study catalog loaded (ADR
0026). These tests start the server with a cap of 50 entries, far below what they write, so a
server that kept an oplog would prune it in many of their commits.
"""

import asyncio

import pytest
from pymongo import AsyncMongoClient

from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.batch import write_units
from fhirtrial.store.database import Database
from fhirtrial.store.embedded import EmbeddedMongo
from tests.helpers import research_study

pytestmark = pytest.mark.db

LOWERED_CAP = ("--oplog-max-entries", "50")
BATCHES = 12
STUDIES_PER_BATCH = 25


@pytest.fixture
async def embedded(tmp_path):
    server = EmbeddedMongo(tmp_path / "db", options=LOWERED_CAP)
    url = await asyncio.to_thread(server.start)
    database = Database.connect(url, "oplog_test", RESOURCE_TYPES)
    await database.ensure_indexes()
    try:
        yield database
    finally:
        await database.close()
        await asyncio.to_thread(server.stop)


async def _oplog_rows(database: Database) -> int:
    oplog = database.client["local"]["oplog.rs"]
    return await oplog.count_documents({})


async def test_a_batched_import_leaves_no_oplog_to_prune(embedded):
    for batch in range(BATCHES):
        studies = [
            research_study(id=f"s{batch}-{n}", title=f"Study {batch}-{n}")
            for n in range(STUDIES_PER_BATCH)
        ]
        await write_units(embedded, studies)
        # 6 times the cap written by the last batch; a replica-set server held 50 to 1,050 rows.
        assert await _oplog_rows(embedded) == 0
    stored = embedded.collections("ResearchStudy").current
    assert await stored.count_documents({}) == BATCHES * STUDIES_PER_BATCH


async def test_the_embedded_database_still_writes_batches_in_one_transaction(embedded):
    assert (await embedded.capabilities()).transactions
    stored = embedded.collections("ResearchStudy").current
    await write_units(embedded, [research_study(id="kept", title="Kept")])
    client: AsyncMongoClient = embedded.client
    async with client.start_session() as session:
        with pytest.raises(RuntimeError, match="after the first write"):
            async with await session.start_transaction():
                await stored.insert_one({"_id": "rolled-back"}, session=session)
                raise RuntimeError("failed after the first write")
    assert await stored.count_documents({"_id": "rolled-back"}) == 0
    assert await stored.count_documents({"_id": "kept"}) == 1
