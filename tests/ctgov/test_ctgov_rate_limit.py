"""The request rate limiter, alone and inside CtGovClient, sequential and concurrent."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import httpx
import pytest
import respx

from fhirtrial.ctgov import CtGovClient, RateLimiter
from tests.ctgov.ctgov_helpers import API_BASE, VirtualTime


async def test_120_requests_at_60_per_minute_take_two_minutes_of_virtual_time(
    virtual_time: VirtualTime, breast_cancer_studies: list[dict[str, Any]]
) -> None:
    payload = breast_cancer_studies[3]
    sent_at: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent_at.append(virtual_time.now)
        return httpx.Response(200, json=payload)

    with respx.mock(base_url=API_BASE) as api:
        api.get(path__regex=r"/studies/NCT\d{8}").mock(side_effect=answer)
        async with CtGovClient(
            requests_per_minute=60, sleep=virtual_time.sleep, clock=virtual_time.clock
        ) as ctgov:
            for _ in range(120):
                await ctgov.get_study("NCT05232006")

    assert len(sent_at) == 120
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent_at)]
    assert min(gaps) >= 1.0 - 1e-9
    # 119 one-second gaps: at least that, and no needless extra waiting.
    assert 119.0 - 1e-6 <= sent_at[-1] - sent_at[0] <= 119.0 + 1e-6


async def test_default_limit_is_50_requests_per_minute(virtual_time: VirtualTime) -> None:
    limiter = RateLimiter(50, clock=virtual_time.clock, sleep=virtual_time.sleep)
    for _ in range(51):
        await limiter.acquire()
    assert virtual_time.now == pytest.approx(60.0)


async def test_an_idle_limiter_lets_the_next_request_through_at_once(
    virtual_time: VirtualTime,
) -> None:
    limiter = RateLimiter(60, clock=virtual_time.clock, sleep=virtual_time.sleep)
    await limiter.acquire()
    virtual_time.now += 5.0  # the caller spent 5 s doing something else
    await limiter.acquire()
    assert virtual_time.sleeps == []


async def test_idle_time_does_not_bank_a_burst_beyond_the_allowed_one(
    virtual_time: VirtualTime,
) -> None:
    limiter = RateLimiter(60, burst=3, clock=virtual_time.clock, sleep=virtual_time.sleep)
    virtual_time.now = 1000.0  # long idle
    for _ in range(5):
        await limiter.acquire()
    # Three at once, then one per second.
    assert virtual_time.sleeps == pytest.approx([1.0, 1.0])


async def test_concurrent_callers_each_get_their_own_slot() -> None:
    waits: list[float] = []

    async def record_then_yield(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)  # let the other callers in while this one "waits"

    limiter = RateLimiter(50, clock=lambda: 500.0, sleep=record_then_yield)
    await asyncio.gather(*(limiter.acquire() for _ in range(10)))

    # All ten arrive at the same instant: one goes now, the others 1.2 s apart.
    assert sorted(waits) == pytest.approx([1.2 * k for k in range(1, 10)])


async def test_concurrent_callers_in_real_time_are_spaced_out() -> None:
    limiter = RateLimiter(6000, burst=1)  # one start every 10 ms
    started: list[float] = []

    async def request() -> None:
        await limiter.acquire()
        started.append(time.monotonic())

    begin = time.monotonic()
    await asyncio.gather(*(request() for _ in range(20)))

    started.sort()
    for position, moment in enumerate(started):
        assert moment - begin >= position * 0.010 - 0.001
    assert started[-1] - begin < 19 * 0.010 + 0.5


async def test_concurrent_client_calls_share_one_limit(
    breast_cancer_studies: list[dict[str, Any]],
) -> None:
    by_id = {
        s["protocolSection"]["identificationModule"]["nctId"]: s for s in breast_cancer_studies[:12]
    }
    sent_at: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent_at.append(time.monotonic())
        return httpx.Response(200, json=by_id[request.url.path.rsplit("/", 1)[-1]])

    with respx.mock(base_url=API_BASE) as api:
        api.get(path__regex=r"/studies/NCT\d{8}").mock(side_effect=answer)
        async with CtGovClient(requests_per_minute=3000) as ctgov:  # 20 ms apart
            begin = time.monotonic()
            studies = await asyncio.gather(*(ctgov.get_study(i) for i in by_id))

    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in studies] == list(by_id)
    sent_at.sort()
    for position, moment in enumerate(sent_at):
        assert moment - begin >= position * 0.020 - 0.001


async def test_pause_holds_back_every_caller(virtual_time: VirtualTime) -> None:
    limiter = RateLimiter(600, clock=virtual_time.clock, sleep=virtual_time.sleep)
    await limiter.acquire()
    limiter.pause(15.0)
    await limiter.acquire()
    assert virtual_time.now == pytest.approx(15.0)


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (-5, 1), (60, 0)])
def test_nonsense_limits_are_rejected(rate: float, burst: int) -> None:
    with pytest.raises(ValueError):
        RateLimiter(rate, burst=burst)
