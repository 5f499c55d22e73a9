"""String searches read through the string rows (store.string_rows, store.string_search,
ADR 0025), against the embedded database: what a search finds as resources are written,
rewritten, deleted, imported in batches, undone, and after a database of layout 5 is opened."""

import asyncio
from datetime import timedelta

import pytest

from fhirtrial.store.batch import write_units
from fhirtrial.store.database import STORE_META, STRING_ROWS_VERSION, Database
from fhirtrial.store.repository import Repository
from fhirtrial.store.search_keys import order_key
from fhirtrial.store.string_values import StringValues
from tests.helpers import research_study
from tests.store.searching import all_pages, created, search


async def _titles(repository: Repository, **params) -> list[str]:
    result = await search(repository, "ResearchStudy", **params)
    return sorted(m["title"] for m in result.matches)


async def _rows(database: Database, rid: str) -> list[str]:
    strings = await database.strings("ResearchStudy")
    assert strings is not None
    return sorted([row["pv"] async for row in strings.find({"r": rid, "pv": {"$exists": True}})])


async def _texts(database: Database, rid: str) -> list[dict[str, str]]:
    """The token texts rows of a resource hold (every version's, if several were left)."""
    strings = await database.strings("ResearchStudy")
    assert strings is not None
    return [row["tx"] async for row in strings.find({"r": rid, "tx": {"$exists": True}})]


async def test_prefix_search_folds_case_and_accents(database):
    repository = Repository(database)
    await created(repository, "Étude Métronomique", "ETUDE of Hearts", "A study of étude")

    assert await _titles(repository, title="etude") == ["ETUDE of Hearts", "Étude Métronomique"]
    assert await _titles(repository, title="ÉTUDE M") == ["Étude Métronomique"]
    # A prefix of the whole value, not of any word.
    assert await _titles(repository, title="metronomique") == []


async def test_exact_matches_the_value_as_written_only(database):
    repository = Repository(database)
    await created(repository, "Étude Métronomique", "étude métronomique", "Étude Métronomique 2")

    assert await _titles(repository, title__exact="Étude Métronomique") == ["Étude Métronomique"]
    assert await _titles(repository, title__exact="Étude") == []


async def test_contains_matches_anywhere_in_the_folded_value(database):
    repository = Repository(database)
    await created(repository, "Étude Métronomique", "Metronomic dosing", "Heart failure")

    assert await _titles(repository, title__contains="TRONOM") == [
        "Metronomic dosing",
        "Étude Métronomique",
    ]
    assert await _titles(repository, title__contains="ure") == ["Heart failure"]


async def test_several_values_match_any_of_them(database):
    repository = Repository(database)
    await created(repository, "Alpha trial", "Beta trial", "Gamma trial")

    assert await _titles(repository, title="alpha,GAMMA") == ["Alpha trial", "Gamma trial"]
    assert await _titles(repository, title__exact="Beta trial,Gamma trial") == [
        "Beta trial",
        "Gamma trial",
    ]


async def test_a_shared_string_parameter_finds_values_of_its_parts(database):
    repository = Repository(database)
    site = {
        "resourceType": "Location",
        "name": "Welch Cancer Center",
        "address": {"line": ["1 Main St"], "city": "Sheridan", "state": "Wyoming"},
    }
    await repository.create(site)

    async def names(**params) -> list[str]:
        return [m["name"] for m in (await search(repository, "Location", **params)).matches]

    assert await names(address="sherid") == ["Welch Cancer Center"]
    assert await names(address="1 main") == ["Welch Cancer Center"]
    assert await names(**{"address-city": "sheridan"}) == ["Welch Cancer Center"]
    assert await names(address__exact="Sheridan") == ["Welch Cancer Center"]
    assert await names(name="welch c") == ["Welch Cancer Center"]


@pytest.mark.parametrize("title", ["rare", "common"])
async def test_pages_by_position_hold_every_match_once_in_the_default_order(database, title):
    """60 studies, pages of 2: a rare prefix (5 matches) is read by value after a few ranges,
    a common one (40 matches) range by range."""
    repository = Repository(database)
    titles = [f"{'rare' if i % 12 == 0 else 'common'} study {i}" for i in range(60)]
    titles = [
        t if not t.startswith("common") or i % 3 else f"other {i}" for i, t in enumerate(titles)
    ]
    ids = await created(repository, *titles)
    expected = {rid for rid, t in zip(ids, titles, strict=True) if t.startswith(title)}

    pages = await all_pages(repository, title=title, _count="2")

    seen = [rid for page in pages for rid in page]
    assert sorted(seen) == sorted(expected)
    assert all(len(page) == 2 for page in pages[:-1])
    by_default_order = await search(repository, "ResearchStudy", title=title, _count="100")
    assert seen == [m["id"] for m in by_default_order.matches]


async def test_a_page_holding_every_match_counts_them(database):
    repository = Repository(database)
    await created(repository, "Alpha one", "Alpha two", "Beta")

    result = await search(repository, "ResearchStudy", title="alpha")
    assert result.total == 2
    counted = await search(
        repository, "ResearchStudy", title="alpha", _count="1", _total="accurate"
    )
    assert counted.total == 2 and len(counted.matches) == 1


async def test_updates_and_deletes_keep_the_rows_of_the_current_version_only(database):
    repository = Repository(database)
    [rid] = await created(repository, "Metronomic capecitabine")

    await repository.update("ResearchStudy", rid, research_study(title="Adjuvant letrozole"))

    assert await _titles(repository, title="metronomic") == []
    assert await _titles(repository, title="adjuvant") == ["Adjuvant letrozole"]
    assert await _rows(database, rid) == ["title~adjuvant letrozole"]

    await repository.delete("ResearchStudy", rid)

    assert await _titles(repository, title="adjuvant") == []
    assert await _rows(database, rid) == []


async def test_the_row_of_token_texts_follows_the_current_version(database):
    repository = Repository(database)
    study = research_study(condition=[{"text": "Breast Cancer"}], keyword=[{"text": "HER2"}])
    rid = (await repository.create(study)).stored.id
    assert await _texts(database, rid) == [
        {"condition:text": "\x1fbreast cancer\x1fcancer", "keyword:text": "\x1fher2"}
    ]

    without_keyword = {k: v for k, v in study.items() if k != "keyword"}
    await repository.update("ResearchStudy", rid, {**without_keyword, "id": rid})
    assert await _texts(database, rid) == [{"condition:text": "\x1fbreast cancer\x1fcancer"}]

    await repository.update("ResearchStudy", rid, research_study(id=rid, title="No texts"))
    assert await _texts(database, rid) == []
    await repository.update("ResearchStudy", rid, {**study, "id": rid})
    await repository.delete("ResearchStudy", rid)
    assert await _texts(database, rid) == []


async def test_an_undone_write_brings_back_the_rows_of_the_version_before(database):
    """What a transaction on a database without transactions does when a later entry fails."""
    repository = Repository(database)
    [rid] = await created(repository, "Metronomic capecitabine")
    written = await repository.update("ResearchStudy", rid, research_study(title="Adjuvant"))

    assert await repository.undo("ResearchStudy", rid, written.stored.version)

    assert await _titles(repository, title="metronomic") == ["Metronomic capecitabine"]
    assert await _titles(repository, title="adjuvant") == []
    assert await _rows(database, rid) == ["title~metronomic capecitabine"]

    [new] = await created(repository, "Undone creation")
    assert await repository.undo("ResearchStudy", new, 1)

    assert await _titles(repository, title="undone") == []
    assert await _rows(database, new) == []


async def test_batches_write_and_replace_rows(database):
    """The importer's path (store.batch), in one transaction."""
    repository = Repository(database)
    studies = [research_study(id=f"nct-{i}", title=f"Imported {i}") for i in range(3)]
    await write_units(database, studies)
    assert await _titles(repository, title="imported") == ["Imported 0", "Imported 1", "Imported 2"]

    await write_units(database, [research_study(id="nct-1", title="Renamed")])

    assert await _titles(repository, title="imported") == ["Imported 0", "Imported 2"]
    assert await _titles(repository, title="renamed") == ["Renamed"]
    assert await _rows(database, "nct-1") == ["title~renamed"]


async def test_a_row_left_behind_is_never_a_result(database):
    """A crash between a document and its rows, or two writers racing, can leave a row of a
    superseded version: the search checks each match against its document."""
    repository = Repository(database)
    ids = await created(repository, "Alpha one", "Beta two", "Alpha three")
    strings = await database.strings("ResearchStudy")
    assert strings is not None
    stale = await strings.find_one({"r": ids[1]})
    assert stale is not None
    await strings.insert_one({**stale, "_id": "stale", "pv": "title~alpha stale"})

    result = await search(repository, "ResearchStudy", title="alpha", _count="2")

    assert sorted(m["title"] for m in result.matches) == ["Alpha one", "Alpha three"]
    assert result.next_after is None


@pytest.mark.parametrize("modifier", ["", "contains"])
async def test_rows_left_behind_ahead_of_every_match_make_the_page_read_further(database, modifier):
    """Twelve rows of superseded versions claim "alpha" for studies that hold "beta": the page
    reads on past them until it holds its match and knows whether more follow."""
    repository = Repository(database)
    ids = sorted((f"s-{n}" for n in range(13)), key=order_key)  # the match comes last
    betas, alpha = ids[:12], ids[12]
    for i, rid in enumerate(betas):
        await repository.update("ResearchStudy", rid, research_study(id=rid, title=f"Beta {i}"))
    await repository.update("ResearchStudy", alpha, research_study(id=alpha, title="Alpha one"))
    strings = await database.strings("ResearchStudy")
    assert strings is not None
    for rid in betas:
        row = await strings.find_one({"r": rid})
        assert row is not None
        await strings.insert_one({**row, "_id": f"stale-{rid}", "pv": "title~alpha stale"})
    # Kept values read from these rows (`:contains`) are not corrected by recent writes.
    repository.string_values = StringValues(margin=timedelta(0))
    await asyncio.sleep(0.01)
    params = {"title__contains" if modifier else "title": "alpha", "_count": "1"}

    result = await search(repository, "ResearchStudy", **params)

    assert [m["id"] for m in result.matches] == [alpha]
    assert result.next_after is None


async def test_a_database_of_layout_5_gets_its_rows_at_start(database):
    repository = Repository(database)
    ids = await created(repository, "Metronomic capecitabine", "Adjuvant letrozole")
    # As layout 5 left it: no rows, no record of them.
    strings = await database.strings("ResearchStudy")
    assert strings is not None
    await strings.delete_many({})
    await database.db[STORE_META].delete_one({"_id": "string-rows"})
    assert await _titles(repository, title="metronomic") == []

    await database.ensure_indexes()  # what every start does

    assert await _titles(repository, title="metronomic") == ["Metronomic capecitabine"]
    assert await _rows(database, ids[1]) == ["title~adjuvant letrozole"]
    saved = await database.db[STORE_META].find_one({"_id": "string-rows"})
    assert saved is not None and saved["version"] == STRING_ROWS_VERSION


async def test_rows_of_version_1_get_the_rows_of_token_texts_at_start(database):
    repository = Repository(database)
    study = research_study(
        title="Metronomic capecitabine",
        condition=[{"text": "Breast Cancer"}, {"coding": [{"display": "Triple negative"}]}],
    )
    rid = (await repository.create(study)).stored.id
    strings = await database.strings("ResearchStudy")
    assert strings is not None
    # As version 1 left them: the string values' rows only.
    await strings.delete_many({"pv": {"$not": {"$regex": "^title~"}}})
    await database.db[STORE_META].replace_one(
        {"_id": "string-rows"}, {"_id": "string-rows", "version": 1}
    )

    await database.ensure_indexes()  # what every start does

    assert await _rows(database, rid) == ["title~metronomic capecitabine"]
    assert await _texts(database, rid) == [
        {"condition:text": "\x1fbreast cancer\x1fcancer\x1ftriple negative\x1fnegative"}
    ]
    result = await search(repository, "ResearchStudy", condition__text="negat")
    assert [m["id"] for m in result.matches] == [rid]


async def test_locations_keep_no_rows_and_are_still_found_by_string(database):
    """An imported study writes ~30 Locations: their rows cost imports too much (ADR 0025)."""
    repository = Repository(database)
    await repository.create({"resourceType": "Location", "name": "Welch Cancer Center"})

    assert await database.strings("Location") is None
    assert "Location_strings" not in await database.db.list_collection_names()
    found = await search(repository, "Location", name="welch")
    assert [m["name"] for m in found.matches] == ["Welch Cancer Center"]
