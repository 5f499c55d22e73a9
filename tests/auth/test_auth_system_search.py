"""System-level search and history, chaining and `_has` with authorization required: a
patient-level token sees its own compartment only, anonymous callers the public catalog."""

from tests.auth.test_auth_access import ADMIN, as_patient, hospital  # noqa: F401 (fixture)


def _keys(bundle) -> list[str]:
    return sorted(
        f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in bundle["entry"]
        if e["search"]["mode"] == "match"
    )


async def test_anonymous_system_search_reaches_the_public_catalog_only(hospital):  # noqa: F811
    client, _ = hospital
    response = await client.get("/", params={"_count": 1000})
    assert response.status_code == 200
    types = {k.partition("/")[0] for k in _keys(response.json())}
    assert "ResearchStudy" in types
    assert not types & {"Patient", "ResearchSubject", "Group", "AuditEvent"}
    refused = await client.get("/", params={"_type": "ResearchStudy,Patient"})
    assert refused.status_code == 401
    assert refused.json()["resourceType"] == "OperationOutcome"


async def test_patient_token_system_search_is_confined_to_its_compartment(hospital):  # noqa: F811
    client, _ = hospital
    mine = as_patient("p1", "patient/*.rs")
    params = {"_type": "Patient,ResearchSubject,Group"}
    response = await client.get("/", params=params, headers=mine)
    assert response.status_code == 200, response.text
    assert _keys(response.json()) == ["Group/g1", "Patient/p1", "ResearchSubject/rs1"]
    admin = await client.get("/", params=params, headers=ADMIN)
    assert _keys(admin.json()) == [
        "Group/g1",
        "Patient/p1",
        "Patient/p2",
        "ResearchSubject/rs1",
        "ResearchSubject/rs2",
    ]


async def test_system_history_needs_unconfined_scopes(hospital):  # noqa: F811
    client, _ = hospital
    mine = as_patient("p1", "patient/*.rs")
    refused = await client.get("/_history", params={"_type": "Patient"}, headers=mine)
    assert refused.status_code == 403
    assert refused.json()["resourceType"] == "OperationOutcome"
    anonymous = await client.get("/_history", params={"_type": "Patient"})
    assert anonymous.status_code == 401
    admin = await client.get("/_history", params={"_type": "Patient"}, headers=ADMIN)
    assert admin.status_code == 200
    assert admin.json()["total"] == 2


async def test_chains_and_has_are_confined_like_the_search_they_join(hospital):  # noqa: F811
    client, _ = hospital
    mine = as_patient("p1", "patient/*.rs")
    other = {"_has:ResearchSubject:study:patient": "Patient/p2"}
    admin = await client.get("/ResearchStudy", params=other, headers=ADMIN)
    assert _keys(admin.json()) == ["ResearchStudy/s1"]
    # p1's token: the inner ResearchSubject search is confined to p1's compartment.
    confined = await client.get("/ResearchStudy", params=other, headers=mine)
    assert confined.status_code == 200
    assert _keys(confined.json()) == []
    # Anonymous: the public ResearchStudy, but the joined ResearchSubjects need a token.
    anonymous = await client.get("/ResearchStudy", params=other)
    assert anonymous.status_code == 401
    chained = await client.get("/ResearchSubject", params={"patient.gender": "male"}, headers=mine)
    assert _keys(chained.json()) == []
    assert _keys(
        (
            await client.get("/ResearchSubject", params={"patient.gender": "male"}, headers=ADMIN)
        ).json()
    ) == ["ResearchSubject/rs2"]
