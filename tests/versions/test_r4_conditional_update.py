"""A conditional update under the R4 base reads its body as R4, as a create or update by id does."""

from tests.helpers import FHIR_JSON

R4_SUBJECT = {
    "resourceType": "ResearchSubject",
    "status": "on-study",
    "individual": {"reference": "Patient/x"},
    "study": {"reference": "ResearchStudy/x"},
    "identifier": [{"system": "urn:test", "value": "cond-1"}],
}


async def test_an_r4_conditional_update_under_r4_is_converted_and_stored(client):
    response = await client.put(
        "/r4/ResearchSubject",
        params={"identifier": "urn:test|cond-1"},
        json=R4_SUBJECT,
        headers=FHIR_JSON,
    )
    assert response.status_code == 201, response.text
    assert response.json()["individual"] == {"reference": "Patient/x"}
    stored = await client.get(f"/ResearchSubject/{response.json()['id']}")
    assert stored.json()["subject"] == {"reference": "Patient/x"}
