"""A type's newest versions read by ranges of `lu` (store.recent_versions): the same newest
versions as sorting all of them, without reading the older ones."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from fhirtrial.store.keyset import ORDER_SPACE
from fhirtrial.store.recent_versions import (
    VersionTimes,
    newest_versions,
    sample_times,
    with_resources,
)
from tests.helpers import make_settings

NOW = datetime.now(UTC).replace(microsecond=0)


def _ms(at: datetime) -> datetime:
    """As stored: BSON dates hold milliseconds."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


@pytest.fixture
async def collections(mongo_url):
    client = AsyncMongoClient(mongo_url, tz_aware=True)
    database = client[make_settings(mongo_url).database]
    current, history = database["Thing"], database["Thing_history"]
    await current.create_index("lu")
    await history.create_index("lu")
    try:
        yield current, history
    finally:
        await client.drop_database(database.name)
        await client.close()


def _version(rid: str, version: int, at: datetime) -> dict:
    resource = {"resourceType": "Basic", "id": rid, "meta": {"versionId": str(version)}}
    # the order key: spread evenly, as the ids' hashes are
    order = random.Random(rid).randrange(ORDER_SPACE)
    return {"v": version, "lu": at, "del": False, "m": "PUT", "res": resource, "o": order}


async def _store(current, history, versions: dict[str, list[datetime]]) -> list[tuple]:
    """Each resource's versions at these times (oldest first): the last one current, the others
    archived. Returns every (time, id, version), newest first."""
    every, currents, archived = [], [], []
    for rid, times in versions.items():
        for number, at in enumerate(map(_ms, times), start=1):
            doc = _version(rid, number, at)
            if number == len(times):
                currents.append({"_id": rid, **doc})
            else:
                archived.append({"_id": f"{rid}/{number}", "rid": rid, **doc})
            every.append((at, rid, number))
    for collection, docs in ((current, currents), (history, archived)):
        if docs:
            await collection.insert_many(docs)
    return sorted(every, reverse=True)


def _newest(docs: list[dict], count: int) -> list[tuple]:
    return sorted(((d["lu"], d["rid"], d["v"]) for d in docs), reverse=True)[:count]


async def test_the_newest_versions_are_those_of_sorting_every_version(collections):
    current, history = collections
    randomly = random.Random(7)
    ages = [timedelta(seconds=5), timedelta(minutes=30), timedelta(days=3), timedelta(days=400)]
    versions = {
        f"r{n}": sorted(NOW - randomly.choice(ages) * randomly.random() for _ in range(n % 4 + 1))
        for n in range(40)
    }
    # written before the ranges' floor (2000): still found, by the last, unbounded range
    versions["old"] = [datetime(1998, 5, 1, tzinfo=UTC), datetime(1999, 1, 1, tzinfo=UTC)]
    every = await _store(current, history, versions)
    for need in (1, 3, 10, 50, len(every), len(every) + 5):
        docs, complete = await newest_versions(current, history, need=need, since=None)
        assert _newest(docs, need) == every[:need]
        assert len(docs) == len(every) if complete else need <= len(every)
    docs, complete = await newest_versions(current, history, need=10_000, since=None)
    assert complete and len(docs) == len(every)


async def test_a_deep_page_after_sparse_ranges_reaches_back_to_the_first_version(collections):
    """Timed ranges grow by what a page still lacks: 10,000 versions wanted after one found
    grew a range past the earliest date a datetime holds (an OverflowError, a 500)."""
    current, history = collections
    every = await _store(
        current, history, {"a": [NOW - timedelta(days=900)], "b": [NOW - timedelta(seconds=20)]}
    )
    for need in (10_000, 10**9):
        docs, complete = await newest_versions(current, history, need=need, since=None)
        assert complete and _newest(docs, need) == every
        since = NOW - timedelta(days=1000)
        docs, complete = await newest_versions(current, history, need=need, since=since)
        assert complete and _newest(docs, need) == every


async def test_since_bounds_what_is_read(collections):
    current, history = collections
    every = await _store(
        current,
        history,
        {
            "a": [NOW - timedelta(days=10), NOW - timedelta(hours=2)],
            "b": [NOW - timedelta(days=20), NOW - timedelta(days=5), NOW - timedelta(seconds=1)],
        },
    )
    since = NOW - timedelta(days=7)
    docs, complete = await newest_versions(current, history, need=100, since=since)
    assert complete
    assert _newest(docs, 100) == [v for v in every if v[0] >= since]


async def test_older_versions_are_not_read_for_a_page_of_recent_ones(collections):
    current, history = collections
    year_ago = NOW - timedelta(days=365)
    old = {f"old{n}": [year_ago + timedelta(seconds=n)] for n in range(500)}
    recent = {f"new{n}": [NOW - timedelta(minutes=n)] for n in range(30)}
    every = await _store(current, history, {**old, **recent})
    docs, complete = await newest_versions(current, history, need=21, since=None)
    assert _newest(docs, 21) == every[:21]
    assert not complete
    assert all(d["rid"].startswith("new") for d in docs)  # none of the 500 older read


async def test_a_version_in_both_collections_is_returned_once(collections):
    current, history = collections
    # archived between the reads of the two collections: in both for a moment
    await _store(current, history, {"a": [NOW - timedelta(seconds=3)]})
    await history.insert_one(
        {"_id": "a/1", "rid": "a", **_version("a", 1, NOW - timedelta(seconds=3))}
    )
    docs, _ = await newest_versions(current, history, need=5, since=None)
    assert [(d["rid"], d["v"]) for d in docs] == [("a", 1)]


async def test_any_sample_of_times_gives_the_same_newest_versions(collections):
    """The sampled times only decide where ranges are cut: stale, wrong or empty, the newest
    versions are the same."""
    current, history = collections
    randomly = random.Random(11)
    versions = {
        f"r{n}": sorted(NOW - timedelta(hours=randomly.random() * 200) for _ in range(n % 3 + 1))
        for n in range(60)
    }
    every = await _store(current, history, versions)
    samples = [
        VersionTimes((), 10.0),  # nothing sampled: one range from `since` on
        VersionTimes(tuple(v[0] for v in every[::7]), 7.0),  # as a sample would be
        VersionTimes((NOW - timedelta(days=30),), 1.0),  # stale: everything is newer
        VersionTimes(tuple(NOW - timedelta(hours=h) for h in range(0, 400, 3)), 0.5),
    ]
    since = NOW - timedelta(hours=100)
    for sample in samples:
        for need in (1, 5, 40, len(every) + 1):
            docs, complete = await newest_versions(
                current, history, need=need, since=None, sample=sample
            )
            assert _newest(docs, need) == every[:need]
            assert len(docs) == len(every) if complete else need <= len(every)
        docs, complete = await newest_versions(
            current, history, need=10_000, since=since, sample=sample
        )
        assert complete and _newest(docs, 10_000) == [v for v in every if v[0] >= since]


async def test_a_sample_cuts_a_bulk_import_into_ranges_of_about_a_page(collections):
    """2,400 versions written in one second a day ago (an import), 10 since: a page of 21 reads
    some of the import, not all of it (by timed ranges alone, a range reaching the import reads
    every version of it)."""
    current, history = collections
    imported_at = NOW - timedelta(days=1)
    bulk = {f"imp{n}": [imported_at + timedelta(microseconds=400 * n)] for n in range(2_400)}
    recent = {f"new{n}": [NOW - timedelta(minutes=n)] for n in range(10)}
    every = await _store(current, history, {**bulk, **recent})
    sample = await sample_times(current, 2_410)
    assert sample is not None and 50 < len(sample.times) < 200
    docs, complete = await newest_versions(current, history, need=21, since=None, sample=sample)
    assert _newest(docs, 21) == every[:21]
    assert not complete
    assert len(docs) < 400
    timed, _ = await newest_versions(current, history, need=21, since=None)
    assert _newest(timed, 21) == every[:21]
    assert len(timed) == len(every)  # the cost the sample avoids


async def test_resources_are_read_for_the_versions_of_the_page(collections):
    current, history = collections
    await _store(
        current,
        history,
        {
            "a": [NOW - timedelta(hours=3), NOW - timedelta(hours=2)],
            "b": [NOW - timedelta(hours=1)],
        },
    )
    versions, _ = await newest_versions(current, history, need=10, since=None)
    assert all("res" not in v for v in versions)
    # "a" is updated after its versions were read: its version 2 is then read from history
    newer = _version("a", 3, NOW)
    await history.insert_one(
        {"_id": "a/2", "rid": "a", **_version("a", 2, NOW - timedelta(hours=2))}
    )
    await current.replace_one({"_id": "a"}, newer)
    read = await with_resources(current, history, versions)
    assert sorted((v["rid"], v["v"], v["res"]["meta"]["versionId"]) for v in read) == [
        ("a", 1, "1"),
        ("a", 2, "2"),
        ("b", 1, "1"),
    ]
