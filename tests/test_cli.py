import json
from datetime import UTC, datetime, timedelta

import respx
from pymongo import MongoClient
from typer.testing import CliRunner

from fhirtrial import __version__
from fhirtrial.cli import app
from tests.catalog.recorded_ctgov import RECORDS, STUDIES_URL, RecordedCtGov
from tests.helpers import DATA, make_settings

runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"fhirtrial {__version__}"


def test_load_reads_resources_and_bundles_and_reports_failures(mongo_url, tmp_path):
    settings = make_settings(mongo_url)
    single = tmp_path / "study.json"
    single.write_text(json.dumps({"resourceType": "ResearchStudy", "id": "s1", "status": "active"}))
    bundle = tmp_path / "bundle.json"
    bundle.write_text(
        json.dumps(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {"resource": {"resourceType": "Organization", "id": "o1", "name": "Iovance"}},
                    {"resource": {"resourceType": "Patient", "id": "p1", "gender": "robot"}},
                    {
                        "resource": {
                            "resourceType": "Observation",
                            "id": "obs",
                            "status": "final",
                            "code": {"text": "x"},
                        }
                    },
                ],
            }
        )
    )
    env = {"FHIRTRIAL_MONGODB_URL": mongo_url, "FHIRTRIAL_DATABASE": settings.database}
    result = runner.invoke(app, ["load", str(single), str(bundle)], env=env)
    assert result.exit_code == 1, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "stored 2 resources: Organization ×1, ResearchStudy ×1 (created 2, updated 0, unchanged 0)"
    )
    assert lines[1].startswith("skipped 1 resource: Observation ×1 (types this server does not")
    assert lines[2] == "failed 1 resource:"
    assert "Patient/p1" in lines[3] and "gender" in lines[3]
    db = MongoClient(mongo_url)[settings.database]
    assert db["ResearchStudy"].find_one({"_id": "s1"})["res"]["status"] == "active"
    assert db["Organization"].find_one({"_id": "o1"})["res"]["name"] == "Iovance"
    assert db["Patient"].find_one({"_id": "p1"}) is None
    again = runner.invoke(app, ["load", str(single)], env=env)
    assert again.exit_code == 0
    assert "unchanged 1" in again.stdout


def test_load_rejects_missing_files():
    result = runner.invoke(app, ["load", str(DATA / "nope.json")])
    assert result.exit_code != 0


def test_an_unreachable_database_is_one_line_and_exit_status_2(tmp_path, monkeypatch):
    # A closed port: nothing listens there. The command must say so, not print a traceback.
    monkeypatch.setenv("FHIRTRIAL_MONGODB_URL", "mongodb://127.0.0.1:1/?directConnection=true")
    monkeypatch.setenv("FHIRTRIAL_DB_TIMEOUT_MS", "500")
    study = tmp_path / "study.json"
    study.write_text(json.dumps({"resourceType": "ResearchStudy", "id": "s1", "status": "active"}))
    result = runner.invoke(app, ["load", str(study)])
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.startswith("fhirtrial: the database cannot be reached: 127.0.0.1:1")
    assert "Traceback" not in result.output
    assert len(message.splitlines()) == 1


def test_sync_runs_prints_its_record_lists_history_and_refuses_while_another_runs(mongo_url):
    settings = make_settings(mongo_url)
    env = {
        "FHIRTRIAL_MONGODB_URL": mongo_url,
        "FHIRTRIAL_DATABASE": settings.database,
        "FHIRTRIAL_CTGOV_REQUESTS_PER_MINUTE": "60000",
    }
    db = MongoClient(mongo_url)[settings.database]
    try:
        with respx.mock as mock:
            mock.get(STUDIES_URL).mock(side_effect=RecordedCtGov(RECORDS, page_size=2))
            result = runner.invoke(app, ["sync", "--condition", "breast cancer"], env=env)
            assert result.exit_code == 0, result.output
            assert "succeeded  condition='breast cancer'" in result.stdout
            assert "fetched 5: 5 created, 0 updated (0 closed)" in result.stdout
            assert db["ResearchStudy"].count_documents({}) == 5

            history = runner.invoke(app, ["sync", "--history"], env=env)
            assert history.exit_code == 0
            assert history.stdout == result.stdout

            now = datetime.now(UTC)
            db["sync_lease"].insert_one(
                {
                    "_id": "ctgov-sync",
                    "owner": "cron@host pid 7",
                    "since": now,
                    "expires": now + timedelta(minutes=10),
                }
            )
            refused = runner.invoke(app, ["sync", "--condition", "breast cancer"], env=env)
            assert refused.exit_code == 3
            assert refused.stderr.startswith(
                "fhirtrial: sync not run: another sync is running (cron@host pid 7, since "
            )
        bad = runner.invoke(app, ["sync", "--status", "SLEEPING"], env=env)
        assert bad.exit_code == 2 and "unknown overall status SLEEPING" in bad.output
    finally:
        MongoClient(mongo_url).drop_database(settings.database)
