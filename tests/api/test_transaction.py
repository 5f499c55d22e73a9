"""Batch and transaction Bundles at `POST [base]` (FHIR R5 http.html#transaction)."""

import asyncio
import dataclasses
import uuid

import httpx
import pytest

from fhirtrial.api.app import create_app
from tests.helpers import FHIR_JSON, assert_valid_fhir, make_settings, running_client

SYSTEM = "http://example.org/mrn"


def patient(value: str, **fields) -> dict:
    return {"resourceType": "Patient", "identifier": [{"system": SYSTEM, "value": value}], **fields}


def subject(patient_ref: str, study_ref: str) -> dict:
    return {
        "resourceType": "ResearchSubject",
        "status": "active",
        "study": {"reference": study_ref},
        "subject": {"reference": patient_ref},
    }


def study(**fields) -> dict:
    return {"resourceType": "ResearchStudy", "status": "active", **fields}


def bundle(kind: str, *entries: dict) -> dict:
    return {"resourceType": "Bundle", "type": kind, "entry": list(entries)}


def post(resource: dict, full_url: str | None = None, **request) -> dict:
    entry: dict = {
        "resource": resource,
        "request": {"method": "POST", "url": resource["resourceType"], **request},
    }
    if full_url:
        entry["fullUrl"] = full_url
    return entry


def put(url: str, resource: dict, **request) -> dict:
    return {"resource": resource, "request": {"method": "PUT", "url": url, **request}}


def call(method: str, url: str, **request) -> dict:
    return {"request": {"method": method, "url": url, **request}}


async def send(client: httpx.AsyncClient, body: dict, **headers) -> httpx.Response:
    return await client.post("/", json=body, headers={**FHIR_JSON, **headers})


def urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def located(entry: dict) -> str:
    """'Type/id' of a response entry's location (Type/id/_history/v)."""
    parts = entry["response"]["location"].split("/")
    return f"{parts[0]}/{parts[1]}"


async def count(client: httpx.AsyncClient, query: str) -> int:
    response = await client.get(query)
    assert response.status_code == 200, response.text
    return response.json()["total"]


# ---- transaction --------------------------------------------------------------------------------


async def test_transaction_resolves_urn_references_to_the_assigned_ids(client):
    patient_urn, study_urn = urn(), urn()
    body = bundle(
        "transaction",
        post(subject(patient_urn, study_urn), urn()),
        post(patient("tx-1"), patient_urn),
        post(study(title="Trial"), study_urn),
    )
    response = await send(client, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_valid_fhir(answer)
    assert answer["type"] == "transaction-response"
    entries = answer["entry"]
    assert [e["response"]["status"] for e in entries] == ["201 Created"] * 3
    for e in entries:
        assert e["response"]["etag"] == 'W/"1"'
        assert e["response"]["lastModified"]
        assert e["response"]["location"].endswith("/_history/1")
    # Response entries answer the request entries in their order.
    assert [located(e).split("/")[0] for e in entries] == [
        "ResearchSubject",
        "Patient",
        "ResearchStudy",
    ]
    stored = (await client.get(located(entries[0]))).json()
    assert stored["subject"]["reference"] == located(entries[1])
    assert stored["study"]["reference"] == located(entries[2])


async def test_transaction_with_an_invalid_later_entry_writes_nothing(client):
    body = bundle(
        "transaction",
        post(patient("atomic-1")),
        put("ResearchStudy/atomic-study", study(id="atomic-study", title="Kept?")),
        post({"resourceType": "ResearchStudy", "status": "active", "unknownElement": 1}),
    )
    response = await send(client, body)
    assert response.status_code == 422, response.text
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"][0] == "Bundle.entry[2]"
    assert "Bundle.entry[2]" in outcome["issue"][0]["diagnostics"]
    # Nothing of the first two entries: not by search, read or history.
    assert await count(client, f"/Patient?identifier={SYSTEM}|atomic-1") == 0
    assert await count(client, "/Patient/_history") == 0
    assert (await client.get("/ResearchStudy/atomic-study")).status_code == 404
    assert (await client.get("/ResearchStudy/atomic-study/_history")).status_code == 404
    assert await count(client, "/ResearchStudy/_history") == 0


async def test_a_failing_if_match_undoes_the_deletes_and_creates_before_it(client):
    kept = (await client.post("/ResearchStudy", json=study(title="v1"), headers=FHIR_JSON)).json()
    doomed = (await client.post("/Patient", json=patient("doomed"), headers=FHIR_JSON)).json()
    body = bundle(
        "transaction",
        call("DELETE", f"Patient/{doomed['id']}"),
        post(patient("never")),
        put(f"ResearchStudy/{kept['id']}", {**kept, "title": "v2"}, ifMatch='W/"7"'),
    )
    response = await send(client, body)
    assert response.status_code == 412, response.text
    assert response.json()["issue"][0]["expression"][0] == "Bundle.entry[2]"
    read = await client.get(f"/Patient/{doomed['id']}")
    assert read.status_code == 200 and read.headers["etag"] == 'W/"1"'
    assert await count(client, f"/Patient/{doomed['id']}/_history") == 1
    assert await count(client, f"/Patient?identifier={SYSTEM}|never") == 0
    current = await client.get(f"/ResearchStudy/{kept['id']}")
    assert current.json()["title"] == "v1" and current.headers["etag"] == 'W/"1"'
    assert await count(client, f"/ResearchStudy/{kept['id']}/_history") == 1


async def test_transaction_processes_delete_post_put_then_get(client):
    old = (await client.post("/Patient", json=patient("order-1"), headers=FHIR_JSON)).json()
    body = bundle(
        "transaction",
        # Listed first, processed last: it sees every write of the transaction.
        call("GET", f"Patient?identifier={SYSTEM}|order-1"),
        put("Patient/order-put", patient("order-put", id="order-put")),
        # Processed after the DELETE: the old match is gone, so it creates.
        post(patient("order-1", active=True), ifNoneExist=f"identifier={SYSTEM}|order-1"),
        call("DELETE", f"Patient?identifier={SYSTEM}|order-1"),
    )
    response = await send(client, body)
    assert response.status_code == 200, response.text
    entries = response.json()["entry"]
    assert [e["response"]["status"] for e in entries] == [
        "200 OK",
        "201 Created",
        "201 Created",
        "204 No Content",
    ]
    found = entries[0]["resource"]
    assert found["type"] == "searchset" and found["total"] == 1
    assert found["entry"][0]["resource"]["active"] is True
    assert found["entry"][0]["resource"]["id"] != old["id"]
    assert (await client.get(f"/Patient/{old['id']}")).status_code == 410


async def test_if_none_exist_entry_that_matches_returns_the_match(client):
    existing = (await client.post("/Patient", json=patient("dup"), headers=FHIR_JSON)).json()
    ref = urn()
    body = bundle(
        "transaction",
        post(patient("dup"), ref, ifNoneExist=f"identifier={SYSTEM}|dup"),
        post(subject(ref, "ResearchStudy/x"), urn()),
    )
    response = await send(client, body)
    assert response.status_code == 200, response.text
    entries = response.json()["entry"]
    assert entries[0]["response"]["status"] == "200 OK"
    assert located(entries[0]) == f"Patient/{existing['id']}"
    stored = (await client.get(located(entries[1]))).json()
    assert stored["subject"]["reference"] == f"Patient/{existing['id']}"
    assert await count(client, f"/Patient?identifier={SYSTEM}|dup") == 1


async def test_conditional_references_are_resolved_by_search(client):
    existing = (await client.post("/Patient", json=patient("cond-ref"), headers=FHIR_JSON)).json()
    body = bundle(
        "transaction",
        post(subject(f"Patient?identifier={SYSTEM}|cond-ref", "ResearchStudy/x"), urn()),
    )
    response = await send(client, body)
    assert response.status_code == 200, response.text
    stored = (await client.get(located(response.json()["entry"][0]))).json()
    assert stored["subject"]["reference"] == f"Patient/{existing['id']}"
    # A conditional reference that finds nothing fails the transaction.
    body = bundle(
        "transaction",
        post(patient("cond-ref-2")),
        post(subject(f"Patient?identifier={SYSTEM}|nobody", "ResearchStudy/x"), urn()),
    )
    response = await send(client, body)
    assert response.status_code == 412, response.text
    assert response.json()["issue"][0]["expression"][0] == "Bundle.entry[1]"
    assert await count(client, f"/Patient?identifier={SYSTEM}|cond-ref-2") == 0


async def test_a_reference_to_an_unknown_placeholder_is_400(client):
    body = bundle("transaction", post(subject(urn(), "ResearchStudy/x"), urn()))
    response = await send(client, body)
    assert response.status_code == 400, response.text
    assert await count(client, "/ResearchSubject/_history") == 0


async def test_two_entries_changing_one_resource_are_400(client):
    body = bundle(
        "transaction",
        put("Patient/twice", patient("a", id="twice")),
        call("DELETE", "Patient/twice"),
    )
    response = await send(client, body)
    assert response.status_code == 400, response.text
    assert response.json()["issue"][0]["expression"][0] == "Bundle.entry[1]"
    assert (await client.get("/Patient/twice")).status_code == 404


async def test_transaction_without_database_transactions_is_still_all_or_nothing(mongo_url):
    """On a standalone mongod (no multi-document transactions) the written versions are taken
    back: simulated by telling the server its database has none."""
    settings = make_settings(mongo_url)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        database = app.state.context.repository.database
        capabilities = await database.capabilities()
        database._capabilities = dataclasses.replace(capabilities, transactions=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fhir.test") as client:
            kept = (await client.post("/Patient", json=patient("s1"), headers=FHIR_JSON)).json()
            doomed = (await client.post("/Patient", json=patient("s0"), headers=FHIR_JSON)).json()
            body = bundle(
                "transaction",
                put(f"Patient/{kept['id']}", {**kept, "active": False}),
                post(patient("s2")),
                call("DELETE", f"Patient/{doomed['id']}"),
                # Processed last, after every write: the versions above are taken back.
                call("GET", "Patient/unknown-id"),
            )
            response = await send(client, body)
            assert response.status_code == 404, response.text
            current = await client.get(f"/Patient/{kept['id']}")
            assert current.headers["etag"] == 'W/"1"' and "active" not in current.json()
            assert await count(client, f"/Patient/{kept['id']}/_history") == 1
            assert (await client.get(f"/Patient/{doomed['id']}")).headers["etag"] == 'W/"1"'
            assert await count(client, f"/Patient?identifier={SYSTEM}|s0") == 1
            assert await count(client, f"/Patient?identifier={SYSTEM}|s2") == 0
            assert await count(client, "/Patient/_history") == 2
            # And a good one goes through.
            body = bundle("transaction", post(patient("s3")))
            assert (await send(client, body)).status_code == 200
            assert await count(client, f"/Patient?identifier={SYSTEM}|s3") == 1
        await database.client.drop_database(settings.database)


# ---- batch --------------------------------------------------------------------------------------


async def test_batch_answers_every_entry_though_one_fails(client):
    body = bundle(
        "batch",
        post(patient("b-1")),
        call("GET", "Patient/not-there"),
        post({"resourceType": "Patient", "gender": "robot"}),
        put("Patient/b-put", patient("b-put", id="b-put")),
        {"request": {"method": "GET"}},
    )
    response = await send(client, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_valid_fhir(answer)
    assert answer["type"] == "batch-response"
    statuses = [e["response"]["status"] for e in answer["entry"]]
    assert statuses == [
        "201 Created",
        "404 Not Found",
        "422 Unprocessable Entity",
        "201 Created",
        "400 Bad Request",
    ]
    for failed in (1, 2, 4):
        outcome = answer["entry"][failed]["response"]["outcome"]
        assert outcome["resourceType"] == "OperationOutcome"
        assert outcome["issue"][0]["severity"] == "error"
    assert await count(client, f"/Patient?identifier={SYSTEM}|b-1") == 1
    assert (await client.get("/Patient/b-put")).status_code == 200
    assert answer["entry"][3]["response"]["location"] == "Patient/b-put/_history/1"


async def test_batch_does_not_resolve_references_between_entries(client):
    ref = urn()
    body = bundle("batch", post(patient("b-ref"), ref), post(subject(ref, "ResearchStudy/x")))
    entries = (await send(client, body)).json()["entry"]
    assert entries[1]["response"]["status"] == "201 Created"
    stored = (await client.get(located(entries[1]))).json()
    assert stored["subject"]["reference"] == ref


async def test_batch_read_with_if_none_match_is_304(client):
    created = (await client.post("/Patient", json=patient("etag"), headers=FHIR_JSON)).json()
    body = bundle(
        "batch",
        call("GET", f"Patient/{created['id']}", ifNoneMatch='W/"1"'),
        call("GET", f"Patient/{created['id']}"),
    )
    entries = (await send(client, body)).json()["entry"]
    assert entries[0]["response"]["status"] == "304 Not Modified"
    assert "resource" not in entries[0]
    assert entries[1]["resource"]["id"] == created["id"]
    assert entries[1]["response"]["etag"] == 'W/"1"'


async def test_a_patch_entry_of_nothing_is_answered_in_the_batch(client):
    body = bundle(
        "batch",
        {
            "resource": {"resourceType": "Parameters", "parameter": []},
            "request": {"method": "PATCH", "url": "Patient/x"},
        },
        call("PATCH", "Patient/y"),
    )
    entries = (await send(client, body)).json()["entry"]
    assert entries[0]["response"]["status"] == "404 Not Found"
    assert entries[1]["response"]["status"].startswith("400")


async def test_a_failing_patch_entry_fails_a_transaction_whole(client):
    target = (await client.post("/Patient", json=patient("target"), headers=FHIR_JSON)).json()
    bad = {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "operation",
                "part": [
                    {"name": "type", "valueCode": "replace"},
                    {"name": "path", "valueString": "Patient.gender"},
                    {"name": "value", "valueCode": "bogus"},
                ],
            }
        ],
    }
    body = bundle(
        "transaction",
        post(patient("before-patch")),
        {"resource": bad, "request": {"method": "PATCH", "url": f"Patient/{target['id']}"}},
    )
    response = await send(client, body)
    assert response.status_code == 422, response.text
    assert response.json()["issue"][0]["expression"][0] == "Bundle.entry[1]"
    assert await count(client, f"/Patient?identifier={SYSTEM}|before-patch") == 0


async def test_prefer_minimal_leaves_resources_out(client):
    body = bundle("transaction", post(patient("minimal")))
    entries = (await send(client, body, prefer="return=minimal")).json()["entry"]
    assert "resource" not in entries[0]
    assert entries[0]["response"]["status"] == "201 Created"


# ---- what is refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"resourceType": "Bundle", "type": "collection", "entry": []},
        {"resourceType": "Bundle", "type": "transaction-response"},
        {"resourceType": "Patient"},
    ],
)
async def test_only_batch_and_transaction_bundles_are_taken(client, body):
    response = await send(client, body)
    assert response.status_code == 400, response.text
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_a_bundle_over_the_entry_cap_is_413(mongo_url):
    async with running_client(make_settings(mongo_url, max_bundle_entries=3)) as client:
        body = bundle("transaction", *(post(patient(f"cap-{i}")) for i in range(4)))
        response = await send(client, body)
        assert response.status_code == 413, response.text
        assert response.json()["issue"][0]["code"] == "too-costly"
        assert await count(client, "/Patient/_history") == 0
        body = bundle("batch", *(post(patient(f"cap-{i}")) for i in range(3)))
        assert (await send(client, body)).status_code == 200


async def test_capability_statement_lists_transaction_and_batch(client):
    statement = (await client.get("/metadata")).json()
    assert_valid_fhir(statement)
    codes = [i["code"] for i in statement["rest"][0]["interaction"]]
    assert {"batch", "transaction"} <= set(codes)


async def test_urn_oid_and_absolute_full_urls_are_resolved_too(client):
    oid, absolute = "urn:oid:1.2.840.10008.99", "http://other.example/fhir/Patient/abc"
    body = bundle(
        "transaction",
        post(patient("oid"), oid),
        post(patient("abs"), absolute),
        post(subject(oid, "ResearchStudy/x"), urn()),
        post(subject(absolute, "ResearchStudy/x"), urn()),
    )
    response = await send(client, body)
    assert response.status_code == 200, response.text
    entries = response.json()["entry"]
    for subject_entry, patient_entry in ((entries[2], entries[0]), (entries[3], entries[1])):
        stored = (await client.get(located(subject_entry))).json()
        assert stored["subject"]["reference"] == located(patient_entry)


async def test_concurrent_transactions_on_one_resource_lose_no_update(client):
    """Each transaction either commits its version or fails whole (409/412); the versions
    stored are exactly those committed."""
    created = (await client.post("/Patient", json=patient("race"), headers=FHIR_JSON)).json()

    async def bump(i: int) -> int:
        body = bundle(
            "transaction",
            put(f"Patient/{created['id']}", {**created, "name": [{"family": f"v{i}"}]}),
            post(patient(f"race-{i}")),
        )
        return (await send(client, body)).status_code

    statuses = await asyncio.gather(*(bump(i) for i in range(8)))
    assert set(statuses) <= {200, 409}, statuses
    committed = statuses.count(200)
    assert committed >= 1
    assert await count(client, f"/Patient/{created['id']}/_history") == 1 + committed
    created_patients = await count(client, "/Patient?_count=0") - 1
    assert created_patients == committed


async def test_entry_urls_are_relative_or_on_this_server(client):
    body = bundle(
        "batch",
        {
            "resource": patient("abs-ok"),
            "request": {"method": "POST", "url": "http://fhir.test/Patient"},
        },
        {
            "resource": patient("elsewhere"),
            "request": {"method": "POST", "url": "http://other.example/Patient"},
        },
        {"resource": patient("on-id"), "request": {"method": "POST", "url": "Patient/123"}},
        call("GET", "Unknown/1"),
        call("FETCH", "Patient/1"),
    )
    response = await send(client, body)
    assert response.status_code == 200, response.text
    statuses = [e["response"]["status"] for e in response.json()["entry"]]
    assert statuses == [
        "201 Created",
        "400 Bad Request",
        "400 Bad Request",
        "404 Not Found",
        "400 Bad Request",
    ]
    assert await count(client, "/Patient/_history") == 1
