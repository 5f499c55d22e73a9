"""`$export` with authorization required: a bearer token to kick off, poll and download; a
system-level token exports everyone's data, a patient-level token the public catalog and its
own compartment only; another client cannot see an export that is not its own."""

import time

from fhirtrial.auth.policy import PUBLIC_TYPES
from tests.auth.test_auth_access import as_patient, as_user, hospital  # noqa: F401 (fixture)
from tests.export.export_client import KICK_OFF, download, exported, kick_off, manifest
from tests.helpers import assert_valid_fhir

# Signed when pytest collects the module, possibly long before these tests run: it lasts the day.
SYSTEM = as_user("system/*.read", sub=None, azp="registry", exp=int(time.time()) + 86_400)
DATA_TYPES = "ResearchStudy,Patient,ResearchSubject,Group"


def _ids(by_type) -> list[str]:
    return sorted(f"{t}/{r['id']}" for t, resources in by_type.items() for r in resources)


async def test_anonymous_callers_cannot_kick_off_poll_or_download(hospital):  # noqa: F811
    client, _ = hospital
    refused = await client.get("/$export", headers=KICK_OFF)
    assert refused.status_code == 401
    assert refused.json()["resourceType"] == "OperationOutcome"
    status_url = await kick_off(client, SYSTEM, _type="ResearchStudy")
    found = await manifest(client, status_url, SYSTEM)
    assert found["requiresAccessToken"] is True
    for url in (status_url, found["output"][0]["url"]):
        anonymous = await client.get(url)
        assert anonymous.status_code == 401
        assert anonymous.json()["resourceType"] == "OperationOutcome"
    assert (await client.delete(status_url)).status_code == 401


async def test_a_system_token_exports_every_patient(hospital):  # noqa: F811
    client, _ = hospital
    by_type = await exported(client, SYSTEM, _type=DATA_TYPES)
    assert _ids(by_type) == [
        "Group/g1",
        "Patient/p1",
        "Patient/p2",
        "ResearchStudy/s1",
        "ResearchSubject/rs1",
        "ResearchSubject/rs2",
    ]
    for resources in by_type.values():
        for resource in resources:
            assert_valid_fhir(resource)


async def test_a_patient_token_exports_only_its_own_compartment(hospital):  # noqa: F811
    client, _ = hospital
    mine = as_patient("p1", "patient/*.rs")
    by_type = await exported(client, mine, _type=DATA_TYPES)
    assert _ids(by_type) == ["Group/g1", "Patient/p1", "ResearchStudy/s1", "ResearchSubject/rs1"]
    # Without _type, the same: the catalog is public, the rest is its compartment.
    everything = await exported(client, mine)
    assert not {"Patient/p2", "ResearchSubject/rs2"} & set(_ids(everything))
    # A filter cannot widen the compartment.
    filtered = await exported(
        client, mine, _type="ResearchSubject", _typeFilter="ResearchSubject?patient=Patient/p2"
    )
    assert filtered == {}
    # Nor can a join: which studies hold another patient is not this patient's to know.
    joined = await client.get(
        "/$export",
        params={
            "_type": "ResearchStudy",
            "_typeFilter": "ResearchStudy?_has:ResearchSubject:study:patient=Patient/p2",
        },
        headers={**KICK_OFF, **mine},
    )
    assert joined.status_code == 403, joined.text
    assert joined.json()["resourceType"] == "OperationOutcome"


async def test_a_token_without_the_scope_of_a_type_asked_for_is_403(hospital):  # noqa: F811
    client, _ = hospital
    studies_only = as_user("system/ResearchStudy.read", sub=None, azp="registry")
    refused = await client.get(
        "/$export", params={"_type": "Patient"}, headers={**KICK_OFF, **studies_only}
    )
    assert refused.status_code == 403
    assert refused.json()["resourceType"] == "OperationOutcome"
    by_type = await exported(client, studies_only)
    # The public types only (catalog, conformance resources, the subscription topic).
    assert set(by_type) <= PUBLIC_TYPES
    assert "ResearchStudy" in by_type


async def test_another_client_cannot_poll_download_or_cancel_an_export(hospital):  # noqa: F811
    client, _ = hospital
    status_url = await kick_off(client, SYSTEM, _type="Patient")
    found = await manifest(client, status_url, SYSTEM)
    other = as_user("system/*.read", sub=None, azp="someone-else")
    file_url = found["output"][0]["url"]
    for method, url in (("GET", status_url), ("GET", file_url), ("DELETE", status_url)):
        response = await client.request(method, url, headers=other)
        assert response.status_code == 404, (method, url)
    patients = await download(client, file_url, SYSTEM)
    assert sorted(p["id"] for p in patients) == ["p1", "p2"]


async def test_downloads_of_patient_data_are_audited(hospital):  # noqa: F811
    client, app = hospital
    status_url = await kick_off(client, SYSTEM, _type="Patient,ResearchStudy")
    found = await manifest(client, status_url, SYSTEM)
    for output in found["output"]:
        await download(client, output["url"], SYSTEM)
    db = app.state.context.repository.database.db
    events = [doc["res"] async for doc in db["AuditEvent"].find({"del": False})]
    texts = [e["code"].get("text") for e in events]
    assert texts.count("$export") == 1
    assert texts.count("$export-file") == 1  # the Patient file; the catalog is not audited
    kick = next(e for e in events if e["code"].get("text") == "$export")
    assert kick["agent"][0]["who"]
