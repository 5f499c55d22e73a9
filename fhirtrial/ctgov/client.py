"""Async client of the ClinicalTrials.gov API v2: one study, search with paging, counts."""

from __future__ import annotations

import asyncio
import logging
import random as _random
import time
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import date
from types import TracebackType
from typing import Any, Self, cast

import httpx
import orjson

from fhirtrial import __version__
from fhirtrial.ctgov.errors import (
    CtGovResponseError,
    CtGovUnavailable,
    StudyNotFound,
)
from fhirtrial.ctgov.query import (
    GeoDistance,
    normalize_nct_ids,
    study_search_params,
    validate_page_size,
)
from fhirtrial.ctgov.rate_limit import Clock, RateLimiter, Sleep
from fhirtrial.ctgov.retry import (
    RETRYABLE_EXCEPTIONS,
    RETRYABLE_STATUS_CODES,
    Backoff,
    lasting_connect_failure,
    retry_after_seconds,
)
from fhirtrial.ctgov.study import normalize_nct_id, study_problem

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)

# Long `filter.ids` lists are split so that request URLs stay far below server limits.
NCT_IDS_PER_REQUEST = 100

logger = logging.getLogger(__name__)


class CtGovClient:
    """ClinicalTrials.gov API v2 client; use as `async with CtGovClient() as ctgov: ...`.

    Every request (retries included) waits for the rate limiter; 429, 5xx gateway errors,
    timeouts and connection errors are retried with exponential backoff and full jitter,
    a `Retry-After` header taking precedence over the computed wait.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        requests_per_minute: float | None = 50,
        max_retries: int = 5,
        timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        max_retry_after: float = 300.0,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
        random: Callable[[], float] = _random.random,
        rate_limiter: RateLimiter | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """
        requests_per_minute: None disables rate limiting (e.g. for a local mirror).
        max_retries: retries after the first attempt, so at most max_retries + 1 requests.
        max_retry_after: a longer `Retry-After` is not waited for; CtGovUnavailable is raised.
        rate_limiter: share one limiter between several clients (overrides requests_per_minute).
        http_client: an AsyncClient of the caller (left open on exit); else one is created,
            with `transport` if given.
        """
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {max_retries}")
        self.base_url = base_url.rstrip("/")
        self._max_retries = max_retries
        self._backoff = Backoff(base=backoff_base, cap=backoff_cap, random=random)
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        if rate_limiter is None and requests_per_minute is not None:
            rate_limiter = RateLimiter(requests_per_minute, clock=clock, sleep=sleep)
        self._limiter = rate_limiter
        self._owns_http_client = http_client is None
        self._http = http_client or httpx.AsyncClient(
            timeout=timeout,
            transport=transport,
            follow_redirects=True,
            headers={"Accept": "application/json", "User-Agent": f"fhirtrial/{__version__}"},
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http_client:
            await self._http.aclose()

    async def get_study(self, nct_id: str) -> dict[str, Any]:
        """The full API v2 record of one study.

        ClinicalTrials.gov answers an obsolete (alias) NCT number with the current record, so
        the returned `nctId` may differ from the one asked for.
        """
        nct_id = normalize_nct_id(nct_id)
        url = f"{self.base_url}/studies/{nct_id}"
        response = await self._get(url, {"format": "json"})
        if response.status_code == 404:
            raise StudyNotFound(nct_id)
        study = _json_body(response)
        problem = study_problem(study)
        if problem:
            raise CtGovResponseError(problem, url=str(response.url), status_code=200)
        return cast(dict[str, Any], study)  # study_problem found it a study object

    async def iter_studies(
        self,
        *,
        condition: str | None = None,
        term: str | None = None,
        location: str | None = None,
        overall_status: list[str] | None = None,
        geo: GeoDistance | str | None = None,
        nct_ids: list[str] | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[dict[str, Any]]:
        """Every study matching all given criteria, page after page until the last one.

        `geo` is a GeoDistance or the API's own `distance(lat,lon,50mi)` text. An empty
        `nct_ids` list matches nothing (rather than the whole registry).
        """
        validate_page_size(page_size)
        for params in self._search_param_sets(
            condition, term, location, overall_status, geo, nct_ids
        ):
            params["pageSize"] = str(page_size)
            async for page in self._pages(params):
                for study in page["studies"]:
                    yield study

    async def iter_update_pages(
        self,
        *,
        condition: str | None = None,
        term: str | None = None,
        overall_status: list[str] | None = None,
        updated_since: date | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[list[Any]]:
        """The `studies` array of each page of a search sorted by LastUpdatePostDate, oldest
        first (so that all before the last study of a page has been seen).

        The entries are not checked: one that is not a study record is the caller's to report,
        and the rest of the page is still usable (`iter_studies` rejects the whole page)."""
        validate_page_size(page_size)
        params = study_search_params(
            condition=condition,
            term=term,
            overall_status=overall_status,
            updated_since=updated_since,
        )
        params |= {"sort": "LastUpdatePostDate:asc", "pageSize": str(page_size)}
        async for page in self._pages(params, check_studies=False):
            yield page["studies"]

    @property
    def _studies_url(self) -> str:
        return f"{self.base_url}/studies"

    def _search_param_sets(
        self,
        condition: str | None,
        term: str | None,
        location: str | None,
        overall_status: Iterable[str] | None,
        geo: GeoDistance | str | None,
        nct_ids: Iterable[str] | None,
    ) -> list[dict[str, str]]:
        """One parameter set per request series; several when `nct_ids` must be split."""
        params = study_search_params(
            condition=condition,
            term=term,
            location=location,
            overall_status=overall_status,
            geo=geo,
        )
        if nct_ids is None:
            return [params]
        ids = normalize_nct_ids(nct_ids)
        return [
            params | {"filter.ids": ",".join(ids[start : start + NCT_IDS_PER_REQUEST])}
            for start in range(0, len(ids), NCT_IDS_PER_REQUEST)
        ]

    async def _pages(
        self, params: dict[str, str], *, check_studies: bool = True
    ) -> AsyncIterator[dict[str, Any]]:
        seen_tokens: set[str] = set()
        page_params = dict(params)
        while True:
            page = await self._get_page(page_params, check_studies=check_studies)
            yield page
            token = page.get("nextPageToken")
            if token is None:
                return
            if not isinstance(token, str) or not token or token in seen_tokens:
                raise CtGovResponseError(f"unusable nextPageToken {token!r}", url=self._studies_url)
            seen_tokens.add(token)
            page_params = params | {"pageToken": token}

    async def _get_page(
        self, params: dict[str, str], *, check_studies: bool = True
    ) -> dict[str, Any]:
        response = await self._get(self._studies_url, {**params, "format": "json"})
        if response.status_code == 404:
            raise CtGovResponseError("search endpoint not found", url=str(response.url))
        page = _json_body(response)
        if not isinstance(page, dict) or not isinstance(page.get("studies"), list):
            raise CtGovResponseError(
                "not a search page: no 'studies' array", url=str(response.url), status_code=200
            )
        for position, study in enumerate(page["studies"] if check_studies else ()):
            problem = study_problem(study)
            if problem:
                raise CtGovResponseError(
                    f"studies[{position}]: {problem}", url=str(response.url), status_code=200
                )
        return page

    async def _get(self, url: str, params: dict[str, str]) -> httpx.Response:
        """GET with rate limiting and retries; returns any response that is not retryable.

        Raises CtGovResponseError for a 4xx other than 404 (which callers interpret).
        """
        retry_number = 0
        while True:
            if self._limiter is not None:
                await self._limiter.acquire()
            wait_asked: float | None = None
            try:
                response = await self._http.get(url, params=params)
            except RETRYABLE_EXCEPTIONS as exc:
                lasting = lasting_connect_failure(exc, url)
                if lasting is not None:
                    raise CtGovUnavailable(lasting, url=url, attempts=retry_number + 1) from exc
                failure: BaseException | None = exc
                problem = _describe(exc)
            except (httpx.TooManyRedirects, httpx.DecodingError) as exc:
                raise CtGovResponseError(_describe(exc), url=url) from exc
            except httpx.TransportError as exc:  # e.g. a proxy refusing, an unsupported scheme
                raise CtGovUnavailable(_describe(exc), url=url, attempts=retry_number + 1) from exc
            else:
                if response.status_code not in RETRYABLE_STATUS_CODES:
                    _raise_for_client_error(response)
                    return response
                failure = None
                problem = f"HTTP {response.status_code}"
                wait_asked = retry_after_seconds(response.headers.get("Retry-After"))
            attempts = retry_number + 1
            if retry_number >= self._max_retries:
                raise CtGovUnavailable(
                    f"ClinicalTrials.gov kept failing, last: {problem}", url=url, attempts=attempts
                ) from failure
            if wait_asked is not None and wait_asked > self._max_retry_after:
                raise CtGovUnavailable(
                    f"{problem} with Retry-After {wait_asked:.0f}s, "
                    f"more than the {self._max_retry_after:.0f}s we wait",
                    url=url,
                    attempts=attempts,
                ) from failure
            if wait_asked is not None:
                delay = wait_asked
                if self._limiter is not None:
                    # Hold back concurrent callers too: the server asked everyone of us to wait.
                    self._limiter.pause(delay)
            else:
                delay = self._backoff.delay(retry_number)
            logger.warning(
                "ClinicalTrials.gov %s for %s; retry %d/%d in %.1fs",
                problem,
                url,
                retry_number + 1,
                self._max_retries,
                delay,
            )
            await self._sleep(delay)
            retry_number += 1


def _describe(exc: Exception) -> str:
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _raise_for_client_error(response: httpx.Response) -> None:
    status = response.status_code
    if status == 404 or status < 400:
        return
    detail = response.text.strip()[:500] or response.reason_phrase
    raise CtGovResponseError(
        f"ClinicalTrials.gov answered HTTP {status}: {detail}",
        url=str(response.url),
        status_code=status,
    )


def _json_body(response: httpx.Response) -> Any:
    if response.status_code != 200:
        raise CtGovResponseError(
            f"unexpected HTTP {response.status_code}",
            url=str(response.url),
            status_code=response.status_code,
        )
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        content_type = response.headers.get("Content-Type", "no Content-Type")
        raise CtGovResponseError(
            f"response is not JSON ({content_type}: {exc})",
            url=str(response.url),
            status_code=response.status_code,
        ) from exc


__all__ = ["DEFAULT_BASE_URL", "CtGovClient"]
