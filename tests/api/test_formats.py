from tests.helpers import FHIR_JSON, research_study


async def test_format_json_and_pretty_printing(client):
    created = (await client.post("/ResearchStudy", json=research_study(), headers=FHIR_JSON)).json()
    compact = await client.get(f"/ResearchStudy/{created['id']}", params={"_format": "json"})
    pretty = await client.get(f"/ResearchStudy/{created['id']}", params={"_pretty": "true"})
    assert compact.status_code == pretty.status_code == 200
    assert b"\n" not in compact.content
    assert b'\n  "resourceType"' in pretty.content
    assert compact.json() == pretty.json()
    fhir_format = await client.get("/metadata", params={"_format": "application/fhir+json"})
    assert fhir_format.status_code == 200


async def test_xml_is_not_acceptable(client):
    response = await client.get("/metadata", params={"_format": "xml"})
    assert response.status_code == 406
    assert response.json()["resourceType"] == "OperationOutcome"
    by_header = await client.get("/metadata", headers={"Accept": "application/fhir+xml"})
    assert by_header.status_code == 406
    browser = await client.get("/metadata", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 200
