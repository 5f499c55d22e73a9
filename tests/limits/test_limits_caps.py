"""Work caps: a `$match` record too large in bytes or resources is refused with 413 before any
work (nothing stored), and `_include`/`_revinclude` add at most FHIRTRIAL_MAX_INCLUDED resources
to a page, with a warning that says so."""

import orjson
import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir, make_settings, running_client
from tests.matching.match_answers import MATCH, post_match
from tests.matching.match_patients import melanoma_patient, parameters

PERSIST = {"name": "persist", "valueBoolean": True}


def observations(count: int, *, note: str = "") -> list[dict]:
    extra = {"note": [{"text": note}]} if note else {}
    return [
        {
            "fullUrl": f"urn:uuid:obs-{i}",
            "resource": {
                "resourceType": "Observation",
                "id": f"obs-{i}",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                "subject": {"reference": "Patient/p1"},
                "valueQuantity": {"value": 72, "unit": "/min"},
                **extra,
            },
        }
        for i in range(count)
    ]


def outcome(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert_valid_fhir(body)
    return body


async def assert_nothing_stored(client) -> None:
    for resource_type in ("Patient", "ResearchSubject"):
        found = (await client.get(f"/{resource_type}")).json()
        assert found["total"] == 0, f"{resource_type} was stored"


@pytest.fixture(scope="module")
async def small_caps(mongo_url):
    settings = make_settings(mongo_url, match_max_resources=20, match_max_bytes=20_000)
    async with running_client(settings) as client:
        yield client


async def test_a_record_with_more_resources_than_the_cap_is_a_413_and_stores_nothing(
    small_caps,
):
    record = melanoma_patient()
    record["entry"] += observations(25)
    body = outcome(await post_match(small_caps, parameters(record, PERSIST)), 413)
    issue = body["issue"][0]
    assert issue["code"] == "too-costly"
    assert "at most 20" in issue["diagnostics"]
    assert "FHIRTRIAL_MATCH_MAX_RESOURCES" in issue["diagnostics"]
    await assert_nothing_stored(small_caps)


async def test_a_bundle_posted_alone_is_counted_too(small_caps):
    record = melanoma_patient()
    record["entry"] += observations(25)
    outcome(await post_match(small_caps, record), 413)


async def test_a_record_over_the_byte_cap_is_refused_while_it_streams(small_caps):
    record = melanoma_patient()
    record["entry"] += observations(15, note="x" * 2000)
    payload = orjson.dumps(parameters(record, PERSIST))
    assert len(payload) > 20_000
    sent = []

    async def chunks():
        for start in range(0, len(payload), 4096):
            sent.append(start)
            yield payload[start : start + 4096]

    # No Content-Length: the cap is checked on the bytes as they arrive.
    response = await small_caps.post(MATCH, content=chunks(), headers=FHIR_JSON)
    assert outcome(response, 413)["issue"][0]["code"] == "too-costly"
    await assert_nothing_stored(small_caps)


async def test_the_match_cap_lowers_the_general_body_limit_for_match_only(mongo_url):
    settings = make_settings(mongo_url, match_max_bytes=5_000)
    async with running_client(settings) as client:
        record = melanoma_patient()
        record["entry"] += observations(30)
        assert len(orjson.dumps(record)) > 5_000
        outcome(await post_match(client, record), 413)
        study = {"resourceType": "ResearchStudy", "status": "active", "title": "x" * 6_000}
        response = await client.post("/ResearchStudy", json=study, headers=FHIR_JSON)
        assert response.status_code == 201, response.text


async def test_the_issue_14_bundle_of_50000_observations_is_refused_by_default(client):
    record = melanoma_patient()
    record["entry"] += observations(50_000)
    assert len(orjson.dumps(record)) > 9_000_000
    body = outcome(await post_match(client, parameters(record, PERSIST)), 413)
    # Over both default caps (10 MiB, 10,000 resources): whichever is met first answers.
    assert body["issue"][0]["code"] == "too-costly"
    await assert_nothing_stored(client)


# ---- _include / _revinclude -------------------------------------------------------------------


async def put(client, resource: dict) -> None:
    url = f"/{resource['resourceType']}/{resource['id']}"
    response = await client.put(url, json=resource, headers=FHIR_JSON)
    assert response.status_code in (200, 201), response.text


@pytest.fixture(scope="module")
async def study_with_sites(mongo_url):
    async with running_client(make_settings(mongo_url, max_included=3)) as client:
        sites = [f"site-{i}" for i in range(5)]
        for site in sites:
            await put(client, {"resourceType": "Location", "id": site, "name": site})
        await put(
            client,
            {
                "resourceType": "ResearchStudy",
                "id": "big-study",
                "status": "active",
                "site": [{"reference": f"Location/{s}"} for s in sites],
            },
        )
        for i in range(5):
            await put(
                client,
                {
                    "resourceType": "ResearchSubject",
                    "id": f"subject-{i}",
                    "status": "active",
                    "study": {"reference": "ResearchStudy/big-study"},
                    "subject": {"reference": f"Patient/p{i}"},
                },
            )
        yield client


def entries(bundle: dict, mode: str) -> list[dict]:
    return [e for e in bundle["entry"] if e["search"]["mode"] == mode]


@pytest.mark.parametrize(
    "include",
    ["_include=ResearchStudy:site", "_revinclude=ResearchSubject:study"],
)
async def test_includes_beyond_the_cap_are_left_out_with_a_warning(study_with_sites, include):
    response = await study_with_sites.get(f"/ResearchStudy?_id=big-study&{include}")
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_fhir(bundle)
    assert len(entries(bundle, "match")) == 1
    assert len(entries(bundle, "include")) == 3
    (outcome_entry,) = entries(bundle, "outcome")
    (issue,) = outcome_entry["resource"]["issue"]
    assert issue["severity"] == "warning"
    assert issue["code"] == "incomplete"
    assert "FHIRTRIAL_MAX_INCLUDED" in issue["diagnostics"]


async def test_includes_within_the_cap_come_without_a_warning(study_with_sites):
    response = await study_with_sites.get(
        "/Location?_id=site-0,site-1&_revinclude=ResearchStudy:site"
    )
    bundle = response.json()
    assert len(entries(bundle, "include")) == 1
    assert entries(bundle, "outcome") == []


async def test_count_above_the_maximum_page_is_cut_to_it(client):
    response = await client.get("/ResearchStudy?_count=5000")
    assert response.status_code == 200
    (self_link,) = [link for link in response.json()["link"] if link["relation"] == "self"]
    assert "_count=1000" in self_link["url"]
