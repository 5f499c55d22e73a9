"""What a process keeps of the resources `_include` read (store.current_resources): served
again without reading them, dropped when a write stamped in the database says they changed, and
never kept when read while such a change was being seen."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient, monitoring

import fhirtrial.store.current_resources as current_resources
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.resources.search_query import parse_search
from fhirtrial.store.current_resources import CurrentResources
from fhirtrial.store.database import Database
from fhirtrial.store.repository import Repository
from tests.helpers import make_settings, research_study


class _Finds(monitoring.CommandListener):
    """The filters of the `find` commands sent."""

    def __init__(self) -> None:
        self.filters: list[dict] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.filters.append(dict(event.command.get("filter", {})))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
async def locations(mongo_url):
    finds = _Finds()
    client = AsyncMongoClient(mongo_url, tz_aware=True, event_listeners=[finds])
    database = client[make_settings(mongo_url).database]
    collection = database["Location"]
    await collection.create_index("lu")
    # Written a minute ago: older than the margin within which writes are checked again.
    documents = [_document(f"loc-{n}", f"Site {n}", 1) for n in range(3)]
    for document in documents:
        document["lu"] -= timedelta(minutes=1)
    await collection.insert_many(documents)
    try:
        yield collection, finds
    finally:
        await client.drop_database(database.name)
        await client.close()


def _document(rid: str, name: str, version: int, *, deleted: bool = False) -> dict:
    resource = {"resourceType": "Location", "id": rid, "name": name}
    resource["meta"] = {"versionId": str(version)}
    return {"_id": rid, "v": version, "lu": datetime.now(UTC), "del": deleted, "res": resource}


async def _rename(collection, rid: str, name: str, version: int) -> None:
    await collection.replace_one({"_id": rid}, _document(rid, name, version))


def _names(found: dict) -> dict[str, str]:
    return {rid: resource["name"] for rid, resource in found.items()}


async def test_a_second_read_asks_the_database_only_what_was_written(locations):
    collection, finds = locations
    kept = CurrentResources()
    first = await kept.read("Location", collection, ["loc-0", "loc-1", "missing"])
    assert _names(first) == {"loc-0": "Site 0", "loc-1": "Site 1"}

    finds.filters.clear()
    again = await kept.read("Location", collection, ["loc-0", "loc-1"])
    assert again == first
    assert [list(f) for f in finds.filters] == [["lu"]]  # the check for writes, no document read


async def test_a_write_stamped_by_any_writer_is_read_at_once(locations):
    collection, _ = locations
    kept = CurrentResources()
    await kept.read("Location", collection, ["loc-0", "loc-1"])
    await _rename(collection, "loc-0", "Site zero", 2)
    await collection.replace_one({"_id": "loc-1"}, _document("loc-1", "Site 1", 2, deleted=True))
    assert _names(await kept.read("Location", collection, ["loc-0", "loc-1"])) == {
        "loc-0": "Site zero"
    }


async def test_a_document_read_while_a_change_is_seen_is_not_kept(locations, monkeypatch):
    """The slow read returns the version a write is replacing; a check that sees the write runs
    before the slow read stores what it found. With no margin, nothing later would drop it."""
    collection, _ = locations
    kept = CurrentResources(margin=timedelta(0))
    await kept.read("Location", collection, ["loc-2"])  # the check's moment is set

    read_done, release = asyncio.Event(), asyncio.Event()
    real_read = current_resources.read_current

    async def slow_read(current, ids, session=None):
        found = await real_read(current, ids, session)
        read_done.set()
        await release.wait()
        return found

    monkeypatch.setattr(current_resources, "read_current", slow_read)
    slow = asyncio.create_task(kept.read("Location", collection, ["loc-0"]))
    await read_done.wait()
    monkeypatch.setattr(current_resources, "read_current", real_read)
    await _rename(collection, "loc-0", "Site zero", 2)
    await asyncio.sleep(0.01)  # the next check starts after the write's stamp
    assert _names(await kept.read("Location", collection, ["loc-1"])) == {"loc-1": "Site 1"}
    release.set()
    assert _names(await slow) == {"loc-0": "Site 0"}  # what it read, answered once

    await asyncio.sleep(0.01)
    assert _names(await kept.read("Location", collection, ["loc-0"])) == {"loc-0": "Site zero"}


async def test_forget_drops_a_change_no_stamp_tells_of(locations):
    collection, _ = locations
    kept = CurrentResources(margin=timedelta(0))
    await kept.read("Location", collection, ["loc-0"])
    earlier = _document("loc-0", "Site 0 before", 1)
    earlier["lu"] = datetime.now(UTC) - timedelta(days=1)  # an undo restores the old stamp
    await collection.replace_one({"_id": "loc-0"}, earlier)
    kept.forget("Location", "loc-0")
    assert _names(await kept.read("Location", collection, ["loc-0"])) == {"loc-0": "Site 0 before"}


async def test_audit_events_are_read_every_time(mongo_url):
    """The retention purge removes AuditEvents without a stamp: none is kept."""
    client = AsyncMongoClient(mongo_url, tz_aware=True)
    collection = client[make_settings(mongo_url).database]["AuditEvent"]
    try:
        await collection.insert_one(_document("a1", "x", 1) | {"res": {"id": "a1"}})
        kept = CurrentResources()
        assert list(await kept.read("AuditEvent", collection, ["a1"])) == ["a1"]
        await collection.delete_many({})
        assert await kept.read("AuditEvent", collection, ["a1"]) == {}
        assert len(kept) == 0
    finally:
        await client.drop_database(collection.database.name)
        await client.close()


async def test_an_include_after_an_undone_write_brings_the_version_before(mongo_url):
    """An undo (a transaction on a database without transactions) brings the earlier version
    back with its earlier stamp: the process that undoes forgets what it kept."""
    database = Database.connect(mongo_url, make_settings(mongo_url).database, RESOURCE_TYPES)
    await database.ensure_indexes()
    repository = Repository(database)
    # No margin: what the checks of `lu` drop is only what was stamped after the last check.
    repository.included_cache = CurrentResources(margin=timedelta(0))
    search = parse_search(
        RESOURCE_TYPES["ResearchStudy"],
        [("_include", "ResearchStudy:site")],
        registry=RESOURCE_TYPES,
    )

    async def included_names() -> list[str]:
        return [site["name"] for site in (await repository.search(search)).included]

    try:
        site = {"resourceType": "Location", "name": "Old wing"}
        rid = (await repository.create(site)).stored.id
        await repository.create(research_study(site=[{"reference": f"Location/{rid}"}]))
        written = await repository.update("Location", rid, site | {"name": "New wing"})
        assert await included_names() == ["New wing"]

        assert await repository.undo("Location", rid, written.stored.version)
        assert await included_names() == ["Old wing"]
    finally:
        await database.client.drop_database(database.db.name)
        await database.close()
