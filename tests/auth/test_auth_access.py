"""What each caller may do with authorization required (the default): the public catalog,
tokens and their scopes, the launch patient's compartment, `_include`, `$import`, and the
forwarded headers that grant nothing."""

from __future__ import annotations

import json
import time

import pytest
import respx

from fhirtrial.config import Settings
from tests.auth.auth_helpers import (
    BASE,
    ISSUER,
    backend_token,
    bearer,
    rsa_key,
    secured_app,
    serve_identity_provider,
    user_claims,
)
from tests.helpers import FHIR_JSON, assert_valid_fhir, research_study
from tests.matching.match_patients import melanoma_patient, parameters

IDP_KEY = rsa_key("idp-access")


def as_user(scope: str, **claims) -> dict[str, str]:
    return bearer(IDP_KEY.sign(user_claims(scope=scope, **claims)))


def as_patient(patient: str, scope: str = "patient/*.cruds") -> dict[str, str]:
    return as_user(scope, patient=patient)


# Signed once, when pytest collects the module: the whole suite may run longer than a token's
# usual 5 minutes before it reaches these tests, so this one lasts the day.
ADMIN = as_user("user/*.cruds", exp=int(time.time()) + 86_400)


def subject(rid: str, patient: str) -> dict:
    return {
        "resourceType": "ResearchSubject",
        "id": rid,
        "status": "active",
        "study": {"reference": "ResearchStudy/s1"},
        "subject": {"reference": f"Patient/{patient}"},
    }


@pytest.fixture
async def hospital(mongo_url):
    """Two patients, a subject each, a group holding both, and a study."""
    with respx.mock(assert_all_called=False) as mock:
        serve_identity_provider(mock, IDP_KEY)
        async with secured_app(mongo_url, auth_issuer=ISSUER, auth_audience=BASE) as (client, app):
            resources = [
                research_study(id="s1"),
                {"resourceType": "Patient", "id": "p1", "gender": "female"},
                {"resourceType": "Patient", "id": "p2", "gender": "male"},
                subject("rs1", "p1"),
                subject("rs2", "p2"),
                {
                    "resourceType": "Group",
                    "id": "g1",
                    "type": "person",
                    "membership": "enumerated",
                    "member": [
                        {"entity": {"reference": "Patient/p1"}},
                        {"entity": {"reference": "Patient/p2"}},
                    ],
                },
            ]
            for resource in resources:
                url = f"/{resource['resourceType']}/{resource['id']}"
                put = await client.put(url, json=resource, headers={**FHIR_JSON, **ADMIN})
                assert put.status_code == 201, put.text
            yield client, app


def test_authorization_is_required_by_default(monkeypatch):
    monkeypatch.delenv("FHIRTRIAL_AUTH", raising=False)
    assert Settings().auth == "required"


PROTECTED = [
    ("GET", "/Patient"),
    ("GET", "/Patient/p1"),
    ("GET", "/Patient/p1/_history"),
    ("GET", "/Patient/_history"),
    ("GET", "/ResearchSubject?patient=p1"),
    ("GET", "/ResearchSubject/rs1/_history/1"),
    ("GET", "/Group/g1"),
    ("GET", "/Practitioner"),
    ("POST", "/Patient/_search"),
    ("POST", "/ResearchStudy"),
    ("PUT", "/ResearchStudy/s1"),
    ("DELETE", "/ResearchStudy/s1"),
    ("POST", "/ResearchStudy/$match"),
    ("POST", "/ResearchStudy/$import"),
    ("HEAD", "/Patient/p1"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_anonymous_callers_get_401_for_patient_data_writes_and_operations(
    hospital, method, path
):
    client, _ = hospital
    body = research_study(id="s1", title="changed")
    content = json.dumps(body).encode() if method in ("POST", "PUT") else None
    response = await client.request(method, path, content=content, headers=FHIR_JSON)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if method != "HEAD":
        assert response.json()["issue"][0]["code"] == "login"
    study = (await client.get("/ResearchStudy/s1")).json()
    assert "title" not in study and study["meta"]["versionId"] == "1"


PUBLIC = [
    "/metadata",
    "/health",
    "/.well-known/smart-configuration",
    "/auth/jwks",
    "/ResearchStudy",
    "/ResearchStudy/s1",
    "/ResearchStudy/s1/_history",
    "/ResearchStudy/s1/_history/1",
    "/ResearchStudy?_include=ResearchStudy:site",
    "/PlanDefinition",
    "/EvidenceVariable",
    "/Location",
    "/Organization",
    "/OperationDefinition",
    "/StructureDefinition",
]


@pytest.mark.parametrize("path", PUBLIC)
async def test_the_catalog_and_discovery_are_readable_anonymously(hospital, path):
    client, _ = hospital
    response = await client.get(path)
    assert response.status_code == 200, response.text


async def test_including_patient_data_into_a_catalog_search_needs_a_token(hospital):
    client, _ = hospital
    query = {"_revinclude": "ResearchSubject:study"}
    assert (await client.get("/ResearchStudy", params=query)).status_code == 401
    # Also when the parameter travels in a POST _search body, where no gate can see it.
    posted = await client.post(
        "/ResearchStudy/_search",
        content="_revinclude=ResearchSubject:study",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert posted.status_code == 401
    with_token = await client.get("/ResearchStudy", params=query, headers=ADMIN)
    assert {e["resource"]["id"] for e in with_token.json()["entry"]} == {"s1", "rs1", "rs2"}


async def test_a_read_only_token_cannot_write_and_is_told_which_scope_is_missing(hospital):
    client, _ = hospital
    reader = as_user("user/*.rs")
    assert (await client.get("/Patient/p1", headers=reader)).status_code == 200
    attempts = [
        ("POST", "/Patient", {"resourceType": "Patient"}, "user/Patient.c"),
        ("PUT", "/Patient/p1", {"resourceType": "Patient", "id": "p1"}, "user/Patient.u"),
        ("DELETE", "/ResearchStudy/s1", None, "user/ResearchStudy.d"),
    ]
    for method, path, body, scope in attempts:
        content = json.dumps(body).encode() if body else None
        response = await client.request(
            method, path, content=content, headers={**FHIR_JSON, **reader}
        )
        assert response.status_code == 403, (method, path)
        outcome = response.json()
        assert_valid_fhir(outcome)
        assert outcome["issue"][0]["code"] == "forbidden"
        assert scope in outcome["issue"][0]["diagnostics"]
        assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert (await client.get("/Patient/p1", headers=ADMIN)).json()["meta"]["versionId"] == "1"
    assert (await client.get("/ResearchStudy/s1")).status_code == 200


async def test_v1_scopes_and_type_scopes(hospital):
    client, _ = hospital
    v1 = as_user("user/*.read")
    assert (await client.get("/Group/g1", headers=v1)).status_code == 200
    assert (await client.delete("/Group/g1", headers=v1)).status_code == 403
    subjects_only = as_user("user/ResearchSubject.rs")
    assert (await client.get("/ResearchSubject", headers=subjects_only)).json()["total"] == 2
    assert (await client.get("/Patient", headers=subjects_only)).status_code == 403
    writer = as_user("user/Patient.write")
    created = await client.post(
        "/Patient", json={"resourceType": "Patient"}, headers={**FHIR_JSON, **writer}
    )
    assert created.status_code == 201
    granular = as_user("user/ResearchSubject.rs?status=active")
    refused = await client.get("/ResearchSubject", headers=granular)
    assert refused.status_code == 403


async def test_a_patient_token_sees_only_its_patients_compartment(hospital):
    client, _ = hospital
    mine = as_patient("p1")
    assert (await client.get("/Patient/p1", headers=mine)).status_code == 200
    assert (await client.get("/ResearchSubject/rs1", headers=mine)).status_code == 200
    assert (await client.get("/ResearchSubject/rs1/_history/1", headers=mine)).status_code == 200
    # Another patient's resources do not exist for it.
    for path in ("/Patient/p2", "/ResearchSubject/rs2", "/ResearchSubject/rs2/_history/1"):
        response = await client.get(path, headers=mine)
        assert response.status_code == 404, path
        assert response.json()["issue"][0]["code"] == "not-found"
    # Searches are narrowed to the compartment, whatever they ask for.
    for path, expected in [
        ("/Patient", {"p1"}),
        ("/Patient?_id=p2", set()),
        ("/Patient?gender=male", set()),
        ("/ResearchSubject", {"rs1"}),
        ("/ResearchSubject?patient=p2", set()),
        ("/Group", {"g1"}),
    ]:
        bundle = (await client.get(path, headers=mine)).json()
        assert {e["resource"]["id"] for e in bundle.get("entry", [])} == expected, path
    posted = await client.post(
        "/Patient/_search",
        content="_id=p2",
        headers={"content-type": "application/x-www-form-urlencoded", **mine},
    )
    assert posted.json()["total"] == 0
    # What would reach past the compartment is refused.
    for path in ("/Group?_include=Group:member", "/Patient/_history", "/Patient/p1/_history"):
        assert (await client.get(path, headers=mine)).status_code == 403, path


async def test_a_patient_token_writes_only_inside_its_compartment(hospital):
    client, _ = hospital
    mine = {**FHIR_JSON, **as_patient("p1")}
    own = await client.post("/ResearchSubject", json=subject("x", "p1"), headers=mine)
    assert own.status_code == 201
    other = await client.post("/ResearchSubject", json=subject("x", "p2"), headers=mine)
    assert other.status_code == 403
    assert "Patient/p1" in other.json()["issue"][0]["diagnostics"]
    moved = await client.put("/ResearchSubject/rs1", json=subject("rs1", "p2"), headers=mine)
    assert moved.status_code == 403
    taken = await client.put("/ResearchSubject/rs2", json=subject("rs2", "p1"), headers=mine)
    assert taken.status_code == 403
    assert (await client.delete("/ResearchSubject/rs2", headers=mine)).status_code == 403
    assert (await client.delete("/Patient/p2", headers=mine)).status_code == 403
    still = (await client.get("/ResearchSubject/rs2", headers=ADMIN)).json()
    assert still["subject"]["reference"] == "Patient/p2" and still["meta"]["versionId"] == "1"
    assert (await client.get("/Patient/p2", headers=ADMIN)).status_code == 200
    # Outside any compartment a patient/ scope writes nothing.
    study = await client.post("/ResearchStudy", json=research_study(), headers=mine)
    assert study.status_code == 403


async def test_match_needs_its_scopes_and_a_patient_token_matches_only_its_patient(hospital):
    client, _ = hospital
    body = parameters(melanoma_patient())  # the bundle's Patient is p1
    none = await client.post(
        "/ResearchStudy/$match", json=body, headers={**FHIR_JSON, **as_user("user/Patient.r")}
    )
    assert none.status_code == 403
    assert "ResearchSubject.s" in none.json()["issue"][0]["diagnostics"]
    for patient, status in (("p1", 200), ("p2", 403)):
        response = await client.post(
            "/ResearchStudy/$match",
            json=body,
            headers={**FHIR_JSON, **as_patient(patient, "patient/*.rs")},
        )
        assert response.status_code == status, (patient, response.text)
    persist = parameters(melanoma_patient(), {"name": "persist", "valueBoolean": True})
    reader = await client.post(
        "/ResearchStudy/$match", json=persist, headers={**FHIR_JSON, **as_user("user/*.rs")}
    )
    assert reader.status_code == 403
    assert "Patient.c" in reader.json()["issue"][0]["diagnostics"]
    # A patient token cannot persist onto another Patient through the bundle's identifier.
    onto = await client.post(
        "/ResearchStudy/$match",
        json=persist,
        headers={**FHIR_JSON, **as_patient("p1", "patient/*.cruds")},
    )
    assert onto.status_code == 403
    assert (await client.get("/Patient", headers=ADMIN)).json()["total"] == 2


async def test_import_is_a_scope_like_any_other(hospital):
    client, app = hospital
    body = {"resourceType": "Parameters", "parameter": [{"name": "nctId", "valueString": "x"}]}
    for headers in (as_user("user/*.rs"), as_user("user/ResearchStudy.cu"), as_patient("p1")):
        response = await client.post(
            "/ResearchStudy/$import", json=body, headers={**FHIR_JSON, **headers}
        )
        assert response.status_code == 403
    token = await backend_token(client, app, "system/*.cu")
    empty = {"resourceType": "Parameters", "parameter": []}
    allowed = await client.post(
        "/ResearchStudy/$import", json=empty, headers={**FHIR_JSON, **bearer(token)}
    )
    assert allowed.status_code == 400  # past authorization: the parameters are what is wrong


SPOOFED = [
    {"X-Forwarded-For": "127.0.0.1"},
    {"X-Forwarded-For": "localhost", "X-Real-IP": "127.0.0.1"},
    {"Forwarded": "for=127.0.0.1;host=fhir.test;proto=https"},
    {"X-Forwarded-Host": "localhost", "X-Forwarded-Proto": "https"},
    {"X-Forwarded-User": "admin", "X-Remote-User": "admin", "X-Client-Id": "ehr"},
]


@pytest.mark.parametrize("headers", SPOOFED)
async def test_forwarded_headers_give_no_privilege(hospital, headers):
    client, _ = hospital
    for method, path in (("GET", "/Patient"), ("POST", "/ResearchStudy/$import")):
        response = await client.request(
            method, path, content=b"{}", headers={**FHIR_JSON, **headers}
        )
        assert response.status_code == 401, (headers, path)


async def test_a_browser_app_s_preflight_needs_no_token_and_a_401_is_readable_cross_origin(
    mongo_url,
):
    origin = "https://smart-app.example"
    async with secured_app(mongo_url, cors_origins=origin) as (client, _):
        preflight = await client.options(
            "/Patient",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.status_code == 200
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        refused = await client.get("/Patient", headers={"Origin": origin})
        assert refused.status_code == 401
        assert refused.headers["access-control-allow-origin"] == origin
        other = await client.get("/Patient", headers={"Origin": "https://evil.example"})
        assert other.status_code == 401
        assert "access-control-allow-origin" not in other.headers


# Found by a security review of this change: each let a caller read what its scopes do not
# allow, or lock other clients out.


async def test_a_conditional_create_cannot_read_outside_the_callers_compartment(hospital):
    client, _ = hospital
    # A patient app for p1 that may create: its If-None-Exist search is confined to p1, so it
    # never answers 200 with Patient/p2 (a male patient of another compartment).
    probe = await client.post(
        "/Patient",
        json={"resourceType": "Patient", "id": "p1", "gender": "female"},
        headers={**FHIR_JSON, **as_patient("p1", "patient/Patient.crs"), "If-None-Exist": "_id=p2"},
    )
    assert probe.status_code != 200
    assert '"male"' not in probe.text
    # A write-only token may not search at all through If-None-Exist.
    write_only = await client.post(
        "/Patient",
        json={"resourceType": "Patient"},
        headers={**FHIR_JSON, **as_user("user/Patient.c"), "If-None-Exist": "gender=male"},
    )
    assert write_only.status_code == 403
    assert "Patient.s" in write_only.json()["issue"][0]["diagnostics"]


async def test_include_brings_in_only_the_types_the_parameter_declares(hospital):
    client, _ = hospital
    smuggled = research_study(id="s-smuggled")
    smuggled["site"] = [{"reference": "Patient/p2"}]
    put = await client.put(
        "/ResearchStudy/s-smuggled", json=smuggled, headers={**FHIR_JSON, **ADMIN}
    )
    assert put.status_code in (200, 201), put.text
    anonymous = await client.get(
        "/ResearchStudy", params={"_id": "s-smuggled", "_include": "ResearchStudy:site"}
    )
    assert anonymous.status_code == 200
    kinds = {e["resource"]["resourceType"] for e in anonymous.json().get("entry", [])}
    assert "Patient" not in kinds


async def test_including_from_a_parameter_of_any_target_needs_the_right_to_read_every_type(
    hospital,
):
    client, _ = hospital
    auditor = as_patient("p1", "patient/*.rs")
    found = await client.get(
        "/AuditEvent", params={"_include": "AuditEvent:entity"}, headers=auditor
    )
    assert found.status_code in (403, 404)
    assert "Patient/p2" not in found.text


async def test_someone_elses_failures_never_lock_out_a_client_with_a_token(mongo_url):
    with respx.mock(assert_all_called=False) as mock:
        serve_identity_provider(mock, IDP_KEY)
        async with secured_app(
            mongo_url, auth_issuer=ISSUER, auth_audience=BASE, rate_auth_failures_per_minute=3
        ) as (client, _):
            for _ in range(5):  # an anonymous flood from the shared proxy address
                assert (await client.get("/Patient")).status_code in (401, 429)
            assert (await client.get("/Patient")).status_code == 429
            assert (await client.get("/Patient", headers=ADMIN)).status_code == 200
            assert (await client.get("/ResearchStudy")).status_code == 200  # public catalog


async def test_patch_needs_the_update_scope_and_stays_in_the_compartment(hospital):
    client, _ = hospital
    json_patch = {"content-type": "application/json-patch+json"}
    retitle = [{"op": "add", "path": "/title", "value": "patched"}]
    reader = {**json_patch, **as_user("user/*.rs")}
    refused = await client.patch("/ResearchStudy/s1", json=retitle, headers=reader)
    assert refused.status_code == 403
    assert "ResearchStudy.u" in refused.json()["issue"][0]["diagnostics"]
    mine = {**json_patch, **as_patient("p1")}
    move = [{"op": "replace", "path": "/subject/reference", "value": "Patient/p2"}]
    assert (await client.patch("/ResearchSubject/rs1", json=move, headers=mine)).status_code == 403
    other = [{"op": "replace", "path": "/status", "value": "retired"}]
    assert (await client.patch("/ResearchSubject/rs2", json=other, headers=mine)).status_code == 403
    own = await client.patch("/ResearchSubject/rs1", json=other, headers=mine)
    assert own.status_code == 200
    assert own.json()["status"] == "retired"
    untouched = (await client.get("/ResearchSubject/rs2", headers=ADMIN)).json()
    assert untouched["meta"]["versionId"] == "1"


async def test_validate_needs_the_scope_of_the_interaction_it_checks(hospital):
    client, _ = hospital
    study = {
        "resourceType": "Parameters",
        "parameter": [{"name": "resource", "resource": research_study()}],
    }
    anonymous = await client.post("/ResearchStudy/$validate", json=study, headers=FHIR_JSON)
    assert anonymous.status_code == 401
    reader = {**FHIR_JSON, **as_user("user/*.rs")}
    general = await client.post("/ResearchStudy/$validate", json=study, headers=reader)
    assert general.status_code == 200
    as_create = {
        **study,
        "parameter": [*study["parameter"], {"name": "mode", "valueCode": "create"}],
    }
    refused = await client.post("/ResearchStudy/$validate", json=as_create, headers=reader)
    assert refused.status_code == 403
    delete = {"resourceType": "Parameters", "parameter": [{"name": "mode", "valueCode": "delete"}]}
    mine = {**FHIR_JSON, **as_patient("p1")}
    other = await client.post("/ResearchSubject/rs2/$validate", json=delete, headers=mine)
    assert other.status_code == 403
    own = await client.post("/ResearchSubject/rs1/$validate", json=delete, headers=mine)
    assert own.status_code == 200
    assert (await client.get("/ResearchSubject/rs1", headers=ADMIN)).status_code == 200
