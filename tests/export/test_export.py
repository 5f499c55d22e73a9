"""`$export` (FHIR Bulk Data Access 2.0.0, system level) against the real app and database:
kick-off, polling, the manifest, every NDJSON file, `_type`, `_since`, `_typeFilter`, files cut
by size, cancel, expiry, refused requests, and a job's status after a restart."""

import asyncio
from datetime import UTC, datetime

import orjson

from fhirtrial.export.pieces import PIECES
from tests.export.export_client import (
    KICK_OFF,
    download,
    exported,
    kick_off,
    manifest,
)
from tests.helpers import (
    FHIR_JSON,
    assert_valid_fhir,
    import_breast_studies,
    make_settings,
    research_study,
    running_client,
)

CATALOG_TYPES = {"ResearchStudy", "PlanDefinition", "EvidenceVariable", "Location", "Organization"}


async def _put(client, resource: dict) -> dict:
    url = f"/{resource['resourceType']}/{resource['id']}"
    response = await client.put(url, json=resource, headers=FHIR_JSON)
    assert response.status_code in (200, 201), response.text
    stored: dict = response.json()
    return stored


async def _patients_and_candidates(client) -> None:
    await _put(client, {"resourceType": "Patient", "id": "p1", "gender": "female"})
    await _put(
        client,
        {
            "resourceType": "ResearchSubject",
            "id": "rs1",
            "status": "active",
            "study": {"reference": "ResearchStudy/NCT00000001"},
            "subject": {"reference": "Patient/p1"},
        },
    )


async def _total(client, resource_type: str, **params: str) -> int:
    response = await client.get(f"/{resource_type}", params={"_summary": "count", **params})
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


async def test_an_export_of_everything_gives_valid_files_whose_counts_match_the_searches(client):
    await import_breast_studies(client)
    await _patients_and_candidates(client)
    status_url = await kick_off(client)
    found = await manifest(client, status_url)
    assert found["request"] == "http://fhir.test/$export"
    assert found["requiresAccessToken"] is False
    assert found["error"] == []
    transaction_time = datetime.fromisoformat(found["transactionTime"])
    assert transaction_time <= datetime.now(UTC)
    by_type: dict[str, list[dict]] = {}
    for output in found["output"]:
        assert output["url"].startswith("http://fhir.test/$export-file/")
        resources = await download(client, output["url"])
        assert len(resources) == output["count"] > 0
        by_type.setdefault(output["type"], []).extend(resources)
    # Every served type that holds anything, the audit trail only when asked for.
    assert CATALOG_TYPES | {"Patient", "ResearchSubject"} <= set(by_type)
    assert "AuditEvent" not in by_type
    for resource_type, resources in by_type.items():
        assert len(resources) == await _total(client, resource_type), resource_type
        assert len({r["id"] for r in resources}) == len(resources)
        for resource in resources:
            assert resource["resourceType"] == resource_type
            assert datetime.fromisoformat(resource["meta"]["lastUpdated"]) <= transaction_time
    for resource_type in CATALOG_TYPES | {"Patient", "ResearchSubject"}:
        for resource in by_type[resource_type]:
            assert_valid_fhir(resource)


async def test_type_limits_the_export_to_the_types_named(client):
    await import_breast_studies(client)
    await _patients_and_candidates(client)
    by_type = await exported(client, _type="ResearchStudy,Location")
    assert set(by_type) == {"ResearchStudy", "Location"}
    assert len(by_type["ResearchStudy"]) == 35 == await _total(client, "ResearchStudy")
    assert len(by_type["Location"]) == await _total(client, "Location")
    # The audit trail grows with every poll: the export holds what was there at its time.
    found = await manifest(client, await kick_off(client, _type="AuditEvent"))
    [output] = found["output"]
    events = await download(client, output["url"])
    at_the_time = await _total(client, "AuditEvent", _lastUpdated=f"le{found['transactionTime']}")
    assert len(events) == at_the_time > 0


async def test_since_exports_only_what_changed_after_it(client):
    old = await _put(client, research_study(id="old", title="Before"))
    await asyncio.sleep(0.01)
    await _put(client, research_study(id="new", title="After"))
    changed = await _put(client, research_study(id="changed", title="Before"))
    await asyncio.sleep(0.01)
    await _put(client, research_study(id="changed", title="Changed after"))
    deleted = await _put(client, research_study(id="gone", title="Deleted after"))
    assert (await client.delete("/ResearchStudy/gone")).status_code in (200, 204)
    since = old["meta"]["lastUpdated"]
    assert changed["meta"]["lastUpdated"] > since and deleted
    by_type = await exported(client, _type="ResearchStudy", _since=since)
    studies = {r["id"]: r for r in by_type["ResearchStudy"]}
    assert set(studies) == {"new", "changed"}
    assert studies["changed"]["title"] == "Changed after"
    assert studies["changed"]["meta"]["versionId"] == "2"
    everything = await exported(client, _type="ResearchStudy")
    assert {r["id"] for r in everything["ResearchStudy"]} == {"old", "new", "changed"}


async def test_since_of_a_transaction_time_gives_only_later_changes(client):
    await _put(client, research_study(id="first"))
    first = await manifest(client, await kick_off(client, _type="ResearchStudy"))
    await _put(client, research_study(id="second"))
    later = await exported(client, _type="ResearchStudy", _since=first["transactionTime"])
    assert [r["id"] for r in later["ResearchStudy"]] == ["second"]


async def test_type_filter_selects_by_search_and_filters_of_one_type_are_or_ed(client):
    await _put(client, research_study(id="a", title="Melanoma trial"))
    await _put(client, research_study(id="b", title="Lung trial"))
    await _put(client, {**research_study(id="c", title="Breast trial"), "status": "retired"})
    await _put(client, {"resourceType": "Patient", "id": "p1", "gender": "female"})
    by_type = await exported(
        client,
        _type="ResearchStudy,Patient",
        _typeFilter="ResearchStudy?title=melanoma,ResearchStudy?status=retired",
    )
    assert sorted(r["id"] for r in by_type["ResearchStudy"]) == ["a", "c"]
    assert [r["id"] for r in by_type["Patient"]] == ["p1"]
    total = await _total(client, "ResearchStudy", title="melanoma")
    assert total == 1


async def test_a_type_is_cut_into_files_of_the_configured_size(mongo_url):
    settings = make_settings(mongo_url, export_file_max_resources=2)
    async with running_client(settings) as client:
        for n in range(5):
            await _put(client, research_study(id=f"s{n}"))
        found = await manifest(client, await kick_off(client, _type="ResearchStudy"))
        assert [o["count"] for o in found["output"]] == [2, 2, 1]
        ids = []
        for output in found["output"]:
            ids += [r["id"] for r in await download(client, output["url"])]
        assert sorted(ids) == [f"s{n}" for n in range(5)]


async def test_delete_on_the_status_url_cancels_and_removes_the_files(client):
    await _put(client, research_study(id="s1"))
    status_url = await kick_off(client, _type="ResearchStudy")
    found = await manifest(client, status_url)
    file_url = found["output"][0]["url"]
    job = status_url.rsplit("/", 1)[1]
    db = client._transport.app.state.context.repository.database.db  # type: ignore[attr-defined]
    assert await db[PIECES].count_documents({"_id": {"$regex": f"^{job}/"}}) == 1
    cancelled = await client.delete(status_url)
    assert cancelled.status_code == 202
    assert cancelled.json()["resourceType"] == "OperationOutcome"
    for url in (status_url, file_url):
        gone = await client.get(url)
        assert gone.status_code == 404
        assert gone.json()["resourceType"] == "OperationOutcome"
    assert (await client.delete(status_url)).status_code == 404
    assert await db[PIECES].count_documents({"_id": {"$regex": f"^{job}/"}}) == 0


async def test_a_job_cancelled_while_queued_writes_nothing(client):
    await _put(client, research_study(id="s1"))
    status_url = await kick_off(client, _type="ResearchStudy")
    assert (await client.delete(status_url)).status_code == 202
    assert (await client.get(status_url)).status_code == 404
    await asyncio.sleep(0.3)  # the runner has seen the job gone by now
    db = client._transport.app.state.context.repository.database.db  # type: ignore[attr-defined]
    assert await db[PIECES].count_documents({}) == 0
    assert await db["export_jobs"].count_documents({}) == 0


async def test_files_expire_after_the_configured_time(mongo_url):
    settings = make_settings(mongo_url, export_retention_hours=0.5 / 3600)
    async with running_client(settings) as client:
        await _put(client, research_study(id="s1"))
        status_url = await kick_off(client, _type="ResearchStudy")
        found = await manifest(client, status_url)
        assert (await download(client, found["output"][0]["url"]))[0]["id"] == "s1"
        await asyncio.sleep(0.6)
        assert (await client.get(status_url)).status_code == 404
        assert (await client.get(found["output"][0]["url"])).status_code == 404
        app = client._transport.app  # type: ignore[attr-defined]
        await app.state.exports.sweep()
        db = app.state.context.repository.database.db
        assert await db[PIECES].count_documents({}) == 0
        assert await db["export_jobs"].count_documents({}) == 0


async def _refused(client, status: int, headers=None, method="GET", **kwargs) -> str:
    response = await client.request(method, "/$export", headers=headers, **kwargs)
    assert response.status_code == status, response.text
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert_valid_fhir(outcome)
    diagnostics: str = outcome["issue"][0]["diagnostics"]
    return diagnostics


async def test_bad_kick_offs_are_400_operation_outcomes_and_start_nothing(client):
    await _put(client, research_study(id="s1"))
    assert "respond-async" in await _refused(client, 400, {"Accept": "application/fhir+json"})
    assert "respond-async" in await _refused(client, 400, {**KICK_OFF, "Prefer": "respond-sync"})
    for params in (
        {"_outputFormat": "text/csv"},
        {"_since": "yesterday"},
        {"_since": "2026-01-01"},
        {"_type": "Observation"},
        {"_elements": "id"},
        {"_typeFilter": "ResearchStudy?_sort=title"},
        {"_typeFilter": "ResearchStudy?nonsense=1"},
        {"_typeFilter": "status=active"},
        {"_type": "Patient", "_typeFilter": "ResearchStudy?status=active"},
    ):
        await _refused(client, 400, KICK_OFF, params=params)
    await _refused(client, 406, {**KICK_OFF, "Accept": "application/fhir+xml"})
    await _refused(client, 406, KICK_OFF, params={"_format": "json; fhirVersion=4.0"})
    db = client._transport.app.state.context.repository.database.db  # type: ignore[attr-defined]
    assert await db["export_jobs"].count_documents({}) == 0


async def test_lenient_handling_ignores_what_is_not_supported_and_says_so(client):
    await _put(client, research_study(id="s1"))
    headers = {"Prefer": "respond-async, handling=lenient"}
    status_url = await kick_off(client, headers, _type="ResearchStudy,Observation", _elements="id")
    found = await manifest(client, status_url)
    assert [o["type"] for o in found["output"]] == ["ResearchStudy"]
    [error] = found["error"]
    assert error["type"] == "OperationOutcome"
    [outcome] = await download(client, error["url"])
    assert_valid_fhir(outcome)
    said = " ".join(issue["diagnostics"] for issue in outcome["issue"])
    assert "Observation" in said and "_elements" in said


async def test_accepted_output_formats_and_a_post_kick_off(client):
    await _put(client, research_study(id="s1"))
    for output_format in ("application/fhir+ndjson", "application/ndjson", "ndjson"):
        found = await exported(client, _type="ResearchStudy", _outputFormat=output_format)
        assert [r["id"] for r in found["ResearchStudy"]] == ["s1"]
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "_type", "valueString": "ResearchStudy"},
            {"name": "_outputFormat", "valueString": "application/fhir+ndjson"},
        ],
    }
    response = await client.post("/$export", json=body, headers={**KICK_OFF, **FHIR_JSON})
    assert response.status_code == 202, response.text
    found_post = await manifest(client, response.headers["content-location"])
    assert found_post["request"] == "http://fhir.test/$export"
    assert [o["type"] for o in found_post["output"]] == ["ResearchStudy"]


async def test_status_and_files_are_answered_after_a_restart_on_the_same_database(mongo_url):
    settings = make_settings(mongo_url)
    async with running_client(settings, keep=True) as client:
        for n in range(3):
            await _put(client, research_study(id=f"s{n}"))
        finished = await kick_off(client, _type="ResearchStudy")
        await manifest(client, finished)
        # Kicked off as the server stops: the next server takes the job over.
        interrupted = await kick_off(client, _type="ResearchStudy")
    async with running_client(settings) as client:
        for status_url in (finished, interrupted):
            found = await manifest(client, status_url)
            resources = await download(client, found["output"][0]["url"])
            assert sorted(r["id"] for r in resources) == ["s0", "s1", "s2"]


async def test_the_capability_statement_names_the_export_and_its_definition(client):
    statement = (await client.get("/metadata")).json()
    assert (
        "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data|2.0.0"
        in (statement["instantiates"])
    )
    operations = {o["name"]: o["definition"] for o in statement["rest"][0]["operation"]}
    definition_url = operations["export"]
    found = await client.get("/OperationDefinition", params={"url": definition_url})
    [entry] = found.json()["entry"]
    definition = entry["resource"]
    assert_valid_fhir(definition)
    assert definition["code"] == "export" and definition["system"] is True
    assert definition["base"].startswith(
        "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
    )
    assert {p["name"] for p in definition["parameter"]} == {
        "_outputFormat",
        "_since",
        "_type",
        "_typeFilter",
    }
    r4 = (await client.get("/metadata", params={"_format": "json; fhirVersion=4.0"})).json()
    assert "export" not in {o["name"] for o in r4["rest"][0].get("operation", [])}
    assert "instantiates" not in r4
    assert orjson.dumps(r4)  # the R4 statement stays serializable


async def test_a_browser_client_may_read_the_status_headers(mongo_url):
    origin = "https://app.example.org"
    async with running_client(make_settings(mongo_url, cors_origins=origin)) as client:
        kicked = await client.get(
            "/$export", params={"_type": "ResearchStudy"}, headers={**KICK_OFF, "Origin": origin}
        )
        assert kicked.status_code == 202
        exposed = kicked.headers["access-control-expose-headers"].lower()
        for header in ("content-location", "x-progress", "retry-after", "expires"):
            assert header in exposed
