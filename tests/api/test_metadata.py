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
