"""A collection's size from a slice of its order keys (store.collection_size): near the count,
exact when the slice is the whole space, deleted resources left out."""

import random

import pytest
from pymongo import AsyncMongoClient

from fhirtrial.store.collection_size import estimated_size
from fhirtrial.store.search_keys import order_key
from tests.helpers import make_settings


@pytest.fixture
async def collection(mongo_url):
    client = AsyncMongoClient(mongo_url, tz_aware=True)
    database = client[make_settings(mongo_url).database]
    things = database["Thing"]
    await things.create_index("o")
    try:
        yield things
    finally:
        await client.drop_database(database.name)
        await client.close()


async def _store(collection, live: int, deleted: int = 0) -> None:
    docs = [{"_id": f"t{n}", "o": order_key(f"t{n}"), "del": False} for n in range(live)]
    docs += [{"_id": f"d{n}", "del": True} for n in range(deleted)]  # no order key
    random.Random(3).shuffle(docs)
    if docs:
        await collection.insert_many(docs)


async def test_an_empty_collection_has_none(collection):
    assert await estimated_size(collection) == 0


async def test_a_small_collection_is_counted_exactly_without_its_deleted(collection):
    await _store(collection, live=12, deleted=5)
    assert await estimated_size(collection) == 12


async def test_a_large_collection_is_estimated_within_a_third(collection):
    await _store(collection, live=6_000)
    assert 4_000 <= await estimated_size(collection) <= 8_000
