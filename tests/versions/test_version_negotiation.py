"""FHIR version negotiation over HTTP (FHIR R5 versioning.html#mt-version): `fhirVersion` on
Accept picks the answer's version, on Content-Type the body's; 4.0 and 5.0 are served, others are
406/415; `$versions`; the R4 CapabilityStatement; read, search, create and `$match` in R4; the
`/r4` base. Every R4 answer is validated with fhir.resources' R4B models."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fhir.resources.R4B import get_fhir_model_class as r4_model

from tests.helpers import FHIR_JSON, assert_valid_fhir, make_settings, running_client
from tests.matching.match_patients import AS_OF, melanoma_patient, parameters

R4_ACCEPT = {"accept": "application/fhir+json; fhirVersion=4.0"}
R4_BODY = {"content-type": "application/fhir+json; fhirVersion=4.0", **R4_ACCEPT}
STUDY = "NCT05361174"
SUBJECT_STATE = "http://terminology.hl7.org/CodeSystem/research-subject-state"


@pytest.fixture(scope="module")
async def seeded(mongo_url) -> AsyncIterator[httpx.AsyncClient]:
    async with running_client(make_settings(mongo_url, load_seeds=True)) as client:
        yield client


def assert_valid_r4(resource: dict) -> None:
    r4_model(resource["resourceType"]).model_validate(resource)
    for entry in resource.get("entry", []):
        assert_valid_r4(entry["resource"])


def r4_subject(**fields) -> dict:
    return {
        "resourceType": "ResearchSubject",
        "status": "candidate",
        "study": {"reference": f"ResearchStudy/{STUDY}"},
        "individual": {"reference": "Patient/r4-patient"},
        **fields,
    }


def outcome_text(response: httpx.Response) -> str:
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return " ".join(issue["diagnostics"] for issue in body["issue"])


@pytest.mark.parametrize("version", ["4.0", "4.0.1"])
async def test_read_in_r4_when_accept_asks_for_it(seeded, version):
    response = await seeded.get(
        f"/ResearchStudy/{STUDY}",
        headers={"accept": f"application/fhir+json; fhirVersion={version}"},
    )
    assert response.status_code == 200
    assert "fhirVersion=4.0" in response.headers["content-type"]
    study = response.json()
    assert_valid_r4(study)
    assert study["status"] == "active" and "region" not in study and "location" in study


@pytest.mark.parametrize(
    "accept", ["application/fhir+json", "application/fhir+json; fhirVersion=5.0"]
)
async def test_r5_stays_the_default_and_says_so(seeded, accept):
    response = await seeded.get(f"/ResearchStudy/{STUDY}", headers={"accept": accept})
    assert response.status_code == 200
    assert "fhirVersion=5.0" in response.headers["content-type"]
    assert_valid_fhir(response.json())
    assert response.json()["status"] == "active" and "region" in response.json()


async def test_accept_ranges_are_taken_by_quality(seeded):
    accept = "application/fhir+json; fhirVersion=3.0, application/fhir+json; fhirVersion=4.0; q=0.5"
    response = await seeded.get(f"/ResearchStudy/{STUDY}", headers={"accept": accept})
    assert response.status_code == 200
    assert "fhirVersion=4.0" in response.headers["content-type"]


async def test_format_parameter_may_carry_the_version(seeded):
    response = await seeded.get(
        f"/ResearchStudy/{STUDY}", params={"_format": "application/fhir+json; fhirVersion=4.0"}
    )
    assert "fhirVersion=4.0" in response.headers["content-type"]
    assert "location" in response.json()


async def test_a_version_not_served_is_406_on_accept(seeded):
    response = await seeded.get(
        f"/ResearchStudy/{STUDY}", headers={"accept": "application/fhir+json; fhirVersion=3.0"}
    )
    assert response.status_code == 406
    assert "3.0 is not served" in outcome_text(response)


async def test_a_body_in_a_version_not_served_is_415_and_stores_nothing(seeded):
    headers = {"content-type": "application/fhir+json; fhirVersion=6.0"}
    subject = r4_subject(individual={"reference": "Patient/six"})
    response = await seeded.post("/ResearchSubject", content=json.dumps(subject), headers=headers)
    assert response.status_code == 415
    assert "6.0 is not accepted" in outcome_text(response)
    found = await seeded.get("/ResearchSubject", params={"subject": "Patient/six"})
    assert found.json()["total"] == 0


async def test_versions_operation(seeded):
    response = await seeded.get("/$versions")
    assert response.status_code == 200
    assert response.json() == {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "version", "valueCode": "4.0"},
            {"name": "version", "valueCode": "5.0"},
            {"name": "default", "valueCode": "5.0"},
        ],
    }
    plain = await seeded.get("/$versions", headers={"accept": "application/json"})
    assert plain.headers["content-type"] == "application/json"
    assert plain.json() == {"versions": ["4.0", "5.0"], "default": "5.0"}


async def test_r4_capability_statement_lists_only_what_r4_serves(seeded):
    response = await seeded.get("/metadata", headers=R4_ACCEPT)
    assert response.status_code == 200
    statement = response.json()
    assert_valid_r4(statement)
    assert statement["fhirVersion"] == "4.0.1"
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert sorted(resources) == ["ResearchStudy", "ResearchSubject"]
    study, subject = resources["ResearchStudy"], resources["ResearchSubject"]
    assert {i["code"] for i in study["interaction"]} == {
        "read",
        "vread",
        "history-instance",
        "history-type",
        "search-type",
    }
    assert {"create", "update", "delete"} <= {i["code"] for i in subject["interaction"]}
    assert [o["name"] for o in study["operation"]] == ["match"]
    subject_params = {p["name"] for p in subject["searchParam"]}
    assert {"individual", "status", "study", "patient"} <= subject_params
    assert "subject" not in subject_params
    assert "status" not in {p["name"] for p in study["searchParam"]}
    r5 = (await seeded.get("/metadata")).json()
    assert r5["fhirVersion"] == "5.0.0"
    assert {"name": "versions", "definition": VERSIONS_OPERATION} in r5["rest"][0]["operation"]


VERSIONS_OPERATION = "http://hl7.org/fhir/OperationDefinition/CapabilityStatement-versions"


async def test_types_not_served_in_r4_answer_406_before_doing_anything(seeded):
    response = await seeded.get("/Location", headers=R4_ACCEPT)
    assert response.status_code == 406
    assert "Location is served in FHIR R5 only" in outcome_text(response)
    created = await seeded.post(
        "/Organization",
        json={"resourceType": "Organization", "name": "Never stored"},
        headers={**FHIR_JSON, **R4_ACCEPT},
    )
    assert created.status_code == 406
    found = await seeded.get("/Organization", params={"name:exact": "Never stored"})
    assert found.json()["total"] == 0
    # An _include of a type R4 is not served for: refused whole, not half converted.
    included = await seeded.get(
        "/ResearchStudy", params={"_include": "ResearchStudy:site"}, headers=R4_ACCEPT
    )
    assert included.status_code == 406
    assert "Location is served in FHIR R5 only" in outcome_text(included)


async def test_search_in_r4_with_r4_parameter_names(seeded):
    created = await seeded.post(
        "/ResearchSubject",
        content=json.dumps(
            r4_subject(individual={"reference": "Patient/searcher"}, status="eligible")
        ),
        headers=R4_BODY,
    )
    assert created.status_code == 201, created.text
    response = await seeded.get(
        "/ResearchSubject",
        params={
            "individual": "Patient/searcher",
            "status": "eligible",
            "_include": "ResearchSubject:study",
        },
        headers=R4_ACCEPT,
    )
    assert response.status_code == 200
    bundle = response.json()
    assert_valid_r4(bundle)
    kinds = [(e["resource"]["resourceType"], e["search"]["mode"]) for e in bundle["entry"]]
    assert kinds == [("ResearchSubject", "match"), ("ResearchStudy", "include")]
    assert bundle["entry"][0]["resource"]["individual"] == {"reference": "Patient/searcher"}
    refused = await seeded.get("/ResearchStudy", params={"status": "active"}, headers=R4_ACCEPT)
    assert refused.status_code == 400
    assert "recruitment-status" in outcome_text(refused)


async def test_create_and_update_in_r4_are_stored_as_r5(seeded):
    created = await seeded.post(
        "/ResearchSubject", content=json.dumps(r4_subject()), headers=R4_BODY
    )
    assert created.status_code == 201, created.text
    assert "fhirVersion=4.0" in created.headers["content-type"]
    assert_valid_r4(created.json())
    assert created.json()["status"] == "candidate"
    rid = created.json()["id"]
    stored = (await seeded.get(f"/ResearchSubject/{rid}")).json()
    assert_valid_fhir(stored)
    assert stored["subject"] == {"reference": "Patient/r4-patient"}
    assert stored["status"] == "active"
    assert stored["progress"][-1]["subjectState"]["coding"][0]["code"] == "candidate"

    changed = {**created.json(), "status": "on-study"}
    updated = await seeded.put(
        f"/ResearchSubject/{rid}", content=json.dumps(changed), headers=R4_BODY
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["status"] == "on-study"
    stored = (await seeded.get(f"/ResearchSubject/{rid}")).json()
    states = [p["subjectState"]["coding"][0]["code"] for p in stored["progress"]]
    assert states == ["candidate", "on-study"]


async def test_an_r4_body_of_a_type_not_accepted_in_r4_is_415(seeded):
    study = {"resourceType": "ResearchStudy", "id": "r4-study", "status": "active"}
    response = await seeded.put(
        "/ResearchStudy/r4-study", content=json.dumps(study), headers=R4_BODY
    )
    assert response.status_code == 415
    assert "ResearchStudy is accepted in FHIR R5 only" in outcome_text(response)
    assert (await seeded.get("/ResearchStudy/r4-study")).status_code == 404


async def test_an_invalid_r4_body_is_refused_naming_the_element(seeded):
    response = await seeded.post(
        "/ResearchSubject", content=json.dumps(r4_subject(progress=[])), headers=R4_BODY
    )
    assert response.status_code == 415
    assert "R4 ResearchSubject.progress is not accepted" in outcome_text(response)


async def test_match_answers_in_r4(seeded):
    body = parameters(melanoma_patient(), {"name": "asOf", "valueDate": AS_OF})
    response = await seeded.post("/ResearchStudy/$match", content=json.dumps(body), headers=R4_BODY)
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_r4(bundle)
    matches = [e for e in bundle["entry"] if e["search"]["mode"] == "match"]
    assert matches and all(0 < e["search"]["score"] < 1 for e in matches)
    for entry in matches:
        subject = entry["resource"]
        assert subject["status"] == "potential-candidate"
        assert "individual" in subject and "subject" not in subject
    studies = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "include"]
    assert {s["id"] for s in studies} == {"NCT05361174", "NCT05398640"}
    # Each study carries its subject's score, as CodeX clients rank ResearchStudy entries.
    by_study = {e["resource"]["study"]["reference"]: e["search"]["score"] for e in matches}
    for entry in bundle["entry"]:
        if entry["search"]["mode"] == "include":
            study = f"ResearchStudy/{entry['resource']['id']}"
            assert entry["search"]["score"] == by_study[study]
    assert all(s["status"] == "active" for s in studies)


async def test_other_operations_are_refused_in_r4(seeded):
    response = await seeded.post(
        "/ResearchStudy/$import",
        json={"resourceType": "Parameters"},
        headers={**FHIR_JSON, **R4_ACCEPT},
    )
    assert response.status_code == 406
    assert "$import on ResearchStudy is served in FHIR R5 only" in outcome_text(response)


async def test_the_r4_base_serves_r4_without_the_parameter(seeded):
    response = await seeded.get(f"/r4/ResearchStudy/{STUDY}")
    assert response.status_code == 200
    assert "fhirVersion=4.0" in response.headers["content-type"]
    assert_valid_r4(response.json())
    page = (await seeded.get("/r4/ResearchStudy", params={"_count": 1})).json()
    assert page["link"][0]["url"].startswith("http://fhir.test/r4/ResearchStudy?")
    assert page["entry"][0]["fullUrl"].startswith("http://fhir.test/r4/ResearchStudy/")
    assert (await seeded.get("/r4/metadata")).json()["fhirVersion"] == "4.0.1"
    assert (await seeded.get("/r4/$versions", headers={"accept": "application/json"})).json() == {
        "versions": ["4.0"],
        "default": "4.0",
    }
    r5 = await seeded.get(
        f"/r4/ResearchStudy/{STUDY}", headers={"accept": "application/fhir+json; fhirVersion=5.0"}
    )
    assert r5.status_code == 406
    r5_body = {"content-type": "application/fhir+json; fhirVersion=5.0"}
    refused = await seeded.post(
        "/r4/ResearchSubject", content=json.dumps(r4_subject()), headers=r5_body
    )
    assert refused.status_code == 415
    created = await seeded.post(
        "/r4/ResearchSubject", content=json.dumps(r4_subject()), headers=FHIR_JSON
    )
    assert created.status_code == 201, created.text
    assert created.headers["location"].startswith("http://fhir.test/r4/ResearchSubject/")


async def test_conditional_create_in_r4_takes_r4_parameter_names(seeded):
    subject = r4_subject(individual={"reference": "Patient/conditional"})
    headers = {**R4_BODY, "if-none-exist": "individual=Patient/conditional&status=candidate"}
    first = await seeded.post("/ResearchSubject", content=json.dumps(subject), headers=headers)
    assert first.status_code == 201, first.text
    again = await seeded.post("/ResearchSubject", content=json.dumps(subject), headers=headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["individual"] == {"reference": "Patient/conditional"}


async def test_vread_and_history_in_r4(seeded):
    version = await seeded.get(f"/ResearchStudy/{STUDY}/_history/1", headers=R4_ACCEPT)
    assert version.status_code == 200
    assert_valid_r4(version.json())
    history = await seeded.get(f"/ResearchStudy/{STUDY}/_history", headers=R4_ACCEPT)
    assert history.status_code == 200
    assert history.json()["type"] == "history"
    assert_valid_r4(history.json())
    assert history.json()["entry"][0]["resource"]["status"] == "active"


async def test_system_level_interactions_are_r5_only_and_refused_before_any_write(seeded):
    transaction = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:6d1c5b8e-0000-4000-8000-000000000001",
                "resource": {"resourceType": "Organization", "name": "Not in R4"},
                "request": {"method": "POST", "url": "Organization"},
            }
        ],
    }
    response = await seeded.post("/", json=transaction, headers={**FHIR_JSON, **R4_ACCEPT})
    assert response.status_code == 406
    assert "served in FHIR R5 only" in outcome_text(response)
    found = await seeded.get("/Organization", params={"name:exact": "Not in R4"})
    assert found.json()["total"] == 0
    assert (await seeded.get("/_history", headers=R4_ACCEPT)).status_code == 406
    statement = (await seeded.get("/metadata", headers=R4_ACCEPT)).json()
    assert "interaction" not in statement["rest"][0]
