from fhirtrial.resources.registry import RESOURCE_TYPES
from tests.helpers import assert_valid_fhir

REQUIRED_TYPES = {
    "ResearchStudy",
    "PlanDefinition",
    "EvidenceVariable",
    "ResearchSubject",
    "Group",
    "Location",
    "Organization",
    "Practitioner",
    "Patient",
}


async def test_capability_statement_is_valid_r5_and_lists_every_served_type(client):
    response = await client.get("/metadata")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    statement = response.json()
    assert_valid_fhir(statement)
    assert statement["fhirVersion"] == "5.0.0"
    assert "application/fhir+json" in statement["format"]
    types = {r["type"] for r in statement["rest"][0]["resource"]}
    assert types >= REQUIRED_TYPES
    assert types == set(RESOURCE_TYPES)


async def test_capability_statement_advertises_interactions_and_search_params(client):
    statement = (await client.get("/metadata")).json()
    study = next(r for r in statement["rest"][0]["resource"] if r["type"] == "ResearchStudy")
    interactions = {i["code"] for i in study["interaction"]}
    assert {
        "read",
        "vread",
        "create",
        "update",
        "delete",
        "history-instance",
        "history-type",
        "search-type",
    } <= interactions
    params = {p["name"]: p for p in study["searchParam"]}
    for name in (
        "_id",
        "_lastUpdated",
        "identifier",
        "status",
        "title",
        "condition",
        "keyword",
        "phase",
    ):
        assert name in params
    assert params["condition"]["type"] == "token"
    assert params["condition"]["definition"] == (
        "http://hl7.org/fhir/SearchParameter/ResearchStudy-condition"
    )
    subject = next(r for r in statement["rest"][0]["resource"] if r["type"] == "ResearchSubject")
    assert {"study", "subject", "patient", "status"} <= {p["name"] for p in subject["searchParam"]}


async def test_search_rev_include_lists_the_revincludes_that_work(client):
    statement = (await client.get("/metadata")).json()
    by_type = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert "ResearchSubject:study" in by_type["ResearchStudy"]["searchRevInclude"]
    assert "ResearchSubject:patient" in by_type["Patient"]["searchRevInclude"]
    assert "ResearchSubject:study" not in by_type["Patient"]["searchRevInclude"]
    for name, resource in by_type.items():
        for value in resource.get("searchRevInclude", []):
            response = await client.get(f"/{name}", params={"_revinclude": value})
            assert response.status_code == 200, (name, value, response.text)
    study = {"resourceType": "ResearchStudy", "id": "s1", "status": "active"}
    subject = {
        "resourceType": "ResearchSubject",
        "id": "rs1",
        "status": "active",
        "study": {"reference": "ResearchStudy/s1"},
        "subject": {"reference": "Patient/p1"},
    }
    headers = {"content-type": "application/fhir+json"}
    for resource in (study, subject):
        url = f"/{resource['resourceType']}/{resource['id']}"
        assert (await client.put(url, json=resource, headers=headers)).status_code == 201
    bundle = (
        await client.get("/ResearchStudy", params={"_revinclude": "ResearchSubject:study"})
    ).json()
    assert {(e["resource"]["id"], e["search"]["mode"]) for e in bundle["entry"]} == {
        ("s1", "match"),
        ("rs1", "include"),
    }
