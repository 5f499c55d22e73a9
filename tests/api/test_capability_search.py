"""The CapabilityStatement lists the search features beyond one parameter: system-level search
and history, chaining, `_has`, `_revinclude`, `:iterate`, `:text` and `near`."""

from tests.helpers import assert_valid_fhir


async def _statement(client) -> dict:
    response = await client.get("/metadata")
    assert response.status_code == 200
    statement = response.json()
    assert_valid_fhir(statement)
    return statement


def _resource(statement, name) -> dict:
    return next(r for r in statement["rest"][0]["resource"] if r["type"] == name)


def _param(resource, name) -> dict:
    return next(p for p in resource["searchParam"] if p["name"] == name)


async def test_system_search_and_history_are_listed(client):
    rest = (await _statement(client))["rest"][0]
    assert {"search-system", "history-system"} <= {i["code"] for i in rest["interaction"]}
    assert {"_id", "_lastUpdated", "_type"} <= {p["name"] for p in rest["searchParam"]}


async def test_chains_has_revinclude_text_and_near_are_listed(client):
    statement = await _statement(client)
    subject = _resource(statement, "ResearchSubject")
    assert "ResearchStudy" in _param(subject, "study")["documentation"]
    assert "Chains" in _param(subject, "study")["documentation"]
    assert ":text" in _param(subject, "status")["documentation"]
    study = _resource(statement, "ResearchStudy")
    assert "ResearchSubject:study" in study["searchRevInclude"]
    assert "ResearchSubject:study" in _param(study, "_has")["documentation"]
    assert ":iterate" in study["documentation"]
    patient = _resource(statement, "Patient")
    assert "ResearchSubject:patient" in patient["searchRevInclude"]
    assert _param(_resource(statement, "Location"), "near")["type"] == "special"
    # AuditEvent.entity may refer to any type.
    assert "AuditEvent:entity" in _resource(statement, "CodeSystem")["searchRevInclude"]
    assert "ResearchSubject:study" not in _resource(statement, "CodeSystem")["searchRevInclude"]
