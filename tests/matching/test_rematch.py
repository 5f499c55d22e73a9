"""Re-matching persisted candidates (ADR 0020): a change to a study, its criteria or its sites,
made over REST, is re-assessed for every persisted patient by the re-match job; a re-posted
record updates the patient's other subjects; only changes make new versions."""

import asyncio
import html
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pymongo import MongoClient
from typer.testing import CliRunner

from fhirtrial.api.app import create_app
from fhirtrial.cli import app as cli
from fhirtrial.matching.assessment import ASSESSMENT_URL
from fhirtrial.matching.rematch import job as job_module
from fhirtrial.matching.rematch.job import run_rematch
from fhirtrial.matching.rematch.lease import acquire
from fhirtrial.matching.rematch.recording import CHANGES
from fhirtrial.matching.rematch.records import RECORDS
from fhirtrial.matching.service import MatchService
from tests.helpers import FHIR_JSON, assert_valid_fhir, make_settings
from tests.matching.match_answers import match_ok, read_matches
from tests.matching.match_patients import MRN, melanoma_patient, parameters

KIND = "https://fhirtrial.org/fhir/CodeSystem/criterion-kind"
CONCEPT = "https://fhirtrial.org/fhir/CodeSystem/criterion-concept"
CTGOV_STATUS = "https://fhirtrial.org/fhir/CodeSystem/ctgov-overall-status"
PERSIST = {"name": "persist", "valueBoolean": True}
STUDY = "rematch-study"
# West Los Angeles (ZIP 90025) and San Francisco.
HOUR = timedelta(hours=1)
LOS_ANGELES, SAN_FRANCISCO = (34.045, -118.445), (37.7749, -122.4194)


@dataclass
class Server:
    client: httpx.AsyncClient
    matching: MatchService


@pytest.fixture
async def server(mongo_url) -> AsyncIterator[Server]:
    settings = make_settings(mongo_url)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        matching = app.state.context.matching
        matching.index.settle_margin = timedelta(0)  # no waiting for late writes
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fhir.test") as client:
            yield Server(client, matching)
        await matching.database.client.drop_database(settings.database)


def criteria(concept: str, *, description: str = "Diagnosis") -> dict:
    return {
        "resourceType": "EvidenceVariable",
        "id": f"{STUDY}-criteria",
        "status": "active",
        "actual": True,
        "characteristic": [
            {
                "linkId": "inc-1",
                "description": description,
                "definitionByTypeAndValue": {
                    "type": {"coding": [{"system": KIND, "code": "condition"}]},
                    "valueCodeableConcept": {"coding": [{"system": CONCEPT, "code": concept}]},
                },
            }
        ],
    }


def study(*, status: str = "RECRUITING", title: str = "A melanoma study") -> dict:
    return {
        "resourceType": "ResearchStudy",
        "id": STUDY,
        "status": "active",
        "title": title,
        "progressStatus": [{"state": {"coding": [{"system": CTGOV_STATUS, "code": status}]}}],
        "recruitment": {"eligibility": {"reference": f"EvidenceVariable/{STUDY}-criteria"}},
        "site": [{"reference": f"Location/{STUDY}-site"}],
    }


def site(position: tuple[float, float]) -> dict:
    return {
        "resourceType": "Location",
        "id": f"{STUDY}-site",
        "name": "Study site",
        "position": {"latitude": position[0], "longitude": position[1]},
    }


async def put(client: httpx.AsyncClient, resource: dict) -> None:
    url = f"/{resource['resourceType']}/{resource['id']}"
    response = await client.put(url, json=resource, headers=FHIR_JSON)
    assert response.status_code in (200, 201), response.text


async def catalog(client: httpx.AsyncClient) -> None:
    for resource in (criteria("melanoma"), site(LOS_ANGELES), study()):
        await put(client, resource)


async def persist(client: httpx.AsyncClient, mrn: str, **patient) -> dict:
    """Persist a melanoma patient's match; returns the stored subject for the study."""
    body = parameters(melanoma_patient(mrn=mrn, zip_code="90025", **patient), PERSIST)
    matches = read_matches(await match_ok(client, body))
    assert matches[STUDY].verdict == "eligible"
    return await subject_of(client, mrn)


async def subject_of(client: httpx.AsyncClient, mrn: str) -> dict:
    patients = (await client.get("/Patient", params={"identifier": f"{MRN}|{mrn}"})).json()
    patient_id = patients["entry"][0]["resource"]["id"]
    found = (
        await client.get("/ResearchSubject", params={"patient": patient_id, "study": STUDY})
    ).json()
    assert found["total"] == 1
    subject: dict = found["entry"][0]["resource"]
    assert_valid_fhir(subject)
    return subject


def verdict(subject: dict) -> str:
    code: str = subject["progress"][0]["subjectState"]["coding"][0]["code"]
    return code


def assessment(subject: dict) -> list[dict]:
    """The assessment extension without asOf (the day it was made)."""
    extension = next(e for e in subject["extension"] if e["url"] == ASSESSMENT_URL)
    return [p for p in extension["extension"] if p["url"] != "asOf"]


async def fresh(client: httpx.AsyncClient, mrn: str) -> dict:
    """What a fresh `$match` of the same record says of the study."""
    body = parameters(
        melanoma_patient(mrn=mrn, zip_code="90025"),
        {"name": "study", "valueString": STUDY},
        {"name": "includeIneligible", "valueBoolean": True},
    )
    resource: dict = read_matches(await match_ok(client, body))[STUDY].resource
    return resource


async def changes(server: Server) -> list[dict]:
    cursor = server.matching.database.db[CHANGES].find({"study": f"ResearchStudy/{STUDY}"})
    return [doc async for doc in cursor.sort("at", 1)]


async def test_a_criteria_change_over_rest_writes_a_new_version_equal_to_a_fresh_match(server):
    client = server.client
    await catalog(client)
    before = await persist(client, "MRN-RM-1")
    assert before["meta"]["versionId"] == "1"

    await put(client, criteria("breast-cancer"))
    run = await run_rematch(server.matching)
    assert (run.outcome, run.studies, run.tally.patients, run.tally.updated) == ("done", 1, 1, 1)

    after = await subject_of(client, "MRN-RM-1")
    assert after["meta"]["versionId"] == "2"
    expected = await fresh(client, "MRN-RM-1")
    assert verdict(after) == verdict(expected) != "eligible"
    assert assessment(after) == assessment(expected)
    # The change, on the resource: the new state with its reason, the old one with its end.
    current, ended = after["progress"][:2]
    assert current["reason"]["text"] == "the study, its criteria or its sites changed"
    assert ended["subjectState"]["coding"][0]["code"] == "eligible"
    assert ended["endDate"] == current["startDate"]
    history = (await client.get(f"/ResearchSubject/{after['id']}/_history")).json()
    assert history["total"] == 2
    # ... and for an operator.
    recorded = await changes(server)
    assert [(c["from"], c["to"]["verdict"]) for c in recorded] == [
        (None, "eligible"),
        (
            {"status": "active", "verdict": "eligible", "score": 1.0},
            verdict(after),
        ),
    ]
    assert recorded[1]["to_version"] == 2

    # The job has nothing left to do: the same changes are not re-assessed twice.
    again = await run_rematch(server.matching)
    assert again.outcome == "nothing-changed"


async def test_a_change_that_keeps_the_assessment_writes_no_version(server):
    client = server.client
    await catalog(client)
    await persist(client, "MRN-RM-2")
    await put(client, study(title="A melanoma study, retitled"))
    await put(client, criteria("melanoma", description="Melanoma, reworded"))

    run = await run_rematch(server.matching)
    assert (run.outcome, run.studies, run.tally.patients, run.tally.updated) == ("done", 1, 1, 0)
    assert (await subject_of(client, "MRN-RM-2"))["meta"]["versionId"] == "1"
    assert len(await changes(server)) == 1  # the creation only


async def test_a_site_moved_changes_the_distance_not_the_verdict(server):
    client = server.client
    await catalog(client)
    before = await persist(client, "MRN-RM-3")
    await put(client, site(SAN_FRANCISCO))

    assert (await run_rematch(server.matching)).tally.updated == 1
    after = await subject_of(client, "MRN-RM-3")
    assert after["meta"]["versionId"] == "2"
    distance = {p["url"]: p for p in assessment(after)}["distance"]["valueQuantity"]["value"]
    assert (
        distance
        > 300
        > {p["url"]: p for p in assessment(before)}["distance"]["valueQuantity"]["value"]
    )
    assert assessment(after) == assessment(await fresh(client, "MRN-RM-3"))
    # Same verdict: the state did not change, so progress is as it was.
    assert after["progress"] == before["progress"]


async def test_a_closed_study_retires_its_subjects(server):
    client = server.client
    await catalog(client)
    await persist(client, "MRN-RM-4")
    await put(client, study(status="COMPLETED"))

    run = await run_rematch(server.matching)
    assert run.tally.retired == 1
    after = await subject_of(client, "MRN-RM-4")
    assert after["status"] == "retired"
    assert verdict(after) == "eligible"  # the last assessment is kept
    reason = "the study's recruitment status is now COMPLETED"
    assert after["progress"][0]["reason"]["text"] == reason
    assert {"url": "note", "valueString": reason} in assessment(after)
    assert html.escape(reason) in after["text"]["div"]
    # A fresh match no longer offers the study.
    answer = await match_ok(client, parameters(melanoma_patient(mrn="MRN-RM-4", zip_code="90025")))
    assert STUDY not in read_matches(answer)

    # Reopened: the subject is active again, a new state in its progress.
    await put(client, study())
    await run_rematch(server.matching)
    reopened = await subject_of(client, "MRN-RM-4")
    assert (reopened["status"], reopened["meta"]["versionId"]) == ("active", "3")
    assert assessment(reopened) == assessment(await fresh(client, "MRN-RM-4"))


async def test_a_reposted_record_updates_the_subjects_that_left_the_answer(server):
    client = server.client
    await catalog(client)
    await persist(client, "MRN-RM-5")
    # Posting the same record again changes nothing.
    await persist(client, "MRN-RM-5")
    assert (await subject_of(client, "MRN-RM-5"))["meta"]["versionId"] == "1"

    # The study closes; the patient's record is posted again before any re-match job runs.
    await put(client, study(status="ACTIVE_NOT_RECRUITING"))
    body = parameters(melanoma_patient(mrn="MRN-RM-5", zip_code="90025"), PERSIST)
    assert STUDY not in read_matches(await match_ok(client, body))
    after = await subject_of(client, "MRN-RM-5")
    assert (after["status"], after["meta"]["versionId"]) == ("retired", "2")
    recorded = await changes(server)
    assert recorded[-1]["cause"] == "the study's recruitment status is now ACTIVE_NOT_RECRUITING"


async def test_a_new_candidate_is_created_and_deleting_the_patient_forgets_the_record(server):
    client = server.client
    await catalog(client)
    await put(client, criteria("breast-cancer"))
    body = parameters(melanoma_patient(mrn="MRN-RM-6", zip_code="90025"), PERSIST)
    assert STUDY not in read_matches(await match_ok(client, body))
    patients = (await client.get("/Patient", params={"identifier": f"{MRN}|MRN-RM-6"})).json()
    patient_id = patients["entry"][0]["resource"]["id"]

    await put(client, criteria("melanoma"))
    assert (await run_rematch(server.matching)).tally.created == 1
    created = await subject_of(client, "MRN-RM-6")
    assert verdict(created) == "eligible"
    assert created["subject"]["reference"] == f"Patient/{patient_id}"
    assert created["progress"][0]["startDate"]

    records = server.matching.database.db[RECORDS]
    assert await records.count_documents({"_id": patient_id}) == 1
    assert (await client.delete(f"/Patient/{patient_id}")).status_code in (200, 204)
    assert (await run_rematch(server.matching)).forgotten == 1
    assert await records.count_documents({}) == 0


async def test_two_jobs_at_once_one_runs(server):
    client = server.client
    await catalog(client)
    await persist(client, "MRN-RM-7")
    await put(client, criteria("breast-cancer"))
    runs = await asyncio.gather(run_rematch(server.matching), run_rematch(server.matching))
    assert sorted(r.outcome for r in runs) == ["busy", "done"]
    assert (await subject_of(client, "MRN-RM-7"))["meta"]["versionId"] == "2"

    # A lease held by another process blocks the job until it expires.
    database = server.matching.database
    assert await acquire(database, "another-process", timedelta(minutes=5))
    assert (await run_rematch(server.matching)).outcome == "busy"
    assert await acquire(database, "another-process", timedelta(seconds=-1))
    assert (await run_rematch(server.matching)).outcome == "nothing-changed"


async def test_a_job_that_failed_midway_resumes_without_losing_or_repeating_work(
    server, monkeypatch
):
    client = server.client
    await catalog(client)
    mrns = ["MRN-RM-8a", "MRN-RM-8b", "MRN-RM-8c"]
    for mrn in mrns:
        await persist(client, mrn)
    await put(client, criteria("breast-cancer"))

    real, calls = job_module.reassess, []

    async def failing_on_the_second(*args, **kwargs):
        calls.append(args[1].patient_id)
        if len(calls) == 2:
            raise ConnectionError("database went away")
        return await real(*args, **kwargs)

    monkeypatch.setattr(job_module, "reassess", failing_on_the_second)
    with pytest.raises(ConnectionError):
        await run_rematch(server.matching)
    monkeypatch.setattr(job_module, "reassess", real)

    resumed = await run_rematch(server.matching)
    assert (resumed.outcome, resumed.resumed, resumed.tally.patients) == ("done", True, 2)
    for mrn in mrns:
        subject = await subject_of(client, mrn)
        assert subject["meta"]["versionId"] == "2"
        assert verdict(subject) == verdict(await fresh(client, mrn))
    recorded = await changes(server)
    assert len(recorded) == 6  # three creations, three changes: none lost, none twice


async def test_the_server_runs_the_job_periodically(mongo_url):
    settings = make_settings(mongo_url, rematch_interval_s=0.05)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        # The job runs in a loop here: a write stamped just before a run's end of window but
        # landing after its query would be missed without a margin (docs/adr/0003).
        app.state.context.matching.index.settle_margin = timedelta(milliseconds=300)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fhir.test") as client:
            await catalog(client)
            await persist(client, "MRN-RM-9")
            await put(client, criteria("breast-cancer"))
            for _ in range(200):  # until the server's own job has run (at most ~10 s)
                subject = await subject_of(client, "MRN-RM-9")
                if subject["meta"]["versionId"] == "2":
                    break
                await asyncio.sleep(0.05)
            assert subject["meta"]["versionId"] == "2"
            assert verdict(subject) != "eligible"
        await app.state.context.matching.database.client.drop_database(settings.database)


def test_the_cli_runs_the_job_and_exits_3_while_another_process_holds_it(mongo_url):
    settings = make_settings(mongo_url)
    env = {"FHIRTRIAL_MONGODB_URL": mongo_url, "FHIRTRIAL_DATABASE": settings.database}
    idle = CliRunner().invoke(cli, ["rematch"], env=env)
    assert idle.exit_code == 0, idle.output
    assert idle.stdout.startswith("nothing-changed: 0 changed studies, 0 patients re-assessed")

    MongoClient(mongo_url)[settings.database]["_rematch"].insert_one(
        {"_id": "lease", "owner": "another-process", "expires": datetime.now(UTC) + HOUR}
    )
    busy = CliRunner().invoke(cli, ["rematch"], env=env)
    assert busy.exit_code == 3
    assert busy.stderr.strip() == "fhirtrial: another process is running the re-match job"
    MongoClient(mongo_url).drop_database(settings.database)


async def test_a_deleted_study_retires_its_subjects(server):
    client = server.client
    await catalog(client)
    await persist(client, "MRN-RM-10")
    assert (await client.delete(f"/ResearchStudy/{STUDY}")).status_code in (200, 204)

    assert (await run_rematch(server.matching)).tally.retired == 1
    after = await subject_of(client, "MRN-RM-10")
    assert after["status"] == "retired"
    assert after["progress"][0]["reason"]["text"] == "the study left the catalog"


async def test_many_changed_studies_and_patients_are_worked_through_in_bounded_pieces(server):
    """Two passes of one study each over patients read two at a time: every pair is done once."""
    client = server.client
    await catalog(client)
    other = {**study(), "id": f"{STUDY}-2"}
    await put(client, other)
    mrns = [f"MRN-RM-11{letter}" for letter in "abc"]
    for mrn in mrns:
        await persist(client, mrn)
    await put(client, criteria("breast-cancer"))  # both studies share these criteria

    run = await run_rematch(server.matching, studies_per_pass=1, patients_per_read=2)
    assert (run.studies, run.tally.patients, run.tally.updated) == (2, 6, 6)
    for mrn in mrns:
        assert (await subject_of(client, mrn))["meta"]["versionId"] == "2"
    recorded = server.matching.database.db[CHANGES]
    assert await recorded.count_documents({}) == 12  # 6 creations, 6 changes


async def test_a_patient_whose_stored_question_is_refused_is_skipped_not_blocking(server):
    client = server.client
    await catalog(client)
    for mrn in ("MRN-RM-12a", "MRN-RM-12b"):
        await persist(client, mrn)
    # A record whose stored ZIP code the matcher refuses (as a later release might).
    records = server.matching.database.db[RECORDS]
    first = await records.find_one({}, sort=[("_id", 1)])
    await records.update_one({"_id": first["_id"]}, {"$set": {"options.zip_code": "00000"}})
    await put(client, criteria("breast-cancer"))

    run = await run_rematch(server.matching)
    assert (run.outcome, run.tally.patients, run.tally.failed) == ("done", 1, 1)
    versions = sorted(
        [(await subject_of(client, m))["meta"]["versionId"] for m in ("MRN-RM-12a", "MRN-RM-12b")]
    )
    assert versions == ["1", "2"]
    assert (await run_rematch(server.matching)).outcome == "nothing-changed"


async def test_a_subject_another_client_rewrote_is_assessed_again(server):
    client = server.client
    await catalog(client)
    stored = await persist(client, "MRN-RM-13")
    rewritten = {k: stored[k] for k in ("resourceType", "id", "status", "study", "subject")}
    await put(client, rewritten)  # no progress, no assessment
    await put(client, criteria("breast-cancer"))

    assert (await run_rematch(server.matching)).tally.updated == 1
    after = await subject_of(client, "MRN-RM-13")
    assert after["meta"]["versionId"] == "3"
    assert assessment(after) == assessment(await fresh(client, "MRN-RM-13"))
    assert len(after["progress"]) == 1
    assert after["progress"][0]["reason"]["text"] == "the study, its criteria or its sites changed"


async def test_a_change_written_by_a_transaction_bundle_is_re_matched(server):
    client = server.client
    await catalog(client)
    await persist(client, "MRN-RM-14")
    changed = criteria("breast-cancer")
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": changed,
                "request": {"method": "PUT", "url": f"EvidenceVariable/{changed['id']}"},
            }
        ],
    }
    response = await client.post("/", json=bundle, headers=FHIR_JSON)
    assert response.status_code == 200, response.text

    assert (await run_rematch(server.matching)).tally.updated == 1
    after = await subject_of(client, "MRN-RM-14")
    assert verdict(after) == verdict(await fresh(client, "MRN-RM-14")) != "eligible"
