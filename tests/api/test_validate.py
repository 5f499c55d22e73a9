"""`$validate` (FHIR R5 Resource-validate): 200 with an OperationOutcome, nothing stored."""

from tests.helpers import FHIR_JSON, assert_valid_fhir, research_study

VALID = research_study(title="Valid")
INVALID = research_study(title=42, phase={"coding": "not a list"})


def parameters(resource: dict | None = None, mode: str | None = None, **extra) -> dict:
    entries = []
    if resource is not None:
        entries.append({"name": "resource", "resource": resource})
    if mode is not None:
        entries.append({"name": "mode", "valueCode": mode})
    for name, value in extra.items():
        entries.append({"name": name, **value})
    return {"resourceType": "Parameters", "parameter": entries}


def severities(outcome: dict) -> set[str]:
    return {issue["severity"] for issue in outcome["issue"]}


async def stored_count(client, resource_type="ResearchStudy") -> int:
    return (await client.get(f"/{resource_type}", params={"_summary": "count"})).json()["total"]


async def test_a_valid_resource_is_all_ok_and_nothing_is_stored(client):
    for body in (VALID, parameters(VALID), parameters(VALID, "create")):
        response = await client.post("/ResearchStudy/$validate", json=body, headers=FHIR_JSON)
        assert response.status_code == 200, response.text
        outcome = response.json()
        assert_valid_fhir(outcome)
        assert severities(outcome) == {"information"}
        assert "All OK" in outcome["issue"][0]["diagnostics"]
    assert await stored_count(client) == 0


async def test_an_invalid_resource_is_200_with_its_issues(client):
    response = await client.post("/ResearchStudy/$validate", json=INVALID, headers=FHIR_JSON)
    assert response.status_code == 200
    outcome = response.json()
    assert_valid_fhir(outcome)
    assert severities(outcome) == {"error"}
    paths = {e for issue in outcome["issue"] for e in issue.get("expression", [])}
    assert "ResearchStudy.title" in paths
    assert await stored_count(client) == 0
    wrong_type = await client.post(
        "/ResearchStudy/$validate", json={"resourceType": "Patient"}, headers=FHIR_JSON
    )
    assert wrong_type.status_code == 200
    assert "is a Patient" in wrong_type.json()["issue"][0]["diagnostics"]


async def test_update_and_delete_modes_on_an_instance(client):
    created = (await client.post("/ResearchStudy", json=VALID, headers=FHIR_JSON)).json()
    rid = created["id"]
    update = await client.post(
        f"/ResearchStudy/{rid}/$validate",
        json=parameters({**VALID, "id": rid, "title": "Changed"}, "update"),
        headers=FHIR_JSON,
    )
    assert update.status_code == 200
    assert severities(update.json()) == {"information"}
    wrong_id = await client.post(
        f"/ResearchStudy/{rid}/$validate",
        json=parameters({**VALID, "id": "other"}, "update"),
        headers=FHIR_JSON,
    )
    assert severities(wrong_id.json()) == {"error"}
    delete = await client.post(
        f"/ResearchStudy/{rid}/$validate", json=parameters(mode="delete"), headers=FHIR_JSON
    )
    assert severities(delete.json()) == {"information"}
    unknown = await client.post(
        "/ResearchStudy/nobody/$validate", json=parameters(mode="delete"), headers=FHIR_JSON
    )
    assert unknown.status_code == 200
    assert unknown.json()["issue"][0]["code"] == "not-found"
    current = (await client.get(f"/ResearchStudy/{rid}")).json()
    assert current == created  # nothing changed, nothing deleted


async def test_read_only_types_fail_write_modes(client):
    event = {
        "resourceType": "AuditEvent",
        "code": {"text": "x"},
        "recorded": "2026-01-01T00:00:00Z",
        "agent": [{"who": {"display": "me"}}],
        "source": {"observer": {"display": "server"}},
    }
    general = await client.post("/AuditEvent/$validate", json=event, headers=FHIR_JSON)
    assert severities(general.json()) == {"information"}, general.text
    create = await client.post(
        "/AuditEvent/$validate", json=parameters(event, "create"), headers=FHIR_JSON
    )
    assert "read-only" in create.json()["issue"][0]["diagnostics"]


async def test_malformed_requests_are_400(client):
    cases = [
        parameters(VALID, "update"),  # update needs an instance
        parameters(mode="create"),  # no resource
        parameters(VALID, "bogus"),
        parameters(VALID, profile={"valueCanonical": "http://example.org/StructureDefinition/x"}),
        {"resourceType": "Parameters", "parameter": [{"name": "nonsense", "valueString": "x"}]},
    ]
    for body in cases:
        response = await client.post("/ResearchStudy/$validate", json=body, headers=FHIR_JSON)
        assert response.status_code == 400, (body, response.text)
    base = parameters(
        VALID, profile={"valueCanonical": "http://hl7.org/fhir/StructureDefinition/ResearchStudy"}
    )
    ok = await client.post("/ResearchStudy/$validate", json=base, headers=FHIR_JSON)
    assert ok.status_code == 200
    get = await client.get("/ResearchStudy/$validate")
    assert get.status_code == 405
    assert get.headers["allow"] == "POST"
    assert (
        await client.post("/ResearchStudy/x/$match", json=VALID, headers=FHIR_JSON)
    ).status_code == 404


async def test_validate_is_in_the_capability_statement_and_served(client):
    statement = (await client.get("/metadata")).json()
    for resource in statement["rest"][0]["resource"]:
        assert {
            "name": "validate",
            "definition": "http://hl7.org/fhir/OperationDefinition/Resource-validate",
        } in resource["operation"], resource["type"]
    definition = await client.get("/OperationDefinition/Resource-validate")
    assert definition.status_code == 200
    assert definition.json()["url"] == "http://hl7.org/fhir/OperationDefinition/Resource-validate"
