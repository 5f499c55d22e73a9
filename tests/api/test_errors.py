import json

import pytest

from tests.helpers import FHIR_JSON, make_settings, research_study, running_client


def outcome(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    issue = body["issue"][0]
    assert issue["severity"] in ("error", "fatal")
    assert issue["code"]
    assert issue["diagnostics"]
    return body


async def assert_nothing_stored(client):
    for resource_type in ("ResearchStudy", "Patient"):
        assert (await client.get(f"/{resource_type}")).json()["total"] == 0


async def test_malformed_json_is_a_400_naming_the_problem(client):
    response = await client.post(
        "/ResearchStudy", content=b'{"resourceType": "ResearchStudy",', headers=FHIR_JSON
    )
    assert "Malformed JSON" in outcome(response, 400)["issue"][0]["diagnostics"]
    await assert_nothing_stored(client)


async def test_body_that_is_not_an_object_is_rejected(client):
    response = await client.post("/ResearchStudy", content=b"[1, 2]", headers=FHIR_JSON)
    outcome(response, 400)
    empty = await client.post("/ResearchStudy", content=b"", headers=FHIR_JSON)
    outcome(empty, 400)


async def test_wrong_resource_type_for_the_url_is_a_400(client):
    response = await client.post(
        "/ResearchStudy", json={"resourceType": "Patient"}, headers=FHIR_JSON
    )
    assert "Patient" in outcome(response, 400)["issue"][0]["diagnostics"]
    await assert_nothing_stored(client)


async def test_put_with_mismatched_or_missing_id_is_a_400(client):
    mismatch = await client.put("/ResearchStudy/a", json=research_study(id="b"), headers=FHIR_JSON)
    assert "does not match" in outcome(mismatch, 400)["issue"][0]["diagnostics"]
    missing = await client.put("/ResearchStudy/a", json=research_study(), headers=FHIR_JSON)
    outcome(missing, 400)
    await assert_nothing_stored(client)


async def test_invalid_resource_is_a_422_with_element_paths(client):
    invalid = research_study(phase={"coding": [{"system": 42}]}, bogus=True, status="finished")
    response = await client.post("/ResearchStudy", json=invalid, headers=FHIR_JSON)
    issues = outcome(response, 422)["issue"]
    expressions = {e for issue in issues for e in issue.get("expression", [])}
    assert "ResearchStudy.phase.coding[0].system" in expressions
    assert "ResearchStudy.bogus" in expressions
    assert "ResearchStudy.status" in expressions
    await assert_nothing_stored(client)


WRONGLY_TYPED = {
    # fhir.resources' own validator raised AttributeError here (a 500 before).
    "number as a url": (
        "ResearchStudy",
        research_study(relatedArtifact=[{"type": "documentation", "document": {"url": 5}}]),
        "ResearchStudy.relatedArtifact[0].document.url",
    ),
    # The required-binding check compared unhashable values with its code sets.
    "list as a bound code": ("Patient", {"resourceType": "Patient", "gender": ["female"]}, None),
    "object as a bound code": ("ResearchStudy", research_study(status={"a": 1}), None),
    # The models accept JSON nulls, which then broke writing the resource.
    "null id": ("Patient", {"resourceType": "Patient", "id": None}, "Patient.id"),
    "null inside": (
        "Patient",
        {"resourceType": "Patient", "name": [{"family": "Roe", "given": None}]},
        "Patient.name[0].given",
    ),
    "null in an array": (
        "Patient",
        {"resourceType": "Patient", "name": [{"given": [None, "Ann"]}]},
        "Patient.name[0].given[0]",
    ),
}


@pytest.mark.parametrize("case", WRONGLY_TYPED, ids=list(WRONGLY_TYPED))
async def test_a_wrongly_typed_value_is_a_422_naming_its_element(client, case):
    resource_type, resource, element = WRONGLY_TYPED[case]
    response = await client.post(f"/{resource_type}", json=resource, headers=FHIR_JSON)
    issues = outcome(response, 422)["issue"]
    if element is not None:
        assert element in {e for issue in issues for e in issue.get("expression", [])}, issues
    await assert_nothing_stored(client)


async def test_nulls_that_line_primitives_up_with_their_extensions_are_fhir_json(client):
    extension = {"extension": [{"url": "http://example.org/nickname", "valueBoolean": True}]}
    patient = {
        "resourceType": "Patient",
        "name": [{"given": [None, "Ann"], "_given": [extension, None]}],
    }
    response = await client.post("/Patient", json=patient, headers=FHIR_JSON)
    assert response.status_code == 201, response.text
    assert response.json()["name"][0]["_given"][0] == extension


async def test_invalid_update_leaves_the_current_version_untouched(client):
    created = (
        await client.post("/ResearchStudy", json=research_study(title="good"), headers=FHIR_JSON)
    ).json()
    bad = {**created, "period": {"start": "2020-13-45"}}
    outcome(await client.put(f"/ResearchStudy/{created['id']}", json=bad, headers=FHIR_JSON), 422)
    current = (await client.get(f"/ResearchStudy/{created['id']}")).json()
    assert current == created
    history = (await client.get(f"/ResearchStudy/{created['id']}/_history")).json()
    assert history["total"] == 1


async def test_unsupported_resource_type_is_a_404(client):
    outcome(await client.get("/Observation"), 404)
    outcome(
        await client.post("/Spaceship", json={"resourceType": "Spaceship"}, headers=FHIR_JSON), 404
    )
    outcome(await client.get("/ResearchStudy/nope"), 404)


async def test_unsupported_media_type_is_a_415(client):
    response = await client.post(
        "/ResearchStudy",
        content=b"<ResearchStudy/>",
        headers={"content-type": "application/fhir+xml"},
    )
    outcome(response, 415)
    await assert_nothing_stored(client)


async def test_application_json_is_accepted_as_well(client):
    response = await client.post(
        "/ResearchStudy",
        json=research_study(),
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 201


async def test_unknown_route_and_method_give_operation_outcomes(client):
    outcome(await client.get("/ResearchStudy/a/b/c/d"), 404)
    outcome(await client.post("/ResearchStudy/a", json={}), 405)  # PATCH is served now


@pytest.mark.parametrize("depth", [65, 2000])
async def test_json_nested_too_deep_is_a_400(client, depth):
    nested = "[" * depth + "]" * depth
    body = f'{{"resourceType": "ResearchStudy", "status": "active", "extension": {nested}}}'
    response = await client.post("/ResearchStudy", content=body.encode(), headers=FHIR_JSON)
    assert "nested deeper" in outcome(response, 400)["issue"][0]["diagnostics"]
    await assert_nothing_stored(client)


async def test_body_over_the_limit_is_a_413(mongo_url):
    settings = make_settings(mongo_url, max_body_bytes=2048)
    async with running_client(settings) as client:
        big = research_study(description="x" * 4096)
        outcome(await client.post("/ResearchStudy", json=big, headers=FHIR_JSON), 413)

        # Also without a Content-Length header (chunked upload).
        async def chunks():
            yield json.dumps(big).encode()

        response = await client.post("/ResearchStudy", content=chunks(), headers=FHIR_JSON)
        outcome(response, 413)
        await assert_nothing_stored(client)
        small = await client.post("/ResearchStudy", json=research_study(), headers=FHIR_JSON)
        assert small.status_code == 201


async def test_bad_if_match_header_is_a_400(client):
    created = (await client.post("/ResearchStudy", json=research_study(), headers=FHIR_JSON)).json()
    response = await client.put(
        f"/ResearchStudy/{created['id']}",
        json=created,
        headers={**FHIR_JSON, "If-Match": "yesterday"},
    )
    outcome(response, 400)


async def test_a_wide_body_that_crashes_the_models_still_gets_its_422(client):
    # Locating the element is capped (200 validations of parts): past that, the array is named.
    artifacts = [{"type": "documentation", "label": "x"}] * 1000
    artifacts.append({"type": "documentation", "document": {"url": 5}})
    response = await client.post(
        "/ResearchStudy", json=research_study(relatedArtifact=artifacts), headers=FHIR_JSON
    )
    issues = outcome(response, 422)["issue"]
    assert issues[0]["expression"] == ["ResearchStudy.relatedArtifact"]
    await assert_nothing_stored(client)
