"""What the EHR did not prefetch is read from its FHIR server (`fhirServer`, with the bearer
token of `fhirAuthorization`), served here by respx: outbound HTTP to a server we cannot start."""

import asyncio

import httpx
import respx

from fhirtrial.api.cds_hooks.discovery import PREFETCH, filled
from tests.cds_hooks.sandbox import EHR, StoredRecord, hook_call

SERVICE = "/cds-services/trial-matches"
ADULT = "synthea-mcode-breast/patient-01.json"


def serve_record(mock: respx.MockRouter, record: StoredRecord) -> dict[str, respx.Route]:
    """The EHR's FHIR server answering every prefetch template, only to the CDS token."""
    routes = {}
    for key, template in PREFETCH.items():
        answer = record.answer(key)
        routes[key] = mock.get(f"{EHR}/{filled(template, record.patient_id)}").mock(
            side_effect=lambda request, answer=answer: (
                httpx.Response(200, json=answer if answer is not None else _empty())
                if request.headers.get("authorization") == "Bearer ehr-token-for-cds"
                else httpx.Response(401)
            )
        )
    return routes


def _empty() -> dict:
    return {"resourceType": "Bundle", "type": "searchset", "total": 0}


async def test_without_prefetch_the_record_is_read_from_the_ehr_and_matched_the_same(catalog):
    record = StoredRecord(ADULT)
    prefetched = await catalog.post(SERVICE, json=hook_call(record))
    with respx.mock(assert_all_called=True) as mock:
        routes = serve_record(mock, record)
        fetched = await catalog.post(SERVICE, json=hook_call(record, prefetch={}))
    assert fetched.status_code == 200, fetched.text
    assert all(route.call_count == 1 for route in routes.values())
    (card,) = fetched.json()["cards"]
    (expected,) = prefetched.json()["cards"]
    assert card["summary"] == expected["summary"]
    assert card["detail"] == expected["detail"]


async def test_only_the_templates_not_prefetched_are_fetched(catalog):
    record = StoredRecord(ADULT)
    prefetch = record.prefetched()
    del prefetch["observations"]
    with respx.mock(assert_all_called=False) as mock:
        routes = serve_record(mock, record)
        response = await catalog.post(SERVICE, json=hook_call(record, prefetch=prefetch))
    assert response.status_code == 200, response.text
    assert {key for key, route in routes.items() if route.called} == {"observations"}
    assert len(response.json()["cards"]) == 1


async def test_an_ehr_that_refuses_the_token_is_412(catalog):
    record = StoredRecord(ADULT)
    body = hook_call(record, prefetch={})
    body["fhirAuthorization"]["access_token"] = "expired"
    with respx.mock(assert_all_called=False) as mock:
        serve_record(mock, record)
        response = await catalog.post(SERVICE, json=body)
    assert response.status_code == 412
    assert "answered GET" in response.json()["issue"][0]["diagnostics"]
    assert "401" in response.json()["issue"][0]["diagnostics"]


async def test_an_ehr_slower_than_the_budget_is_412_within_the_budget(catalog):
    """The catalog fixture sets FHIRTRIAL_CDS_FETCH_TIMEOUT_S=0.5."""
    record = StoredRecord(ADULT)

    async def slow(request):
        await asyncio.sleep(5)
        return httpx.Response(200, json=record.answer("patient"))

    with respx.mock(assert_all_called=False) as mock:
        mock.get(url__startswith=EHR).mock(side_effect=slow)
        started = asyncio.get_running_loop().time()
        response = await catalog.post(SERVICE, json=hook_call(record, prefetch={}))
        elapsed = asyncio.get_running_loop().time() - started
    assert response.status_code == 412
    assert "did not answer" in response.json()["issue"][0]["diagnostics"]
    assert elapsed < 3


async def test_a_patient_the_ehr_does_not_have_is_412(catalog):
    record = StoredRecord(ADULT)
    with respx.mock(assert_all_called=False) as mock:
        serve_record(mock, record)
        mock.get(f"{EHR}/Patient/{record.patient_id}").respond(404)
        response = await catalog.post(SERVICE, json=hook_call(record, prefetch={}))
    assert response.status_code == 412
    assert f"no Patient/{record.patient_id}" in response.json()["issue"][0]["diagnostics"]


async def test_an_ehr_answer_that_is_not_fhir_is_412(catalog):
    record = StoredRecord(ADULT)
    prefetch = record.prefetched()
    del prefetch["procedures"]
    with respx.mock(assert_all_called=False) as mock:
        mock.get(url__startswith=f"{EHR}/Procedure").respond(200, text="<html>login</html>")
        response = await catalog.post(SERVICE, json=hook_call(record, prefetch=prefetch))
    assert response.status_code == 412
    assert "not JSON" in response.json()["issue"][0]["diagnostics"]
