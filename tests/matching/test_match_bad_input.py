"""Every malformed `$match` request is answered 4xx with an OperationOutcome that names the
problem, and nothing is stored."""

import copy

import pytest

from tests.helpers import FHIR_JSON, make_settings, running_client
from tests.matching.match_answers import MATCH, post_match
from tests.matching.match_patients import (
    bundle,
    condition,
    melanoma_patient,
    parameters,
    person,
    real_bundle,
)

PERSIST = {"name": "persist", "valueBoolean": True}


def with_entry(resource: dict) -> dict:
    patient_bundle = melanoma_patient()
    patient_bundle["entry"].append({"resource": resource})
    return patient_bundle


CASES = {
    "not a bundle or parameters": ({"resourceType": "Patient", "id": "x"}, 400, "Parameters"),
    "no patient parameter": ({"resourceType": "Parameters", "parameter": []}, 400, "'patient'"),
    "unknown parameter": (
        parameters(melanoma_patient(), {"name": "distance", "valueInteger": 5}),
        400,
        "unknown parameter 'distance'",
    ),
    "parameter name that is not a string": (
        parameters(melanoma_patient(), {"name": ["zipCode"], "valueString": "90025"}),
        400,
        "unknown parameter",
    ),
    "no patient in the bundle": (
        parameters(bundle(patient=None) | {"entry": []}),
        400,
        "no Patient",
    ),
    "two patients": (
        parameters(
            with_entry(person("p2", mrn="MRN-2")),
        ),
        400,
        "2 Patient resources",
    ),
    "resource of another patient": (
        parameters(
            with_entry(
                condition("other", "http://snomed.info/sct", "254637007", "NSCLC")
                | {"subject": {"reference": "Patient/someone-else"}}
            )
        ),
        400,
        "not this bundle's Patient",
    ),
    "observation without code": (
        parameters(
            with_entry(
                {
                    "resourceType": "Observation",
                    "id": "o",
                    "status": "final",
                    "subject": {"reference": "Patient/p1"},
                }
            )
        ),
        400,
        "Observation.code is required",
    ),
    "entry without resourceType": (parameters(with_entry({"id": "x"})), 400, "resourceType"),
    "invalid id": (
        parameters(with_entry({"resourceType": "Condition", "id": "bad id!", "subject": {}})),
        400,
        "not a valid FHIR id",
    ),
    "invalid patient": (
        parameters(bundle(patient=person() | {"gender": "robot"})),
        400,
        "Patient.gender 'robot'",
    ),
    "bundle of the wrong type": (
        parameters(melanoma_patient() | {"type": "history"}),
        400,
        "type must be one of",
    ),
    "travelRadius without a location": (
        parameters(melanoma_patient(), {"name": "travelRadius", "valueDecimal": 50}),
        400,
        "travelRadius needs a location",
    ),
    "unknown ZIP code": (
        parameters(melanoma_patient(), {"name": "zipCode", "valueString": "00000"}),
        400,
        "not a known US ZIP code",
    ),
    "unknown recruitment status": (
        parameters(melanoma_patient(), {"name": "recruitmentStatus", "valueString": "open"}),
        400,
        "recruitmentStatus 'open'",
    ),
    "count of zero": (
        parameters(melanoma_patient(), {"name": "count", "valueInteger": 0}),
        400,
        "count must be a positive integer",
    ),
    "asOf not a date": (
        parameters(melanoma_patient(), {"name": "asOf", "valueString": "yesterday"}),
        400,
        "not a full date",
    ),
    "patient given twice": (
        parameters(melanoma_patient(), {"name": "patient", "resource": melanoma_patient()}),
        400,
        "only once",
    ),
}


@pytest.fixture(scope="module")
async def client(mongo_url):
    async with running_client(make_settings(mongo_url, load_seeds=True)) as client:
        yield client


async def assert_nothing_stored(client) -> None:
    for resource_type in ("Patient", "ResearchSubject"):
        found = (await client.get(f"/{resource_type}")).json()
        assert found["total"] == 0, f"{resource_type} was stored"


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
async def test_bad_request_names_the_problem_and_stores_nothing(client, case):
    body, status, words = copy.deepcopy(CASES[case])
    if body.get("resourceType") == "Parameters":
        body["parameter"].append(PERSIST)
    response = await post_match(client, body)
    assert response.status_code == status, response.text
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert any(words in issue["diagnostics"] for issue in outcome["issue"]), outcome
    await assert_nothing_stored(client)


async def test_a_real_bundle_mixing_two_patients_is_refused(client):
    response = await post_match(client, real_bundle("codex/patient_data.json"))
    assert response.status_code == 400
    assert "is not this bundle's Patient" in response.text


async def test_body_that_is_not_json(client):
    response = await client.post(MATCH, content=b"{not json", headers=FHIR_JSON)
    assert response.status_code == 400
    assert "Malformed JSON" in response.json()["issue"][0]["diagnostics"]


async def test_unknown_url_parameter(client):
    response = await post_match(client, melanoma_patient(), params={"zip": "90025"})
    assert response.status_code == 400
    assert "zip" in response.json()["issue"][0]["diagnostics"]


async def test_get_is_not_the_way_to_match(client):
    response = await client.get(MATCH)
    assert response.status_code == 405
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_oversized_and_deeply_nested_bodies(mongo_url):
    settings = make_settings(mongo_url, max_body_bytes=20_000, max_json_depth=20)
    async with running_client(settings) as small:
        big = melanoma_patient()
        big["entry"][0]["resource"]["name"][0]["text"] = "x" * 30_000
        response = await post_match(small, big)
        assert response.status_code == 413
        nested = melanoma_patient()
        deep: dict = {}
        node = deep
        for _ in range(30):
            node["extension"] = [{"url": "urn:x"}]
            node = node["extension"][0]
        nested["entry"][0]["resource"]["extension"] = deep["extension"]
        response = await post_match(small, nested)
        assert response.status_code == 400
        assert "nested deeper" in response.json()["issue"][0]["diagnostics"]
        await assert_nothing_stored(small)


async def test_persist_needs_a_patient_identifier(client):
    patient = person()
    del patient["identifier"]
    response = await post_match(client, parameters(bundle(patient=patient), PERSIST))
    assert response.status_code == 400
    assert "identifier" in response.json()["issue"][0]["diagnostics"]
    await assert_nothing_stored(client)
