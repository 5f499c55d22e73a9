"""`:contains` and token `:text` searches tested against the values a process keeps
(store.string_values, docs/adr/0031): the same pages as reading the rows (or, for `:text`, the
documents), the rows read once, and every change seen at the next search — through this
repository, another one on the same database, an undo, a bulk write; a transaction's own writes
seen inside it."""

import asyncio
from datetime import timedelta

import pytest

import fhirtrial.store.string_values as string_values
from fhirtrial.api.atomic import Journal, run_atomically
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.batch import write_units
from fhirtrial.store.repository import Repository
from fhirtrial.store.string_rows import TEXTS_SEPARATOR
from fhirtrial.store.string_search import StringSearch, kept_candidates, string_page
from fhirtrial.store.string_values import StringValues
from tests.helpers import research_study
from tests.store.searching import all_pages, created, search

# Words of real trial titles (one accented: searches fold it).
_WORDS = ["metronomic", "capecitabine", "adjuvant", "letrozole", "étude", "phase", "lung"]


@pytest.fixture
def row_reads(monkeypatch) -> list[str]:
    """The parameters whose rows were read, one entry a read."""
    reads: list[str] = []
    real = string_values._read_rows

    async def counted(strings, name):
        reads.append(name)
        return await real(strings, name)

    monkeypatch.setattr(string_values, "_read_rows", counted)
    return reads


async def _titles(repository: Repository, term: str) -> list[str]:
    result = await search(repository, "ResearchStudy", title__contains=term, _count="100")
    return sorted(m["title"] for m in result.matches)


def _title(i: int) -> str:
    """Titles of 1 to 3 of the words, so that words match from a seventh to half the titles."""
    picked = [_WORDS[(i * k + k) % len(_WORDS)] for k in range(1, 2 + i % 3)]
    return f"Study {i}: " + " ".join(picked)


@pytest.mark.parametrize("count", [1, 3, 7])
async def test_pages_are_those_the_rows_give(database, count):
    """Every page, followed position by position, for words of many titles, of few, of none,
    parts of words and several values at once."""
    await write_units(database, [research_study(id=f"s-{i}", title=_title(i)) for i in range(50)])
    current = database.collections("ResearchStudy").current
    strings = await database.strings("ResearchStudy")
    assert strings is not None
    param = RESOURCE_TYPES["ResearchStudy"].search_params["title"]
    kept = await StringValues().values("ResearchStudy", "title", current, strings, 50)
    assert kept is not None and len(kept) == 50

    async def pages(search: StringSearch, kept_values) -> list[list[str]]:
        found, after = [], None
        while True:
            docs, more = await string_page(
                strings,
                current,
                search,
                after=after,
                count=count,
                size_estimate=50,
                kept=kept_values,
            )
            found.append([doc["_id"] for doc in docs])
            if not more:
                return found
            after = (docs[-1]["o"], docs[-1]["_id"])

    for values in [("phase",), ("etude",), ("trozo",), ("study 4",), ("zzqx",), ("lung", "adj")]:
        search = StringSearch(param, "contains", values)
        from_rows = await pages(search, None)
        assert await pages(search, [kept]) == from_rows, values
        folded = {f"s-{i}": _title(i).lower().replace("é", "e") for i in range(50)}
        expected = {rid for rid, title in folded.items() if any(v in title for v in values)}
        assert {rid for page in from_rows for rid in page} == expected, values


async def test_the_rows_are_read_once_then_only_what_was_written(database, row_reads):
    repository = Repository(database)
    [rid] = await created(repository, "Metronomic capecitabine")
    assert await _titles(repository, "tronom") == ["Metronomic capecitabine"]
    assert await _titles(repository, "capecit") == ["Metronomic capecitabine"]
    assert row_reads == ["title"]

    await repository.update("ResearchStudy", rid, research_study(title="Adjuvant letrozole"))
    [other] = await created(repository, "Adjuvant capecitabine")

    assert await _titles(repository, "tronom") == []
    assert await _titles(repository, "adjuv") == ["Adjuvant capecitabine", "Adjuvant letrozole"]
    await repository.delete("ResearchStudy", other)
    assert await _titles(repository, "adjuv") == ["Adjuvant letrozole"]
    assert row_reads == ["title"]


async def test_a_write_through_another_repository_is_seen_at_once(database):
    """Two repositories on one database: two server processes."""
    reader, writer = Repository(database), Repository(database)
    [rid] = await created(writer, "Metronomic capecitabine")
    assert await _titles(reader, "metronomic") == ["Metronomic capecitabine"]

    await writer.update("ResearchStudy", rid, research_study(title="Adjuvant letrozole"))
    assert await _titles(reader, "metronomic") == []
    assert await _titles(reader, "letrozole") == ["Adjuvant letrozole"]

    await writer.delete("ResearchStudy", rid)
    assert await _titles(reader, "letrozole") == []

    await write_units(database, [research_study(id=rid, title="Letrozole again")])
    assert await _titles(reader, "letrozole") == ["Letrozole again"]


async def test_an_undone_write_is_searched_as_the_version_before(database):
    """An undo brings the earlier version back with its earlier stamp, which no check sees
    (no margin here: only `forget` can tell)."""
    repository = Repository(database)
    repository.string_values = StringValues(margin=timedelta(0))
    [rid] = await created(repository, "Metronomic capecitabine")
    await asyncio.sleep(0.01)
    assert await _titles(repository, "metronomic") == ["Metronomic capecitabine"]
    written = await repository.update("ResearchStudy", rid, research_study(title="Adjuvant"))
    await asyncio.sleep(0.01)
    assert await _titles(repository, "adjuvant") == ["Adjuvant"]

    assert await repository.undo("ResearchStudy", rid, written.stored.version)

    assert await _titles(repository, "adjuvant") == []
    assert await _titles(repository, "metronomic") == ["Metronomic capecitabine"]


async def test_many_writes_since_the_last_search_read_the_rows_again(
    database, row_reads, monkeypatch
):
    monkeypatch.setattr(string_values, "MAX_WRITTEN", 2)
    repository = Repository(database)
    await created(repository, "Alpha one")
    assert await _titles(repository, "alpha") == ["Alpha one"]
    await created(repository, "Alpha two", "Alpha three", "Beta")
    await asyncio.sleep(0.01)

    assert await _titles(repository, "alpha") == ["Alpha one", "Alpha three", "Alpha two"]
    assert row_reads == ["title", "title"]


async def test_a_type_larger_than_the_bound_is_searched_through_its_rows(
    database, row_reads, monkeypatch
):
    monkeypatch.setattr(string_values, "MAX_KEPT_SIZE", 1)
    repository = Repository(database)
    await created(repository, "Alpha one", "Alpha two")
    assert await _titles(repository, "lpha") == ["Alpha one", "Alpha two"]
    assert row_reads == []


async def test_the_least_recently_searched_parameter_is_dropped_beyond_the_bound(
    database, row_reads
):
    repository = Repository(database)
    repository.string_values = StringValues(max_values=3)
    await created(repository, "Alpha one", "Alpha two")
    plan = {"resourceType": "PlanDefinition", "status": "active", "name": "Arm A", "title": "T"}
    await repository.create(plan)

    async def plan_names(term: str) -> list[str]:
        found = await search(repository, "PlanDefinition", name__contains=term)
        return [m["name"] for m in found.matches]

    assert await _titles(repository, "alpha") == ["Alpha one", "Alpha two"]
    assert await plan_names("arm") == ["Arm A"]  # 2 + 1 values: both kept
    assert await _titles(repository, "alpha") == ["Alpha one", "Alpha two"]
    assert row_reads == ["title", "name"]

    await created(repository, "Alpha three")
    # 3 + 1 values: the parameter searched less recently is dropped, each time.
    assert await _titles(repository, "alpha") == ["Alpha one", "Alpha three", "Alpha two"]
    assert await plan_names("arm") == ["Arm A"]
    assert await _titles(repository, "alpha") == ["Alpha one", "Alpha three", "Alpha two"]
    assert row_reads == ["title", "name", "name", "title"]


async def test_concurrent_first_searches_read_the_rows_once(database, row_reads):
    await created(Repository(database), "Alpha one", "Beta two")
    current = database.collections("ResearchStudy").current
    strings = await database.strings("ResearchStudy")
    assert strings is not None
    kept = StringValues()

    found = await asyncio.gather(
        *(kept.values("ResearchStudy", "title", current, strings, 2) for _ in range(4))
    )

    assert [sorted(text for _, text in values.values()) for values in found] == [
        [f"{TEXTS_SEPARATOR}alpha one", f"{TEXTS_SEPARATOR}beta two"]
    ] * 4
    assert row_reads == ["title"]


async def test_a_transaction_finds_its_own_writes(database):
    """Inside a transaction the kept values (committed writes only) are not used."""
    repository = Repository(database)
    await created(repository, "Alpha one")
    assert await _titles(repository, "alpha") == ["Alpha one"]

    async def work(session_repository: Repository, journal: Journal) -> list[str]:
        await session_repository.create(research_study(title="Alpha in transaction"))
        return await _titles(session_repository, "alpha")

    assert await run_atomically(repository, work) == ["Alpha in transaction", "Alpha one"]
    assert await _titles(repository, "alpha") == ["Alpha in transaction", "Alpha one"]


# Display texts of conditions as CT.gov records write them.
_CONDITIONS = [
    "Non-small Cell Lung Cancer",
    "Small Cell Lung Carcinoma",
    "Breast Cancer",
    "Metastatic Breast Cancer",
    "Melanoma (Skin)",
    "Lung Neoplasms",
]


def _conditions(i: int) -> list[dict]:
    """One to three conditions, as text or as a coding's display."""
    picked = [_CONDITIONS[(i * k + k) % len(_CONDITIONS)] for k in range(1, 2 + i % 3)]
    return [{"text": t} if n % 2 else {"coding": [{"display": t}]} for n, t in enumerate(picked)]


@pytest.mark.parametrize("count", [2, 5])
async def test_text_pages_are_those_the_documents_give(database, row_reads, monkeypatch, count):
    """A token's `:text` matches a text from any word on: "lung" finds "Non-small Cell Lung
    Cancer", "cell lung" too, "ung" nothing."""
    studies = [research_study(id=f"s-{i}", condition=_conditions(i)) for i in range(40)]
    await write_units(database, studies)
    searches = [
        "lung",
        "cell lung",
        "NON-SMALL",
        "small",
        "ung",
        "melanoma (sk",
        "zzqx",
        "breast,melan",
    ]

    reader = Repository(database)
    kept = {v: await all_pages(reader, condition__text=v, _count=str(count)) for v in searches}
    assert row_reads == ["condition:text"]
    monkeypatch.setattr(string_values, "MAX_KEPT_SIZE", 0)  # the documents, range by range
    for value, pages in kept.items():
        [every] = await all_pages(Repository(database), condition__text=value, _count="100")
        assert [rid for page in pages for rid in page] == every, value
        assert all(len(page) == count for page in pages[:-1]), value

    def words_from(condition: dict) -> list[str]:
        text = condition.get("text") or condition["coding"][0]["display"]
        words = text.lower().replace("-", " ").replace("(", " ").split()
        return [" ".join(words[n:]) for n in range(len(words))]

    lung = {
        s["id"]
        for s in studies
        if any(w.startswith("lung") for c in s["condition"] for w in words_from(c))
    }
    assert lung and {rid for page in kept["lung"] for rid in page} == lung
    assert kept["ung"] == [[]] and kept["zzqx"] == [[]]


def test_a_text_is_a_candidate_from_a_word_start_a_contains_from_anywhere():
    """Documents turn down wrong candidates (the tests above cannot see them): here, which are
    read at all."""
    params = RESOURCE_TYPES["ResearchStudy"].search_params
    title, condition = params["title"], params["condition"]
    kept = {
        "a": (2, f"{TEXTS_SEPARATOR}non small cell lung cancer{TEXTS_SEPARATOR}lung cancer"),
        "b": (1, f"{TEXTS_SEPARATOR}melanoma"),
    }

    def candidates(param, modifier: str, *values: str) -> list[str]:
        found, complete = kept_candidates([kept], StringSearch(param, modifier, values), None, 10)
        assert complete
        return [rid for _, rid in found]

    assert candidates(condition, "text", "ung") == []
    assert candidates(condition, "text", "lung c") == ["a"]
    assert candidates(condition, "text", "lung", "mela") == ["b", "a"]  # in the default order
    assert candidates(title, "contains", "ung") == ["a"]
    assert candidates(title, "contains", "noma") == ["b"]


@pytest.mark.parametrize("stale_id", ["0-stale", "z-stale"])
async def test_a_texts_row_left_behind_does_not_hide_the_current_texts(database, stale_id):
    """Rows of two versions of one resource (a crash or a race left one): whichever is read
    last, the current texts are still kept (as candidates, with the old ones)."""
    repository = Repository(database)
    repository.string_values = StringValues(margin=timedelta(0))  # no recent write re-read
    rid = (await repository.create(research_study(condition=[{"text": "Melanoma"}]))).stored.id
    strings = await database.strings("ResearchStudy")
    assert strings is not None
    row = await strings.find_one({"r": rid, "tx": {"$exists": True}})
    assert row is not None
    left = {**row, "_id": stale_id, "tx": {"condition:text": f"{TEXTS_SEPARATOR}breast cancer"}}
    await strings.insert_one(left)
    await asyncio.sleep(0.01)

    found = await search(repository, "ResearchStudy", condition__text="melanoma")
    assert [m["id"] for m in found.matches] == [rid]
    assert (await search(repository, "ResearchStudy", condition__text="breast")).matches == []


async def test_a_text_search_without_kept_texts_is_refused_not_answered_empty(database):
    """The rows hold no index of token texts: reading them would find nothing, silently."""
    strings = await database.strings("ResearchStudy")
    assert strings is not None
    current = database.collections("ResearchStudy").current
    condition = RESOURCE_TYPES["ResearchStudy"].search_params["condition"]
    with pytest.raises(ValueError, match="kept texts"):
        search = StringSearch(condition, "text", ("lung",))
        await string_page(strings, current, search, after=None, count=20, size_estimate=0)


async def test_a_changed_text_is_searched_at_once(database):
    reader, writer = Repository(database), Repository(database)
    study = research_study(id="s1", condition=[{"text": "Breast Cancer"}])
    await writer.update("ResearchStudy", "s1", study)
    found = await search(reader, "ResearchStudy", condition__text="breast")
    assert [m["id"] for m in found.matches] == ["s1"]

    await writer.update("ResearchStudy", "s1", {**study, "condition": [{"text": "Melanoma"}]})

    assert (await search(reader, "ResearchStudy", condition__text="breast")).matches == []
    found = await search(reader, "ResearchStudy", condition__text="melan")
    assert [m["id"] for m in found.matches] == ["s1"]
