"""PATCH [type]/[id] with JSON Patch (RFC 6902) and FHIRPath Patch (FHIR R5 fhirpatch.html)."""

from tests.helpers import FHIR_JSON, assert_valid_fhir

JSON_PATCH = {"content-type": "application/json-patch+json"}


def operation(kind: str, path: str, **parts) -> dict:
    out = [{"name": "type", "valueCode": kind}, {"name": "path", "valueString": path}]
    for name, value in parts.items():
        if name in ("index", "source", "destination"):
            out.append({"name": name, "valueInteger": value})
        elif name == "value":
            out.append({"name": "value", **value})
        else:
            out.append({"name": name, "valueString": value})
    return {"name": "operation", "part": out}


def fhirpath_patch(*operations: dict) -> dict:
    return {"resourceType": "Parameters", "parameter": list(operations)}


PATIENT = {
    "resourceType": "Patient",
    "identifier": [{"system": "urn:mrn", "value": "1"}],
    "name": [
        {"use": "official", "family": "Doe", "given": ["Jane", "Q"]},
        {"use": "nickname", "given": ["JD"]},
    ],
    "gender": "female",
}


async def make_patient(client) -> dict:
    response = await client.post("/Patient", json=PATIENT, headers=FHIR_JSON)
    assert response.status_code == 201
    return response.json()


async def test_json_patch_makes_a_new_version_with_history(client):
    created = await make_patient(client)
    rid = created["id"]
    response = await client.patch(
        f"/Patient/{rid}",
        json=[
            {"op": "test", "path": "/gender", "value": "female"},
            {"op": "add", "path": "/birthDate", "value": "1970-05-01"},
            {"op": "replace", "path": "/name/0/family", "value": "Roe"},
            {"op": "remove", "path": "/name/1"},
        ],
        headers=JSON_PATCH,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["birthDate"] == "1970-05-01"
    assert body["name"] == [{"use": "official", "family": "Roe", "given": ["Jane", "Q"]}]
    assert body["meta"]["versionId"] == "2"
    assert response.headers["etag"] == 'W/"2"'
    assert response.headers["location"] == f"http://fhir.test/Patient/{rid}/_history/2"
    assert_valid_fhir(body)
    assert (await client.get(f"/Patient/{rid}")).json() == body
    history = (await client.get(f"/Patient/{rid}/_history")).json()
    assert [e["response"]["etag"] for e in history["entry"]] == ['W/"2"', 'W/"1"']
    assert history["entry"][1]["resource"]["name"][0]["family"] == "Doe"


async def test_fhirpath_patch_applies_every_operation_kind(client):
    rid = (await make_patient(client))["id"]
    patch = fhirpath_patch(
        operation("add", "Patient", name="birthDate", value={"valueDate": "1970-05-01"}),
        operation("add", "Patient", name="deceased", value={"valueBoolean": False}),
        operation(
            "replace", "Patient.name.where(use = 'official').family", value={"valueString": "Roe"}
        ),
        operation("insert", "Patient.name[0].given", index=1, value={"valueString": "Ann"}),
        operation("delete", "Patient.name.where(use = 'nickname')"),
        operation("move", "Patient.name.first().given", source=2, destination=0),
        operation(
            "add",
            "Patient",
            name="contact",
            value={
                "part": [
                    {"name": "name", "valueHumanName": {"family": "Doe"}},
                    {"name": "relationship", "valueCodeableConcept": {"text": "mother"}},
                ]
            },
        ),
        operation(
            "insert", "Patient.telecom", index=0, value={"valueContactPoint": {"value": "1"}}
        ),
    )
    response = await client.patch(f"/Patient/{rid}", json=patch, headers=FHIR_JSON)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["birthDate"] == "1970-05-01"
    assert body["deceasedBoolean"] is False
    assert body["name"] == [{"use": "official", "family": "Roe", "given": ["Q", "Jane", "Ann"]}]
    assert body["contact"] == [{"name": {"family": "Doe"}, "relationship": [{"text": "mother"}]}]
    assert body["telecom"] == [{"value": "1"}]
    assert body["meta"]["versionId"] == "2"
    assert_valid_fhir(body)
    assert (await client.get(f"/Patient/{rid}")).json() == body


async def test_fhirpath_delete_of_a_missing_element_changes_nothing(client):
    rid = (await make_patient(client))["id"]
    patch = fhirpath_patch(operation("delete", "Patient.birthDate"))
    response = await client.patch(f"/Patient/{rid}", json=patch, headers=FHIR_JSON)
    assert response.status_code == 200
    assert response.json()["meta"]["versionId"] == "1"  # same content: no new version


async def test_if_match_is_honoured(client):
    rid = (await make_patient(client))["id"]
    patch = [{"op": "replace", "path": "/gender", "value": "other"}]
    stale = await client.patch(
        f"/Patient/{rid}", json=patch, headers={**JSON_PATCH, "If-Match": 'W/"7"'}
    )
    assert stale.status_code == 412
    assert stale.json()["resourceType"] == "OperationOutcome"
    assert (await client.get(f"/Patient/{rid}")).json()["gender"] == "female"
    fresh = await client.patch(
        f"/Patient/{rid}", json=patch, headers={**JSON_PATCH, "If-Match": 'W/"1"'}
    )
    assert fresh.status_code == 200
    assert fresh.json()["gender"] == "other"


async def test_an_invalid_result_is_422_and_nothing_is_stored(client):
    rid = (await make_patient(client))["id"]
    for patch, headers in [
        ([{"op": "replace", "path": "/gender", "value": "bogus"}], JSON_PATCH),
        ([{"op": "add", "path": "/favouriteColour", "value": "blue"}], JSON_PATCH),
        (
            fhirpath_patch(operation("replace", "Patient.gender", value={"valueCode": "x"})),
            FHIR_JSON,
        ),
    ]:
        response = await client.patch(f"/Patient/{rid}", json=patch, headers=headers)
        assert response.status_code == 422, response.text
        assert response.json()["issue"][0]["severity"] == "error"
    current = (await client.get(f"/Patient/{rid}")).json()
    assert current["meta"]["versionId"] == "1"
    assert current["gender"] == "female"
    history = (await client.get(f"/Patient/{rid}/_history")).json()
    assert history["total"] == 1


async def test_the_id_and_resource_type_cannot_change(client):
    rid = (await make_patient(client))["id"]
    for patch in (
        [{"op": "replace", "path": "/id", "value": "other"}],
        [{"op": "replace", "path": "/resourceType", "value": "Practitioner"}],
        [{"op": "remove", "path": "/id"}],
    ):
        response = await client.patch(f"/Patient/{rid}", json=patch, headers=JSON_PATCH)
        assert response.status_code == 400, response.text
        assert "may not change" in response.json()["issue"][0]["diagnostics"]
    assert (await client.get(f"/Patient/{rid}")).json()["meta"]["versionId"] == "1"


async def test_malformed_and_inapplicable_patches(client):
    rid = (await make_patient(client))["id"]
    cases = [
        ({"op": "add"}, JSON_PATCH, 400),  # not an array
        ([{"op": "frobnicate", "path": "/x"}], JSON_PATCH, 400),
        ([{"op": "remove", "path": "/birthDate"}], JSON_PATCH, 422),  # nothing there
        ([{"op": "test", "path": "/gender", "value": "male"}], JSON_PATCH, 422),
        ({"resourceType": "Patient"}, FHIR_JSON, 400),  # not a Parameters
        (fhirpath_patch(operation("explode", "Patient")), FHIR_JSON, 400),
        (fhirpath_patch(operation("delete", "Patient.name.exists()")), FHIR_JSON, 400),
        (fhirpath_patch(operation("delete", "Patient.name.given")), FHIR_JSON, 422),  # 3 found
        (
            fhirpath_patch(operation("replace", "Patient.birthDate", value={"valueDate": "2000"})),
            FHIR_JSON,
            422,
        ),
        (
            fhirpath_patch(operation("add", "Patient", name="gender", value={"valueCode": "male"})),
            FHIR_JSON,
            422,
        ),
        (
            fhirpath_patch(
                operation("insert", "Patient.name", index=5, value={"valueHumanName": {}})
            ),
            FHIR_JSON,
            422,
        ),
        (
            fhirpath_patch(operation("move", "Patient.name", source=0, destination=2)),
            FHIR_JSON,
            422,
        ),
    ]
    for patch, headers, status in cases:
        response = await client.patch(f"/Patient/{rid}", json=patch, headers=headers)
        assert response.status_code == status, (patch, response.text)
        assert response.json()["resourceType"] == "OperationOutcome"
    assert (await client.get(f"/Patient/{rid}")).json()["meta"]["versionId"] == "1"


async def test_patch_media_type_and_target(client):
    rid = (await make_patient(client))["id"]
    patch = [{"op": "add", "path": "/birthDate", "value": "1970-05-01"}]
    wrong_type = await client.patch(
        f"/Patient/{rid}", json=patch, headers={"content-type": "text/plain"}
    )
    assert wrong_type.status_code == 415
    missing = await client.patch("/Patient/nobody", json=patch, headers=JSON_PATCH)
    assert missing.status_code == 404
    assert (await client.delete(f"/Patient/{rid}")).status_code == 204
    gone = await client.patch(f"/Patient/{rid}", json=patch, headers=JSON_PATCH)
    assert gone.status_code == 410


async def test_prefer_return_is_honoured(client):
    rid = (await make_patient(client))["id"]
    minimal = await client.patch(
        f"/Patient/{rid}",
        json=[{"op": "add", "path": "/birthDate", "value": "1970-05-01"}],
        headers={**JSON_PATCH, "Prefer": "return=minimal"},
    )
    assert minimal.status_code == 200
    assert minimal.content == b""
    assert minimal.headers["etag"] == 'W/"2"'
    outcome = await client.patch(
        f"/Patient/{rid}",
        json=[{"op": "replace", "path": "/birthDate", "value": "1971-05-01"}],
        headers={**JSON_PATCH, "Prefer": "return=OperationOutcome"},
    )
    assert outcome.status_code == 200
    assert outcome.json()["resourceType"] == "OperationOutcome"
    assert "version 3" in outcome.json()["issue"][0]["diagnostics"]


async def test_the_capability_statement_lists_patch_and_its_formats(client):
    statement = (await client.get("/metadata")).json()
    assert statement["patchFormat"] == ["application/json-patch+json", "application/fhir+json"]
    by_type = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert {"code": "patch"} in by_type["Patient"]["interaction"]
    assert {"code": "patch"} in by_type["ResearchStudy"]["interaction"]
    assert {"code": "patch"} not in by_type["AuditEvent"]["interaction"]


async def test_a_read_only_type_cannot_be_patched(client):
    response = await client.patch(
        "/AuditEvent/x", json=[{"op": "remove", "path": "/agent"}], headers=JSON_PATCH
    )
    assert response.status_code == 405
    assert "PATCH" not in response.headers["allow"]


async def test_a_json_patch_that_copies_exponentially_is_refused_not_built(client):
    # Each `copy` of /name onto its own end doubles it: 40 small operations would build 2^40
    # names. The server must refuse such a patch (4xx OperationOutcome) and store nothing.
    patient = await make_patient(client)
    doubling = [{"op": "copy", "from": "/name", "path": "/name/-"}] * 40
    response = await client.patch(f"/Patient/{patient['id']}", json=doubling, headers=JSON_PATCH)
    assert response.status_code == 422
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["code"] == "too-costly"
    stored = await client.get(f"/Patient/{patient['id']}")
    assert stored.json()["meta"]["versionId"] == "1"
