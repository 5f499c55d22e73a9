"""`:identifier` on reference parameters: a Reference found by the identifier it carries
(`ResearchSubject?patient:identifier=system|value`), as FHIR search defines it."""

from tests.helpers import FHIR_JSON

MRN = "urn:oid:2.16.840.1.113883.19.5"


def subject(rid: str, mrn: str | None, reference: str | None = None, **who: str) -> dict:
    if reference:
        who["reference"] = reference
    if mrn:
        who["identifier"] = {"system": MRN, "value": mrn}
    return {
        "resourceType": "ResearchSubject",
        "id": rid,
        "status": "active",
        "study": {"reference": "ResearchStudy/NCT05361174"},
        "subject": who,
    }


async def found(client, **params) -> list[str]:
    response = await client.get("/ResearchSubject", params=params)
    assert response.status_code == 200, response.text
    return sorted(e["resource"]["id"] for e in response.json().get("entry", []))


async def test_a_reference_is_found_by_the_identifier_it_carries(client):
    for body in (
        subject("by-identifier", "MRN-1"),
        subject("by-both", "MRN-2", reference="Patient/p2"),
        subject("by-reference", None, reference="Patient/p3"),
        subject("a-group", "MRN-3", type="Group"),
    ):
        response = await client.put(f"/ResearchSubject/{body['id']}", json=body, headers=FHIR_JSON)
        assert response.status_code == 201, response.text

    assert await found(client, **{"patient:identifier": f"{MRN}|MRN-1"}) == ["by-identifier"]
    assert await found(client, **{"subject:identifier": f"{MRN}|MRN-1"}) == ["by-identifier"]
    assert await found(client, **{"subject:identifier": "MRN-2"}) == ["by-both"]
    assert await found(client, **{"subject:identifier": f"{MRN}|MRN-1,{MRN}|MRN-2"}) == [
        "by-both",
        "by-identifier",
    ]
    assert await found(client, **{"subject:identifier": f"{MRN}|MRN-9"}) == []
    assert await found(client, **{"subject:identifier": "urn:other|MRN-1"}) == []
    assert await found(client, subject="Patient/p2") == ["by-both"]
    # A Reference that says it points at a Group is not found as a Patient.
    assert await found(client, **{"subject:identifier": "MRN-3"}) == ["a-group"]
    assert await found(client, **{"patient:identifier": "MRN-3"}) == []


async def test_identifier_is_refused_where_it_does_not_apply(client):
    response = await client.get("/ResearchSubject", params={"status:identifier": "x"})
    assert response.status_code == 400
    assert response.json()["issue"][0]["code"] == "not-supported"
