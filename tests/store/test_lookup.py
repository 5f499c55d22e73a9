"""Looking documents up by long lists of values, in pieces."""

from pymongo import AsyncMongoClient

from fhirtrial.store.lookup import IN_PIECE, find_in, pieces
from tests.helpers import make_settings


def test_pieces_keep_every_value_in_order():
    values = list(range(2 * IN_PIECE + 5))
    split = list(pieces(values))
    assert [len(piece) for piece in split] == [IN_PIECE, IN_PIECE, 5]
    assert [v for piece in split for v in piece] == values
    assert list(pieces([])) == []


async def test_find_in_returns_every_document_named_by_a_long_list(mongo_url):
    client = AsyncMongoClient(mongo_url)
    database = client[make_settings(mongo_url).database]
    collection = database["lookup"]
    try:
        await collection.insert_many(
            [{"_id": f"doc-{n:03d}", "tags": [f"t{n % 7}", f"u{n}"]} for n in range(120)]
        )
        wanted = [f"doc-{n:03d}" for n in range(0, 120, 2)] + ["doc-missing", "doc-999"]
        found = [doc["_id"] async for doc in find_in(collection, "_id", wanted, {"_id": 1})]
        assert sorted(found) == sorted(wanted[:-2])

        # Array fields: a document named by values of several pieces comes once per piece.
        tags = [f"u{n}" for n in range(100)]
        by_tag = {doc["_id"] async for doc in find_in(collection, "tags", tags)}
        assert by_tag == {f"doc-{n:03d}" for n in range(100)}
    finally:
        await client.drop_database(database.name)
        await client.close()
