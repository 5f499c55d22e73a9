"""`ResearchStudy/$import` over HTTP, and the seed trials loaded into an empty catalog."""

import base64
import json

import httpx
import orjson
import respx

from tests.helpers import DATA, FHIR_JSON, assert_valid_fhir, make_settings, running_client

RECORD = orjson.loads(
    (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_bytes().splitlines()[0]
)
NCT = RECORD["protocolSection"]["identificationModule"]["nctId"]


def parameters(*params: dict) -> dict:
    return {"resourceType": "Parameters", "parameter": list(params)}


def values(result: dict) -> dict:
    return {p["name"]: p.get("valueInteger") for p in result["parameter"] if "valueInteger" in p}


async def test_import_a_study_given_as_json(client):
    body = parameters({"name": "study", "valueString": json.dumps(RECORD)})
    response = await client.post("/ResearchStudy/$import", json=body, headers=FHIR_JSON)
    assert response.status_code == 200, response.text
    result = response.json()
    assert_valid_fhir(result)
    assert values(result) == {"created": 1, "updated": 0, "unchanged": 0, "failed": 0}
    assert (await client.get(f"/ResearchStudy/{NCT}")).status_code == 200
    attachment = {
        "contentType": "application/json",
        "data": base64.b64encode(json.dumps(RECORD).encode()).decode(),
    }
    again = await client.post(
        "/ResearchStudy/$import",
        json=parameters({"name": "study", "valueAttachment": attachment}),
        headers=FHIR_JSON,
    )
    assert values(again.json())["unchanged"] == 1


async def test_import_by_nct_id_fetches_from_clinicaltrials_gov(client):
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"https://clinicaltrials.gov/api/v2/studies/{NCT}").mock(
            return_value=httpx.Response(200, json=RECORD)
        )
        mock.get("https://clinicaltrials.gov/api/v2/studies/NCT09999999").mock(
            return_value=httpx.Response(404, json={"message": "not found"})
        )
        body = parameters(
            {"name": "nctId", "valueString": NCT}, {"name": "nctId", "valueString": "NCT09999999"}
        )
        response = await client.post("/ResearchStudy/$import", json=body, headers=FHIR_JSON)
    assert response.status_code == 200
    result = response.json()
    assert values(result) == {"created": 1, "updated": 0, "unchanged": 0, "failed": 1}
    outcome = next(p["resource"] for p in result["parameter"] if p["name"] == "outcome")
    assert any("NCT09999999" in issue["diagnostics"] for issue in outcome["issue"])


async def test_a_study_parameter_that_is_no_study_record_fails_alone(client):
    not_a_study = {"name": "study", "valueString": json.dumps({"studies": [RECORD]})}
    mixed = parameters({"name": "study", "valueString": json.dumps(RECORD)}, not_a_study)
    response = await client.post("/ResearchStudy/$import", json=mixed, headers=FHIR_JSON)
    assert response.status_code == 200, response.text
    result = response.json()
    assert_valid_fhir(result)
    assert values(result) == {"created": 1, "updated": 0, "unchanged": 0, "failed": 1}
    outcome = next(p["resource"] for p in result["parameter"] if p["name"] == "outcome")
    [error] = [issue for issue in outcome["issue"] if issue["severity"] == "error"]
    assert "study parameter[1]" in error["diagnostics"]
    assert "no protocolSection" in error["diagnostics"]

    alone = await client.post(
        "/ResearchStudy/$import", json=parameters(not_a_study), headers=FHIR_JSON
    )
    assert alone.status_code == 422
    assert values(alone.json())["failed"] == 1
    assert (await client.get("/ResearchStudy")).json()["total"] == 1


async def test_import_rejects_bad_parameters(client):
    good = {"name": "study", "valueString": json.dumps(RECORD)}
    for body, says in (
        ({"resourceType": "Patient"}, "expects a Parameters resource"),
        (parameters(), "at least one"),
        (parameters({"name": "colour", "valueString": "red"}), "unknown parameter 'colour'"),
        (parameters({"name": "study", "valueString": "{not json"}), "study is not JSON"),
        ({"resourceType": "Parameters", "parameter": good}, "must be a list"),
        (parameters(good, "NCT05361174"), "parameter[1] must be an object"),
        (parameters({"name": "study", "valueString": 5}), "needs a valueString or a"),
        (parameters({"name": "study", "valueAttachment": "e30="}), "needs a valueString or a"),
        (parameters({"name": "study", "valueAttachment": {"data": 5}}), "not JSON"),
        (parameters({"name": "study", "valueAttachment": {"data": "%%"}}), "not base64"),
        (parameters({"name": "nctId", "valueInteger": 5}), "nctId needs a valueString"),
        (parameters({"name": "nctId", "valueIdentifier": "NCT05361174"}), "nctId needs a"),
        (parameters({"name": "nctId", "valueString": ["NCT05361174"]}), "nctId needs a"),
    ):
        response = await client.post("/ResearchStudy/$import", json=body, headers=FHIR_JSON)
        assert response.status_code == 400, (body, response.text)
        outcome = response.json()
        assert outcome["resourceType"] == "OperationOutcome"
        assert says in outcome["issue"][0]["diagnostics"], (body, outcome)
    # A malformed request imports nothing, not even its well-formed studies.
    assert (await client.get("/ResearchStudy")).json()["total"] == 0


async def test_operations_are_invoked_with_post(client):
    for operation in ("$import", "$match"):
        response = await client.get(f"/ResearchStudy/{operation}")
        assert response.status_code == 405
        assert response.headers["Allow"] == "POST"
        assert response.json()["issue"][0]["code"] == "not-supported"


async def test_import_is_listed_in_the_capability_statement(client):
    statement = (await client.get("/metadata")).json()
    study = next(r for r in statement["rest"][0]["resource"] if r["type"] == "ResearchStudy")
    assert "import" in {op["name"] for op in study["operation"]}
    assert (await client.get("/ResearchStudy/$nothing")).status_code == 404


async def test_an_empty_catalog_starts_with_the_two_seed_trials(mongo_url):
    settings = make_settings(mongo_url, load_seeds=True)
    async with running_client(settings, keep=True) as client:
        bundle = (await client.get("/ResearchStudy", params={"_sort": "_id"})).json()
        assert [e["resource"]["id"] for e in bundle["entry"]] == ["NCT05361174", "NCT05398640"]
        # Imported resources are searchable like any other.
        found = (
            await client.get(
                "/ResearchStudy",
                params={
                    "identifier": "https://clinicaltrials.gov|NCT05398640",
                    "recruitment-status": "AVAILABLE",
                },
            )
        ).json()
        assert [e["resource"]["id"] for e in found["entry"]] == ["NCT05398640"]
        melanoma = (await client.get("/ResearchStudy", params={"title": "a study"})).json()
        assert "NCT05361174" in [e["resource"]["id"] for e in melanoma["entry"]]
        sites = (await client.get("/Location", params={"address-state": "florida"})).json()
        assert sites["total"] >= 1
        await client.delete("/ResearchStudy/NCT05398640")
    # A catalog that has studies (even only deleted ones) is left alone on the next start.
    async with running_client(
        make_settings(mongo_url, load_seeds=True, database=settings.database)
    ) as client:
        assert (await client.get("/ResearchStudy/NCT05398640")).status_code == 410
