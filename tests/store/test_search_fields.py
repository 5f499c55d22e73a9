"""The stored search fields: what each index holds, and upgrading documents of the old layout."""

from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.resources.search_query import parse_search
from fhirtrial.store.database import STORE_META, Database
from fhirtrial.store.repository import Repository
from tests.helpers import make_settings


async def connected(mongo_url) -> Database:
    settings = make_settings(mongo_url)
    database = Database.connect(mongo_url, settings.database, RESOURCE_TYPES)
    await database.ensure_indexes()
    return database


async def test_string_keys_are_indexed_only_where_the_database_can_use_the_index(mongo_url):
    database = await connected(mongo_url)
    try:
        indexes = await database.collections("Location").current.index_information()
        # The key index carries the order key: one index range per page range (store.keyset).
        assert indexes["k_1_o_1"]["key"] == [("k", 1), ("o", 1)]
        assert "k_1" not in indexes
        # SecantusDB scans for a range inside an array whatever the indexes: an index on the
        # string keys would only slow every write there.
        assert ("t_1" in indexes) is not (await database.capabilities()).secantusdb
    finally:
        await database.client.drop_database(database.db.name)
        await database.close()


async def test_documents_of_the_earlier_layout_are_upgraded_at_start(mongo_url):
    database = await connected(mongo_url)
    try:
        location = {
            "resourceType": "Location",
            "id": "old-site",
            "name": "Welch Cancer Center",
            "status": "active",
            "address": {"city": "Sheridan", "state": "Wyoming", "country": "United States"},
        }
        # As version 1 stored it: string keys among the exact keys, no `t`.
        await database.collections("Location").current.insert_one(
            {
                "_id": "old-site",
                "v": 1,
                "lu": None,
                "del": False,
                "m": "PUT",
                "res": {**location, "meta": {"versionId": "1"}},
                "s": {"name": ["welch cancer center"]},
                "k": ["name~welch cancer center", "status=c:active", "status=n:active"],
            }
        )
        await database.db[STORE_META].delete_many({})
        repository = Repository(database)

        async def found(**params) -> list[str]:
            query = parse_search(
                RESOURCE_TYPES["Location"], list(params.items()), registry=RESOURCE_TYPES
            )
            return [m["id"] for m in (await repository.search(query)).matches]

        assert await found(name="welch") == []

        await database.ensure_indexes()  # what every start does

        assert await found(name="welch") == ["old-site"]
        assert await found(**{"address-state": "wyo"}) == ["old-site"]
        assert await found(status="active") == ["old-site"]
        doc = await database.collections("Location").current.find_one({"_id": "old-site"})
        assert "name~welch cancer center" in doc["t"]
        assert all("~" not in key for key in doc["k"])
    finally:
        await database.client.drop_database(database.db.name)
        await database.close()
