import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir, research_study


async def create(client, resource: dict):
    response = await client.post(f"/{resource['resourceType']}", json=resource, headers=FHIR_JSON)
    assert response.status_code == 201, response.text
    return response


async def test_create_assigns_id_and_version_with_location_etag_last_modified(client):
    response = await create(client, research_study(id="client-chosen", title="A"))
    body = response.json()
    assert body["id"] != "client-chosen"
    assert body["meta"]["versionId"] == "1"
    assert body["meta"]["lastUpdated"].endswith("Z")
    assert response.headers["etag"] == 'W/"1"'
    assert response.headers["location"] == (
        f"http://fhir.test/ResearchStudy/{body['id']}/_history/1"
    )
    assert response.headers["last-modified"].endswith("GMT")
    assert_valid_fhir(body)


async def test_read_returns_the_stored_resource_with_version_headers(client):
    created = (await create(client, research_study(title="Readable"))).json()
    response = await client.get(f"/ResearchStudy/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["etag"] == 'W/"1"'
    not_modified = await client.get(
        f"/ResearchStudy/{created['id']}", headers={"If-None-Match": 'W/"1"'}
    )
    assert not_modified.status_code == 304


async def test_update_makes_a_new_version_and_vread_returns_each(client):
    created = (await create(client, research_study(title="First"))).json()
    rid = created["id"]
    changed = {**created, "title": "Second"}
    response = await client.put(f"/ResearchStudy/{rid}", json=changed, headers=FHIR_JSON)
    assert response.status_code == 200
    assert response.headers["etag"] == 'W/"2"'
    assert response.json()["meta"]["versionId"] == "2"
    assert (await client.get(f"/ResearchStudy/{rid}/_history/1")).json()["title"] == "First"
    assert (await client.get(f"/ResearchStudy/{rid}/_history/2")).json()["title"] == "Second"
    assert (await client.get(f"/ResearchStudy/{rid}/_history/3")).status_code == 404


async def test_update_with_identical_content_does_not_make_a_new_version(client):
    created = (await create(client, research_study(title="Same"))).json()
    response = await client.put(f"/ResearchStudy/{created['id']}", json=created, headers=FHIR_JSON)
    assert response.status_code == 200
    assert response.headers["etag"] == 'W/"1"'


async def test_update_with_a_new_client_id_creates_the_resource(client):
    response = await client.put(
        "/ResearchStudy/NCT01234567", json=research_study(id="NCT01234567"), headers=FHIR_JSON
    )
    assert response.status_code == 201
    assert response.headers["location"].endswith("/ResearchStudy/NCT01234567/_history/1")
    assert (await client.get("/ResearchStudy/NCT01234567")).status_code == 200


async def test_delete_then_read_is_gone_and_history_keeps_every_version(client):
    created = (await create(client, research_study(title="Doomed"))).json()
    rid = created["id"]
    deleted = await client.delete(f"/ResearchStudy/{rid}")
    assert deleted.status_code == 204
    gone = await client.get(f"/ResearchStudy/{rid}")
    assert gone.status_code == 410
    assert gone.json()["resourceType"] == "OperationOutcome"
    history = (await client.get(f"/ResearchStudy/{rid}/_history")).json()
    assert [e["request"]["method"] for e in history["entry"]] == ["DELETE", "POST"]
    assert (await client.get(f"/ResearchStudy/{rid}/_history/1")).json()["title"] == "Doomed"
    search = (await client.get("/ResearchStudy", params={"_id": rid})).json()
    assert search["total"] == 0
    # Deleting again is harmless; re-creating with PUT starts a new version after the deletion.
    assert (await client.delete(f"/ResearchStudy/{rid}")).status_code == 204
    again = await client.put(f"/ResearchStudy/{rid}", json=created, headers=FHIR_JSON)
    assert again.status_code == 201
    assert again.headers["etag"] == 'W/"3"'


async def test_delete_of_unknown_resource_is_not_found(client):
    response = await client.delete("/ResearchStudy/never-was")
    assert response.status_code == 404
    assert response.json()["issue"][0]["code"] == "not-found"


async def test_if_match_guards_against_lost_updates(client):
    created = (await create(client, research_study(title="v1"))).json()
    rid = created["id"]
    url = f"/ResearchStudy/{rid}"
    ok = await client.put(
        url, json={**created, "title": "v2"}, headers={**FHIR_JSON, "If-Match": 'W/"1"'}
    )
    assert ok.status_code == 200
    stale = await client.put(
        url, json={**created, "title": "v3"}, headers={**FHIR_JSON, "If-Match": 'W/"1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["resourceType"] == "OperationOutcome"
    assert (await client.get(url)).json()["title"] == "v2"


@pytest.mark.parametrize(
    ("prefer", "expect_body"),
    [
        ("return=minimal", None),
        ("return=representation", "ResearchStudy"),
        ("return=OperationOutcome", "OperationOutcome"),
    ],
)
async def test_prefer_return_controls_the_response_body(client, prefer, expect_body):
    response = await client.post(
        "/ResearchStudy", json=research_study(), headers={**FHIR_JSON, "Prefer": prefer}
    )
    assert response.status_code == 201
    assert "location" in response.headers
    if expect_body is None:
        assert response.content == b""
    else:
        assert response.json()["resourceType"] == expect_body
        assert_valid_fhir(response.json())


async def test_every_required_resource_type_supports_create_and_read(client):
    samples = [
        {"resourceType": "PlanDefinition", "status": "active", "title": "Protocol"},
        {
            "resourceType": "EvidenceVariable",
            "status": "active",
            "title": "Eligibility",
            "characteristic": [
                {"description": "Adults", "definitionCodeableConcept": {"text": "x"}}
            ],
        },
        {
            "resourceType": "ResearchSubject",
            "status": "active",
            "study": {"reference": "ResearchStudy/s1"},
            "subject": {"reference": "Patient/p1"},
        },
        {"resourceType": "Group", "type": "person", "membership": "definitional"},
        {"resourceType": "Location", "name": "Moffitt Cancer Center"},
        {"resourceType": "Organization", "name": "Iovance Biotherapeutics"},
        {"resourceType": "Practitioner", "name": [{"family": "Smith"}]},
        {"resourceType": "Patient", "gender": "female", "birthDate": "1960-04-02"},
    ]
    for sample in samples:
        created = (await create(client, sample)).json()
        read = await client.get(f"/{sample['resourceType']}/{created['id']}")
        assert read.status_code == 200
        assert read.json() == created
        assert_valid_fhir(created)
