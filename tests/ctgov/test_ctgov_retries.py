"""Retries of CtGovClient: 429 / 5xx / timeouts, backoff with jitter, Retry-After."""

from __future__ import annotations

import socket
import ssl
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpcore
import httpx
import pytest
import respx

from fhirtrial.ctgov import CtGovClient, CtGovResponseError, CtGovUnavailable
from fhirtrial.ctgov.retry import retry_after_seconds
from tests.ctgov.ctgov_helpers import API_BASE, VirtualTime, nct_id

STUDY_PATH = "/studies/NCT02513394"


def client(virtual_time: VirtualTime, **kwargs: Any) -> CtGovClient:
    """A client whose only sleeps are retry waits (no rate limit), in virtual time."""
    kwargs.setdefault("requests_per_minute", None)
    return CtGovClient(sleep=virtual_time.sleep, clock=virtual_time.clock, **kwargs)


async def test_429_waits_the_retry_after_seconds_then_succeeds(
    virtual_time: VirtualTime, large_study: dict[str, Any]
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "7"}, text="Too Many Requests"),
                httpx.Response(200, json=large_study),
            ]
        )
        async with client(virtual_time) as ctgov:
            study = await ctgov.get_study("NCT02513394")

    assert nct_id(study) == "NCT02513394"
    assert route.call_count == 2
    assert virtual_time.sleeps == [7.0]


async def test_retry_after_as_an_http_date_is_honoured(
    virtual_time: VirtualTime, large_study: dict[str, Any]
) -> None:
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    with respx.mock(base_url=API_BASE) as api:
        api.get(STUDY_PATH).mock(
            side_effect=[
                httpx.Response(503, headers={"Retry-After": in_a_minute}),
                httpx.Response(200, json=large_study),
            ]
        )
        async with client(virtual_time) as ctgov:
            await ctgov.get_study("NCT02513394")

    [waited] = virtual_time.sleeps
    assert 55 <= waited <= 60


async def test_retry_after_wins_over_the_rate_limit_and_holds_back_the_next_requests(
    virtual_time: VirtualTime, large_study: dict[str, Any]
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "30"}),
                httpx.Response(200, json=large_study),
                httpx.Response(200, json=large_study),
            ]
        )
        async with client(virtual_time, requests_per_minute=60) as ctgov:
            await ctgov.get_study("NCT02513394")
            await ctgov.get_study("NCT02513394")

    assert route.call_count == 3
    # 30 s asked by the server, then one rate-limit interval before the third request.
    assert virtual_time.sleeps == [30.0, 1.0]


async def test_503_twice_then_success_backs_off_exponentially(
    virtual_time: VirtualTime, large_study: dict[str, Any]
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).mock(
            side_effect=[
                httpx.Response(503, text="Service Unavailable"),
                httpx.Response(503, text="Service Unavailable"),
                httpx.Response(200, json=large_study),
            ]
        )
        async with client(virtual_time, backoff_base=2.0, random=lambda: 0.5) as ctgov:
            study = await ctgov.get_study("NCT02513394")

    assert nct_id(study) == "NCT02513394"
    assert route.call_count == 3
    # Full jitter: uniform(0, base·2ⁿ); with the jitter pinned at its midpoint that is base·2ⁿ/2.
    assert virtual_time.sleeps == [1.0, 2.0]


async def test_backoff_grows_up_to_the_cap_and_jitter_stays_within_it(
    virtual_time: VirtualTime,
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        api.get(STUDY_PATH).respond(502)
        async with client(
            virtual_time, max_retries=7, backoff_base=1.0, backoff_cap=10.0, random=lambda: 0.999
        ) as ctgov:
            with pytest.raises(CtGovUnavailable):
                await ctgov.get_study("NCT02513394")

    ceilings = [1, 2, 4, 8, 10, 10, 10]
    assert len(virtual_time.sleeps) == len(ceilings)
    for waited, ceiling in zip(virtual_time.sleeps, ceilings, strict=True):
        assert ceiling * 0.99 <= waited < ceiling


async def test_real_jitter_spreads_the_waits_below_the_ceiling(virtual_time: VirtualTime) -> None:
    with respx.mock(base_url=API_BASE) as api:
        api.get(STUDY_PATH).respond(500)
        async with client(virtual_time, max_retries=40, backoff_base=1.0, backoff_cap=8.0) as c:
            with pytest.raises(CtGovUnavailable):
                await c.get_study("NCT02513394")

    late = virtual_time.sleeps[3:]  # retries whose ceiling is the 8 s cap
    assert all(0 <= waited <= 8.0 for waited in late)
    assert len(set(late)) > 30


async def test_exhausted_retries_raise_ctgov_unavailable(virtual_time: VirtualTime) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).respond(503, text="Service Unavailable")
        async with client(virtual_time, max_retries=3) as ctgov:
            with pytest.raises(CtGovUnavailable, match="HTTP 503") as caught:
                await ctgov.get_study("NCT02513394")

    assert route.call_count == 4
    assert caught.value.attempts == 4
    assert len(virtual_time.sleeps) == 3


async def test_timeouts_and_connection_errors_are_retried(
    virtual_time: VirtualTime, large_study: dict[str, Any]
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).mock(
            side_effect=[
                httpx.ReadTimeout,
                httpx.ConnectTimeout,
                httpx.ConnectError,
                httpx.Response(200, json=large_study),
            ]
        )
        async with client(virtual_time) as ctgov:
            study = await ctgov.get_study("NCT02513394")

    assert nct_id(study) == "NCT02513394"
    assert route.call_count == 4
    assert len(virtual_time.sleeps) == 3


async def test_timeouts_until_the_end_keep_the_last_error_as_cause(
    virtual_time: VirtualTime,
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).mock(side_effect=httpx.ReadTimeout)
        async with client(virtual_time, max_retries=2) as ctgov:
            with pytest.raises(CtGovUnavailable, match="ReadTimeout") as caught:
                await ctgov.get_study("NCT02513394")

    assert route.call_count == 3
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


async def test_a_retry_after_beyond_the_limit_fails_at_once(virtual_time: VirtualTime) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).respond(429, headers={"Retry-After": "86400"})
        async with client(virtual_time, max_retry_after=600) as ctgov:
            with pytest.raises(CtGovUnavailable, match="Retry-After"):
                await ctgov.get_study("NCT02513394")

    assert route.call_count == 1
    assert virtual_time.sleeps == []


async def test_search_pages_are_retried_too(
    virtual_time: VirtualTime, breast_cancer_studies: list[dict[str, Any]]
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get("/studies").mock(
            side_effect=[
                httpx.Response(
                    200, json={"studies": breast_cancer_studies[:5], "nextPageToken": "t2"}
                ),
                httpx.Response(504, text="Gateway Timeout"),
                httpx.Response(200, json={"studies": breast_cancer_studies[5:10]}),
            ]
        )
        async with client(virtual_time) as ctgov:
            found = [s async for s in ctgov.iter_studies(condition="breast cancer", page_size=5)]

    assert [nct_id(s) for s in found] == [nct_id(s) for s in breast_cancer_studies[:10]]
    assert [call.request.url.params.get("pageToken") for call in route.calls] == [None, "t2", "t2"]


@pytest.mark.parametrize("status", [401, 403, 405, 422])
async def test_other_client_errors_are_not_retried(virtual_time: VirtualTime, status: int) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).respond(status)
        async with client(virtual_time) as ctgov:
            with pytest.raises(CtGovResponseError) as caught:
                await ctgov.get_study("NCT02513394")

    assert caught.value.status_code == status
    assert route.call_count == 1
    assert virtual_time.sleeps == []


def test_retry_after_header_forms() -> None:
    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now=now) == 120.0
    assert retry_after_seconds(" 0 ", now=now) == 0.0
    assert retry_after_seconds("Sun, 01 Mar 2026 12:01:30 GMT", now=now) == 90.0
    assert retry_after_seconds("Sun, 01 Mar 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None, now=now) is None


async def test_transport_errors_that_retrying_cannot_fix_fail_at_once_as_ctgov_errors(
    virtual_time: VirtualTime,
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).mock(side_effect=httpx.ProxyError)
        async with client(virtual_time) as ctgov:
            with pytest.raises(CtGovUnavailable, match="ProxyError"):
                await ctgov.get_study("NCT02513394")

    assert route.call_count == 1
    assert virtual_time.sleeps == []


def unresolvable(request: httpx.Request) -> httpx.Response:
    # What httpcore raises when getaddrinfo fails (httpx raises its ConnectError from it).
    raise httpcore.ConnectError(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))


def untrusted_certificate(request: httpx.Request) -> httpx.Response:
    problem = ssl.SSLCertVerificationError(1, "certificate verify failed")
    problem.verify_message = "self-signed certificate"
    raise httpcore.ConnectError(problem)


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (unresolvable, "cannot resolve clinicaltrials.gov: check the network or FHIRTRIAL_CTGOV"),
        (untrusted_certificate, "the TLS certificate of clinicaltrials.gov does not verify: self-"),
    ],
)
async def test_connection_failures_no_retry_fixes_fail_at_once(
    virtual_time: VirtualTime, failure, message: str
) -> None:
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).mock(side_effect=failure)
        async with client(virtual_time) as ctgov:
            with pytest.raises(CtGovUnavailable, match=message) as caught:
                await ctgov.get_study("NCT02513394")

    assert route.call_count == 1
    assert caught.value.attempts == 1
    assert virtual_time.sleeps == []


async def test_a_refused_connection_is_still_retried(
    virtual_time: VirtualTime, large_study: dict[str, Any]
) -> None:
    refused = httpcore.ConnectError(ConnectionRefusedError(111, "Connection refused"))
    with respx.mock(base_url=API_BASE) as api:
        route = api.get(STUDY_PATH).mock(
            side_effect=[refused, httpx.Response(200, json=large_study)]
        )
        async with client(virtual_time) as ctgov:
            await ctgov.get_study("NCT02513394")

    assert route.call_count == 2
