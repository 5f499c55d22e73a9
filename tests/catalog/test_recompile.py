"""`fhirtrial recompile`: stored EvidenceVariables are upgraded in place, only where they change."""

import asyncio

import orjson
import pytest
from typer.testing import CliRunner

from fhirtrial.catalog.importer import import_studies
from fhirtrial.catalog.sources import StudyInput
from fhirtrial.cli import app as cli
from fhirtrial.matching.service import MatchService
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.repository import Repository
from tests.helpers import DATA, make_settings

LINES = (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_bytes().splitlines()
RECORDS = [orjson.loads(line) for line in LINES[:4]]


def nct(study: dict) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


@pytest.fixture
def settings(mongo_url):
    return make_settings(mongo_url)


async def imported(settings) -> Database:
    database = Database.connect(settings.mongodb_url, settings.database, RESOURCE_TYPES)
    await database.ensure_indexes()
    inputs = [StudyInput(f"r{i}", s, None, nct(s)) for i, s in enumerate(RECORDS)]
    summary = await import_studies(MatchService(database), inputs)
    assert len(summary.created) == len(RECORDS)
    return database


def run_recompile(settings, *args: str):
    env = {"FHIRTRIAL_MONGODB_URL": settings.mongodb_url, "FHIRTRIAL_DATABASE": settings.database}
    return CliRunner().invoke(cli, ["recompile", *args], env=env)


def test_recompile_upgrades_only_outdated_evidence_variables(settings):
    outdated_id = f"{nct(RECORDS[1])}-eligibility"
    stored = asyncio.run(store_an_outdated_version(settings, outdated_id))

    result = run_recompile(settings)
    assert result.exit_code == 0, result.output
    assert "1 upgraded, 3 unchanged" in result.output

    versions = asyncio.run(
        current_versions(settings, [outdated_id, f"{nct(RECORDS[0])}-eligibility"])
    )
    (upgraded, upgraded_version), (_, untouched_version) = versions
    assert upgraded["characteristic"] == stored["characteristic"]
    assert upgraded_version == 3
    assert untouched_version == 1

    again = run_recompile(settings, "--nct", nct(RECORDS[1]))
    assert "0 upgraded, 1 unchanged" in again.output


async def current_versions(settings, ids: list[str]) -> list[tuple[dict, int]]:
    database = Database.connect(settings.mongodb_url, settings.database, RESOURCE_TYPES)
    repository = Repository(database)
    out = []
    for rid in ids:
        stored = await repository.read("EvidenceVariable", rid)
        out.append((stored.resource, stored.version))
    await database.close()
    return out


async def store_an_outdated_version(settings, outdated_id: str) -> dict:
    database = await imported(settings)
    repository = Repository(database)
    stored = (await repository.read("EvidenceVariable", outdated_id)).resource
    # What an older compiler might have stored: criteria text only, no computable definitions.
    older = {
        **stored,
        "characteristic": [
            {
                "linkId": c["linkId"],
                "description": c.get("description", "criterion"),
                "definitionCodeableConcept": {"text": c.get("description", "criterion")},
            }
            for c in stored["characteristic"]
        ],
    }
    await repository.update("EvidenceVariable", outdated_id, older)
    await database.close()
    return stored


def test_recompile_reads_records_kept_by_earlier_versions_as_documents(settings):
    outdated_id = f"{nct(RECORDS[2])}-eligibility"
    stored = asyncio.run(store_an_outdated_version(settings, outdated_id))
    asyncio.run(keep_records_as_documents(settings))

    result = run_recompile(settings, "--nct", nct(RECORDS[2]))
    assert result.exit_code == 0, result.output
    assert "1 upgraded, 0 unchanged" in result.output
    ((upgraded, _),) = asyncio.run(current_versions(settings, [outdated_id]))
    assert upgraded["characteristic"] == stored["characteristic"]


async def keep_records_as_documents(settings) -> None:
    """The record store's earlier shape: the study as a nested document under `study`."""
    database = Database.connect(settings.mongodb_url, settings.database, RESOURCE_TYPES)
    records = database.db["ctgov_records"]
    for study in RECORDS:
        await records.replace_one({"_id": nct(study)}, {"study": study})
    await database.close()


def test_recompile_reads_stored_records_as_tolerantly_as_the_import(settings):
    # The source record is kept as it came; a null the importer ignored must not fail later.
    record = orjson.loads(LINES[5])
    record["protocolSection"]["conditionsModule"] = None
    record["protocolSection"]["armsInterventionsModule"]["armGroups"] = None

    async def import_it() -> None:
        database = Database.connect(settings.mongodb_url, settings.database, RESOURCE_TYPES)
        await database.ensure_indexes()
        summary = await import_studies(
            MatchService(database), [StudyInput("r", record, None, nct(record))]
        )
        assert summary.created == [nct(record)] and summary.failures == []
        await database.close()

    asyncio.run(import_it())
    result = run_recompile(settings, "--nct", nct(record))
    assert result.exit_code == 0, result.output
    assert "0 upgraded, 1 unchanged, 0 failed" in result.output
