"""Importing ClinicalTrials.gov records into a real database."""

import asyncio
import copy
import json
from datetime import timedelta

import orjson
import pytest
from typer.testing import CliRunner

from fhirtrial.catalog.importer import import_studies
from fhirtrial.catalog.sources import StudyInput, from_files
from fhirtrial.cli import app as cli
from fhirtrial.matching.service import MatchService
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.repository import Repository
from tests.helpers import DATA, make_settings

NDJSON = DATA / "ctgov" / "breast-cancer-studies.ndjson"
RECORDS = [orjson.loads(line) for line in NDJSON.read_bytes().splitlines() if line.strip()]


def nct(study: dict) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


@pytest.fixture
async def database(mongo_url):
    settings = make_settings(mongo_url)
    db = Database.connect(mongo_url, settings.database, RESOURCE_TYPES)
    await db.ensure_indexes()
    yield db
    await db.client.drop_database(settings.database)
    await db.close()


@pytest.fixture
def matching(database) -> MatchService:
    return MatchService(database)


def inputs(studies: list[dict]) -> list[StudyInput]:
    return [StudyInput(f"test[{i}]", s, None, nct(s)) for i, s in enumerate(studies)]


async def history_size(db: Database, resource_type: str) -> int:
    return (await Repository(db).history(resource_type)).total


async def test_import_of_real_records_stores_linked_resources_for_every_study(database, matching):
    summary = await import_studies(matching, from_files([NDJSON]), batch_size=10)
    assert summary.failures == []
    assert sorted(summary.created) == sorted(nct(s) for s in RECORDS)
    studies = database.collections("ResearchStudy").current
    assert await studies.count_documents({}) == len(RECORDS)
    for record in RECORDS[:5]:
        study = (await studies.find_one({"_id": nct(record)}))["res"]
        protocol = study["protocol"][0]["reference"].split("/")
        eligibility = study["recruitment"]["eligibility"]["reference"].split("/")
        assert (
            await database.collections(protocol[0]).current.count_documents({"_id": protocol[1]})
            == 1
        )
        assert (
            await database.collections(eligibility[0]).current.count_documents(
                {"_id": eligibility[1]}
            )
            == 1
        )
        sites = record["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])
        assert len(study.get("site", [])) == len(sites)


async def test_reimporting_identical_content_makes_no_new_version(database, matching):
    await import_studies(matching, inputs(RECORDS[:8]))
    before = {
        t: await history_size(database, t)
        for t in ("ResearchStudy", "Location", "EvidenceVariable")
    }
    again = await import_studies(matching, inputs(RECORDS[:8]))
    assert again.created == again.updated == []
    assert len(again.unchanged) == 8
    after = {t: await history_size(database, t) for t in before}
    assert after == before


async def test_a_changed_study_gets_exactly_one_new_version(database, matching):
    await import_studies(matching, inputs(RECORDS[:3]))
    changed = copy.deepcopy(RECORDS[1])
    changed["protocolSection"]["identificationModule"]["briefTitle"] += " (amended)"
    summary = await import_studies(matching, inputs([RECORDS[0], changed, RECORDS[2]]))
    assert summary.updated == [nct(changed)]
    assert sorted(summary.unchanged) == sorted([nct(RECORDS[0]), nct(RECORDS[2])])
    doc = await database.collections("ResearchStudy").current.find_one({"_id": nct(changed)})
    assert doc["v"] == 2
    assert doc["res"]["label"][0]["value"].endswith("(amended)") or "(amended)" in json.dumps(
        doc["res"]
    )
    repository = Repository(database)
    versions = await repository.history("ResearchStudy", nct(changed))
    assert [e.version for e in versions.entries] == [2, 1]
    assert (await repository.history("ResearchStudy", nct(RECORDS[0]))).total == 1


async def test_a_bad_record_is_reported_and_does_not_stop_the_batch(matching):
    broken = copy.deepcopy(RECORDS[0])
    del broken["protocolSection"]["identificationModule"]["nctId"]
    not_a_study = {"hello": "world"}
    batch = [
        StudyInput("file.ndjson:1", broken, None, None),
        StudyInput("file.ndjson:2", RECORDS[1], None, nct(RECORDS[1])),
        StudyInput("file.ndjson:3", not_a_study, None, None),
        StudyInput("file.ndjson:4", None, "line 4 is not JSON", None),
    ]
    summary = await import_studies(matching, batch)
    assert summary.created == [nct(RECORDS[1])]
    assert [f.origin for f in summary.failures] == [
        "file.ndjson:1",
        "file.ndjson:3",
        "file.ndjson:4",
    ]
    assert "NCT number" in summary.failures[0].reason
    assert "line 4" in summary.failures[2].reason


async def test_a_record_with_wrongly_typed_fields_is_imported_with_a_warning_per_field(
    database, matching
):
    damaged = copy.deepcopy(RECORDS[0])
    damaged["protocolSection"]["designModule"]["enrollmentInfo"] = "120"
    damaged["protocolSection"]["statusModule"]["overallStatus"] = "SLEEPING"
    damaged["derivedSection"] = None
    summary = await import_studies(matching, inputs([damaged]))
    assert summary.created == [nct(damaged)] and summary.failures == []
    assert summary.warnings == [
        f"{nct(damaged)}: protocolSection.designModule.enrollmentInfo: expected an object, "
        'got a string "120"; ignored',
        f"{nct(damaged)}: unknown statusModule.overallStatus value 'SLEEPING'; carried as text",
    ]
    stored = await Repository(database).read("ResearchStudy", nct(damaged))
    assert "targetNumber" not in stored.resource["recruitment"]


def test_cli_import_from_files_reports_and_exits_nonzero_on_failures(mongo_url, tmp_path):
    settings = make_settings(mongo_url)
    env = {"FHIRTRIAL_MONGODB_URL": mongo_url, "FHIRTRIAL_DATABASE": settings.database}
    good = tmp_path / "page.json"
    good.write_text(json.dumps({"studies": RECORDS[:2]}))
    result = CliRunner().invoke(cli, ["import", "--file", str(good)], env=env)
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    bad = tmp_path / "bad.ndjson"
    bad.write_text(json.dumps(RECORDS[2]) + "\n{not json\n")
    result = CliRunner().invoke(cli, ["import", "--file", str(bad), "--file", str(good)], env=env)
    assert result.exit_code == 1
    assert "1 created" in result.output and "2 unchanged" in result.output
    assert "FAILED" in result.output and "bad.ndjson" in result.output


async def test_worker_processes_import_the_same_as_the_importing_process(
    database, matching, mongo_url
):
    broken = copy.deepcopy(RECORDS[3])
    del broken["protocolSection"]["identificationModule"]["nctId"]
    batch = [*inputs(RECORDS[:12]), StudyInput("broken", broken, None, None)]
    pooled = await import_studies(matching, batch, batch_size=5, workers=2)
    assert sorted(pooled.created) == sorted(nct(s) for s in RECORDS[:12])
    assert [f.origin for f in pooled.failures] == ["broken"]
    inline_settings = make_settings(mongo_url)
    inline_db = Database.connect(mongo_url, inline_settings.database, RESOURCE_TYPES)
    await inline_db.ensure_indexes()
    await import_studies(MatchService(inline_db), inputs(RECORDS[:12]), batch_size=5)
    for record in RECORDS[:12]:
        a = (await Repository(database).read("ResearchStudy", nct(record))).resource
        b = (await Repository(inline_db).read("ResearchStudy", nct(record))).resource
        assert {k: v for k, v in a.items() if k != "meta"} == {
            k: v for k, v in b.items() if k != "meta"
        }
    # Search values and index keys are extracted in the workers: the same ones, so the same
    # searches find the studies and their sites.
    for resource_type in ("ResearchStudy", "Location", "EvidenceVariable"):
        projection = {"s": 1, "k": 1}
        pooled_docs = (
            await database.collections(resource_type).current.find({}, projection).to_list(None)
        )
        inline_docs = (
            await inline_db.collections(resource_type).current.find({}, projection).to_list(None)
        )
        assert sorted(pooled_docs, key=lambda d: d["_id"]) == sorted(
            inline_docs, key=lambda d: d["_id"]
        )
        assert all(doc["k"] for doc in pooled_docs)
    await inline_db.client.drop_database(inline_settings.database)
    await inline_db.close()


@pytest.mark.parametrize("workers", [1, 2])
async def test_ndjson_lines_are_parsed_and_checked_where_they_are_mapped(
    database, matching, tmp_path, workers
):
    """Lines travel to the workers unparsed; bad ones are still reported with file and line,
    and the kept source record is the line itself."""
    from fhirtrial.catalog.records import iter_records

    lines = [
        json.dumps(RECORDS[0]),
        "{not json",
        json.dumps({"protocolSection": {}}),
        json.dumps(RECORDS[1]),
    ]
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join(lines) + "\n")
    summary = await import_studies(matching, from_files([path]), workers=workers)
    assert sorted(summary.created) == sorted([nct(RECORDS[0]), nct(RECORDS[1])])
    failures = {f.origin: f.reason for f in summary.failures}
    assert list(failures) == [f"{path}:2", f"{path}:3"]
    assert failures[f"{path}:2"].startswith("not valid JSON")
    assert "no protocolSection.identificationModule.nctId" in failures[f"{path}:3"]
    kept = {nct_id: study async for nct_id, study in iter_records(database)}
    assert kept == {nct(RECORDS[0]): RECORDS[0], nct(RECORDS[1]): RECORDS[1]}


async def test_match_index_written_by_the_import_equals_one_rebuilt_from_the_store(
    database, matching
):
    """The importer indexes each batch from the resources it wrote, without reading them back;
    what `$match` reads must be exactly what a rebuild from the stored resources gives."""
    from fhirtrial.matching.index.collection import index_collection
    from fhirtrial.matching.index.sync import rebuild_index

    changed = copy.deepcopy(RECORDS[:12])
    changed[3]["protocolSection"]["eligibilityModule"]["minimumAge"] = "30 Years"
    await import_studies(matching, inputs(RECORDS[:12]), batch_size=5)
    collection = index_collection(database)
    before = await collection.find_one({"_id": nct(changed[3])})
    await import_studies(matching, inputs(changed), batch_size=5)  # one study updated
    from_import = {doc["_id"]: doc async for doc in collection.find({})}
    assert len(from_import) == 12
    assert from_import[nct(changed[3])]["age_lo"] > before["age_lo"]
    assert from_import[nct(changed[3])]["ev_v"] == before["ev_v"] + 1
    assert await rebuild_index(matching) == 12
    rebuilt = {doc["_id"]: doc async for doc in collection.find({})}
    assert rebuilt == from_import


async def test_a_new_study_whose_site_already_exists_updates_that_site(database, matching):
    """A site written over REST before its study is imported gets exactly one new version (the
    mapped one), and the study is reported created."""
    from fhirtrial.mappers.ctgov import map_study

    record = next(r for r in RECORDS if r["protocolSection"].get("contactsLocationsModule"))
    site = next(r for r in map_study(record).resources if r["resourceType"] == "Location")
    repository = Repository(database)
    await repository.update(
        "Location", site["id"], {"resourceType": "Location", "id": site["id"], "name": "Old name"}
    )
    summary = await import_studies(matching, inputs([record, *RECORDS[:3]]))
    assert summary.failures == []
    assert nct(record) in summary.created
    stored = await repository.read("Location", site["id"])
    assert stored.version == 2 and stored.resource["name"] == site["name"]
    assert (await repository.history("Location", site["id"])).total == 2


async def test_a_deleted_study_imported_again_is_restored_with_its_resources(database, matching):
    """Its protocol, criteria and sites still exist: they are looked up, not inserted again."""
    record = max(
        RECORDS,
        key=lambda r: len(
            r["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])
        ),
    )
    others = [r for r in RECORDS[:3] if r is not record][:2]
    await import_studies(matching, inputs([record, *others]))
    repository = Repository(database)
    await repository.delete("ResearchStudy", nct(record))
    summary = await import_studies(matching, inputs([record, *others]))
    assert summary.failures == []
    assert summary.created == [nct(record)]
    restored = await repository.read("ResearchStudy", nct(record))
    assert restored.version == 3  # created, deleted, imported again
    sites = [ref["reference"].split("/")[1] for ref in restored.resource["site"]]
    assert len(sites) > 32
    for site in sites:
        assert (await repository.read("Location", site)).version == 1


async def test_a_site_changed_by_someone_else_between_import_batches_reaches_the_match_index(
    database, matching
):
    """After each batch the importer tells the match index's sync to skip its own writes; a
    write by someone else between two batches must still be picked up by the next sync."""
    from fhirtrial.mappers.ctgov import map_study
    from fhirtrial.matching.index.collection import index_collection
    from fhirtrial.matching.index.sync import sync_index

    matching.index.settle_margin = timedelta(0)  # no waiting for late writes
    with_sites = [r for r in RECORDS if r["protocolSection"].get("contactsLocationsModule")]
    first, second = with_sites[0], with_sites[1]
    site = next(r for r in map_study(first).resources if r["resourceType"] == "Location")
    await import_studies(matching, inputs([first]))
    await sync_index(matching)
    await asyncio.sleep(0.01)
    await Repository(database).update("Location", site["id"], {**site, "name": "Renamed"})
    await asyncio.sleep(0.01)
    await import_studies(matching, inputs([second]))
    await sync_index(matching)
    entry = await index_collection(database).find_one({"_id": nct(first)})
    assert entry["loc_v"][site["id"]] == 2


def test_a_batch_is_cut_into_transactions_by_resource_count_never_inside_a_study():
    from fhirtrial.catalog.importer import PreparedStudy, write_groups

    def study(name: str, resources: int):
        search = {f"Location/{name}-{n}": {} for n in range(resources)}
        return StudyInput(name), PreparedStudy(name, b"[]", search, [], b"")

    batch = [study("a", 40), study("b", 50), study("c", 10), study("huge", 400), study("d", 5)]
    groups = write_groups(batch, 100)
    assert [[entry[0].origin for entry in group] for group in groups] == [
        ["a", "b", "c"],
        ["huge"],
        ["d"],
    ]
    assert write_groups([], 100) == []


async def test_studies_split_over_several_transactions_are_all_complete(
    database, matching, monkeypatch
):
    import fhirtrial.catalog.importer as importer

    monkeypatch.setattr(importer, "BATCH_RESOURCES", 30)
    summary = await import_studies(matching, inputs(RECORDS[:10]), batch_size=10)
    assert summary.failures == []
    assert sorted(summary.created) == sorted(nct(r) for r in RECORDS[:10])
    for record in RECORDS[:10]:
        study = (await Repository(database).read("ResearchStudy", nct(record))).resource
        for site in study.get("site", []):
            location_id = site["reference"].split("/")[1]
            assert (await Repository(database).read("Location", location_id)).version == 1
