"""CtGovClient: fetching one study, searching with paging, counting — all against respx."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from fhirtrial.ctgov import (
    CtGovClient,
    CtGovError,
    CtGovResponseError,
    GeoDistance,
    StudyNotFound,
)
from tests.ctgov.ctgov_helpers import API_BASE, nct_id


def unlimited_client(**kwargs: Any) -> CtGovClient:
    return CtGovClient(requests_per_minute=None, **kwargs)


def studies_page(studies: list[dict[str, Any]], next_token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {"studies": studies}
    if next_token is not None:
        page["nextPageToken"] = next_token
    return page


async def test_get_study_returns_the_full_record(large_study: dict[str, Any]) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get("/studies/NCT02513394").respond(json=large_study)
        async with unlimited_client() as ctgov:
            study = await ctgov.get_study("NCT02513394")

    assert study == large_study
    assert len(study["protocolSection"]["contactsLocationsModule"]["locations"]) == 437
    assert route.calls.last.request.url.params["format"] == "json"


async def test_get_study_accepts_a_lowercase_nct_number(large_study: dict[str, Any]) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get("/studies/NCT02513394").respond(json=large_study)
        async with unlimited_client() as ctgov:
            study = await ctgov.get_study(" nct02513394 ")

    assert route.called
    assert nct_id(study) == "NCT02513394"


@pytest.mark.parametrize("bad_id", ["NCT123", "02513394", "NCT0251339X", "NCT025133941", ""])
async def test_malformed_nct_numbers_are_rejected_before_any_request(bad_id: str) -> None:
    with respx.mock(base_url=API_BASE, assert_all_called=False) as api:
        route = api.get(path__startswith="/studies")
        async with unlimited_client() as ctgov:
            with pytest.raises(ValueError, match="NCT"):
                await ctgov.get_study(bad_id)
    assert not route.called


async def test_unknown_study_raises_study_not_found_without_retrying() -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get("/studies/NCT99999999").respond(404, text="Not Found")
        async with unlimited_client() as ctgov:
            with pytest.raises(StudyNotFound) as caught:
                await ctgov.get_study("NCT99999999")

    assert caught.value.nct_id == "NCT99999999"
    assert isinstance(caught.value, CtGovError)
    assert "NCT99999999" in str(caught.value)
    assert route.call_count == 1


async def test_html_instead_of_json_is_a_response_error() -> None:
    maintenance = "<html><body><h1>ClinicalTrials.gov is under maintenance</h1></body></html>"
    with respx.mock(base_url=API_BASE) as api:
        api.get("/studies/NCT02513394").respond(200, text=maintenance, content_type="text/html")
        async with unlimited_client() as ctgov:
            with pytest.raises(CtGovResponseError, match="not JSON") as caught:
                await ctgov.get_study("NCT02513394")

    assert "text/html" in str(caught.value)
    assert "/studies/NCT02513394" in caught.value.url


async def test_json_without_protocol_section_is_a_response_error(
    large_study: dict[str, Any],
) -> None:
    without_protocol = {
        key: value for key, value in large_study.items() if key != "protocolSection"
    }
    with respx.mock(base_url=API_BASE) as api:
        api.get("/studies/NCT02513394").respond(json=without_protocol)
        async with unlimited_client() as ctgov:
            with pytest.raises(CtGovResponseError, match="protocolSection"):
                await ctgov.get_study("NCT02513394")


async def test_bad_request_reports_the_server_message_and_is_not_retried() -> None:
    message = "filter.geo: invalid distance function"
    with respx.mock(base_url=API_BASE) as api:
        route = api.get("/studies").respond(400, text=message)
        async with unlimited_client() as ctgov:
            with pytest.raises(CtGovResponseError, match="invalid distance") as caught:
                async for _ in ctgov.iter_studies(geo="distance(1,2)"):
                    pass

    assert caught.value.status_code == 400
    assert route.call_count == 1


async def test_search_follows_next_page_token_to_the_last_page(
    breast_cancer_studies: list[dict[str, Any]],
) -> None:
    pages = {
        None: studies_page(breast_cancer_studies[:12], "NF0g5JGBlPMuwQY"),
        "NF0g5JGBlPMuwQY": studies_page(breast_cancer_studies[12:24], "NF0g5JiKm_Qr4AY"),
        "NF0g5JiKm_Qr4AY": studies_page(breast_cancer_studies[24:]),
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[request.url.params.get("pageToken")])

    with respx.mock(base_url=API_BASE) as api:
        route = api.get("/studies").mock(side_effect=answer)
        async with unlimited_client() as ctgov:
            found = [
                study
                async for study in ctgov.iter_studies(
                    condition="breast cancer",
                    overall_status=["RECRUITING", "NOT_YET_RECRUITING"],
                    page_size=12,
                )
            ]

    assert [nct_id(s) for s in found] == [nct_id(s) for s in breast_cancer_studies]
    sent = [call.request.url.params for call in route.calls]
    assert [params.get("pageToken") for params in sent] == [
        None,
        "NF0g5JGBlPMuwQY",
        "NF0g5JiKm_Qr4AY",
    ]
    for params in sent:
        assert params["query.cond"] == "breast cancer"
        assert params["filter.overallStatus"] == "RECRUITING,NOT_YET_RECRUITING"
        assert params["pageSize"] == "12"
        assert params["format"] == "json"


async def test_search_sends_term_location_geo_and_ids(
    breast_cancer_studies: list[dict[str, Any]],
) -> None:
    wanted = breast_cancer_studies[:3]
    with respx.mock(base_url=API_BASE) as api:
        route = api.get("/studies").respond(json=studies_page(wanted))
        async with unlimited_client() as ctgov:
            found = [
                study
                async for study in ctgov.iter_studies(
                    term="palbociclib",
                    location="Boston, Massachusetts",
                    geo=GeoDistance(42.3601, -71.0589, 50),
                    nct_ids=[nct_id(s).lower() for s in wanted],
                )
            ]

    assert found == wanted
    params = route.calls.last.request.url.params
    assert params["query.term"] == "palbociclib"
    assert params["query.locn"] == "Boston, Massachusetts"
    assert params["filter.geo"] == "distance(42.3601,-71.0589,50mi)"
    assert params["filter.ids"] == ",".join(nct_id(s) for s in wanted)
    assert params["pageSize"] == "1000"
    assert "filter.overallStatus" not in params


async def test_long_id_lists_are_split_into_requests_with_short_urls() -> None:
    ids = [f"NCT{number:08d}" for number in range(5_000_000, 5_000_250)]

    def answer(request: httpx.Request) -> httpx.Response:
        asked = request.url.params["filter.ids"].split(",")
        minimal = [{"protocolSection": {"identificationModule": {"nctId": i}}} for i in asked]
        return httpx.Response(200, json=studies_page(minimal))

    with respx.mock(base_url=API_BASE) as api:
        route = api.get("/studies").mock(side_effect=answer)
        async with unlimited_client() as ctgov:
            found = [nct_id(study) async for study in ctgov.iter_studies(nct_ids=ids)]

    assert found == ids
    assert route.call_count > 1
    assert all(len(str(call.request.url)) < 4096 for call in route.calls)


async def test_an_empty_id_list_matches_nothing_instead_of_everything() -> None:
    with respx.mock(base_url=API_BASE, assert_all_called=False) as api:
        route = api.get("/studies").respond(json=studies_page([]))
        async with unlimited_client() as ctgov:
            found = [study async for study in ctgov.iter_studies(nct_ids=[])]

    assert found == []
    assert not route.called


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ({"overall_status": ["RECRUTING"]}, "RECRUTING"),
        ({"page_size": 1001}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"nct_ids": ["NCT02513394", "12345"]}, "12345"),
    ],
)
async def test_invalid_search_criteria_raise_value_error_without_a_request(
    criteria: dict[str, Any], message: str
) -> None:
    with respx.mock(base_url=API_BASE, assert_all_called=False) as api:
        route = api.get("/studies")
        async with unlimited_client() as ctgov:
            with pytest.raises(ValueError, match=message):
                async for _ in ctgov.iter_studies(condition="breast cancer", **criteria):
                    pass
    assert not route.called


def test_geo_distance_rejects_impossible_coordinates() -> None:
    with pytest.raises(ValueError, match="latitude"):
        GeoDistance(91.0, 0.0, 10)
    with pytest.raises(ValueError, match="radius"):
        GeoDistance(48.8566, 2.3522, 0)
    assert str(GeoDistance(48.8566, 2.3522, 25, "km")) == "distance(48.8566,2.3522,25km)"


async def test_a_page_holding_a_non_study_is_a_response_error(
    breast_cancer_studies: list[dict[str, Any]],
) -> None:
    broken = [*breast_cancer_studies[:2], {"derivedSection": {}}]
    with respx.mock(base_url=API_BASE) as api:
        api.get("/studies").respond(json=studies_page(broken))
        async with unlimited_client() as ctgov:
            with pytest.raises(CtGovResponseError, match=r"studies\[2\]"):
                async for _ in ctgov.iter_studies(condition="breast cancer"):
                    pass


async def test_a_page_token_that_repeats_stops_the_search_instead_of_looping(
    breast_cancer_studies: list[dict[str, Any]],
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get("/studies").respond(
            json=studies_page(breast_cancer_studies[:1], "NF0g5JGBlPMuwQY")
        )
        async with unlimited_client() as ctgov:
            with pytest.raises(CtGovResponseError, match="nextPageToken"):
                async for _ in ctgov.iter_studies(condition="breast cancer"):
                    pass
    assert route.call_count == 2


async def test_a_caller_supplied_http_client_is_used_and_left_open(
    large_study: dict[str, Any],
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get("/studies/NCT02513394").respond(json=large_study)
        async with httpx.AsyncClient(headers={"User-Agent": "importer-test"}) as http:
            async with CtGovClient(requests_per_minute=None, http_client=http) as ctgov:
                study = await ctgov.get_study("NCT02513394")
            assert not http.is_closed

    assert nct_id(study) == "NCT02513394"
    assert route.calls.last.request.headers["User-Agent"] == "importer-test"
