"""Conditional update `PUT [type]?search` and conditional delete `DELETE [type]?search`
(FHIR R5 http.html#cond-update, #cond-delete)."""

import asyncio

from tests.helpers import FHIR_JSON, assert_valid_fhir

SYSTEM = "http://example.org/mrn"


def patient(value: str, **fields) -> dict:
    return {"resourceType": "Patient", "identifier": [{"system": SYSTEM, "value": value}], **fields}


async def create(client, resource: dict) -> dict:
    response = await client.post(f"/{resource['resourceType']}", json=resource, headers=FHIR_JSON)
    assert response.status_code == 201, response.text
    return response.json()


async def matching(client, value: str) -> list[dict]:
    bundle = (await client.get(f"/Patient?identifier={SYSTEM}|{value}")).json()
    return [e["resource"] for e in bundle.get("entry", [])]


async def test_conditional_update_without_a_match_creates(client):
    response = await client.put(
        f"/Patient?identifier={SYSTEM}|cu-new", json=patient("cu-new"), headers=FHIR_JSON
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert_valid_fhir(created)
    assert response.headers["etag"] == 'W/"1"'
    assert response.headers["location"].endswith(f"/Patient/{created['id']}/_history/1")
    assert [p["id"] for p in await matching(client, "cu-new")] == [created["id"]]


async def test_conditional_update_with_a_client_id_and_no_match_creates_at_that_id(client):
    body = patient("cu-own", id="cu-own-id")
    response = await client.put(
        f"/Patient?identifier={SYSTEM}|cu-own", json=body, headers=FHIR_JSON
    )
    assert response.status_code == 201, response.text
    assert (await client.get("/Patient/cu-own-id")).status_code == 200


async def test_conditional_update_without_a_match_but_with_an_existing_id_is_409(client):
    taken = (
        await client.put(
            "/Patient/taken", json={"resourceType": "Patient", "id": "taken"}, headers=FHIR_JSON
        )
    ).json()
    body = patient("cu-taken", id=taken["id"])
    response = await client.put(
        f"/Patient?identifier={SYSTEM}|cu-taken", json=body, headers=FHIR_JSON
    )
    assert response.status_code == 409, response.text
    assert "identifier" not in (await client.get("/Patient/taken")).json()


async def test_concurrent_identical_conditional_updates_make_one_resource(client):
    async def put(i: int) -> int:
        response = await client.put(
            f"/Patient?identifier={SYSTEM}|cu-race",
            json=patient("cu-race", birthDate=f"2000-01-{i + 1:02d}"),
            headers=FHIR_JSON,
        )
        return response.status_code

    statuses = await asyncio.gather(*(put(i) for i in range(10)))
    assert sorted(statuses) == [200] * 9 + [201], statuses
    found = await matching(client, "cu-race")
    assert len(found) == 1
    history = (await client.get(f"/Patient/{found[0]['id']}/_history")).json()
    assert history["total"] == 10


async def test_conditional_update_with_one_match_updates_it(client):
    existing = await create(client, patient("cu-one"))
    response = await client.put(
        f"/Patient?identifier={SYSTEM}|cu-one",
        json=patient("cu-one", active=True),
        headers=FHIR_JSON,
    )
    assert response.status_code == 200, response.text
    assert response.json()["id"] == existing["id"]
    assert response.headers["etag"] == 'W/"2"'
    read = (await client.get(f"/Patient/{existing['id']}")).json()
    assert read["active"] is True
    # Another id than the match's is refused, and changes nothing.
    wrong = patient("cu-one", id="someone-else", active=False)
    response = await client.put(
        f"/Patient?identifier={SYSTEM}|cu-one", json=wrong, headers=FHIR_JSON
    )
    assert response.status_code == 400, response.text
    assert (await client.get(f"/Patient/{existing['id']}")).json()["active"] is True


async def test_conditional_update_with_several_matches_is_412(client):
    first = await create(client, patient("cu-two"))
    await create(client, patient("cu-two"))
    response = await client.put(
        f"/Patient?identifier={SYSTEM}|cu-two",
        json=patient("cu-two", active=True),
        headers=FHIR_JSON,
    )
    assert response.status_code == 412, response.text
    assert response.json()["resourceType"] == "OperationOutcome"
    assert "active" not in (await client.get(f"/Patient/{first['id']}")).json()


async def test_conditional_update_honours_if_match(client):
    existing = await create(client, patient("cu-etag"))
    response = await client.put(
        f"/Patient?identifier={SYSTEM}|cu-etag",
        json=patient("cu-etag", active=True),
        headers={**FHIR_JSON, "If-Match": 'W/"3"'},
    )
    assert response.status_code == 412, response.text
    assert (await client.get(f"/Patient/{existing['id']}")).headers["etag"] == 'W/"1"'


async def test_put_on_a_type_without_a_search_is_400(client):
    response = await client.put("/Patient", json=patient("x"), headers=FHIR_JSON)
    assert response.status_code == 400, response.text


async def test_conditional_delete_of_one_match_deletes_it(client):
    existing = await create(client, patient("cd-one"))
    response = await client.delete(f"/Patient?identifier={SYSTEM}|cd-one")
    assert response.status_code == 204, response.text
    assert response.headers["etag"] == 'W/"2"'
    assert (await client.get(f"/Patient/{existing['id']}")).status_code == 410


async def test_conditional_delete_without_a_match_deletes_nothing(client):
    other = await create(client, patient("cd-other"))
    response = await client.delete(f"/Patient?identifier={SYSTEM}|cd-none")
    assert response.status_code == 204, response.text
    assert (await client.get(f"/Patient/{other['id']}")).status_code == 200


async def test_conditional_delete_with_several_matches_is_412_and_deletes_nothing(client):
    first = await create(client, patient("cd-two"))
    second = await create(client, patient("cd-two"))
    response = await client.delete(f"/Patient?identifier={SYSTEM}|cd-two")
    assert response.status_code == 412, response.text
    for p in (first, second):
        assert (await client.get(f"/Patient/{p['id']}")).status_code == 200


async def test_conditional_writes_of_a_read_only_type_are_405(client):
    response = await client.delete("/AuditEvent?_id=x")
    assert response.status_code == 405, response.text


async def test_an_unknown_search_parameter_in_the_condition_is_400(client):
    await create(client, patient("cd-bad"))
    response = await client.delete("/Patient?no-such-param=1")
    assert response.status_code == 400, response.text
    assert len(await matching(client, "cd-bad")) == 1


async def test_capability_statement_lists_conditional_update_and_delete(client):
    statement = (await client.get("/metadata")).json()
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert resources["Patient"]["conditionalUpdate"] is True
    assert resources["Patient"]["conditionalDelete"] == "single"
    # AuditEvent is written by the server only.
    assert resources["AuditEvent"]["conditionalUpdate"] is False
    assert resources["AuditEvent"]["conditionalDelete"] == "not-supported"
