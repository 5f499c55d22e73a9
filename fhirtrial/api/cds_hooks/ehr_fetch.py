"""What the EHR did not prefetch, read from its FHIR server with the token it handed over
(`fhirServer`, `fhirAuthorization`), all templates at once and within one time budget."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import orjson

from fhirtrial.api.cds_hooks.discovery import PREFETCH, filled
from fhirtrial.api.cds_hooks.hook_request import FhirAccess
from fhirtrial.api.cds_hooks.patient_bundle import MissingData


async def fetch_missing(
    access: FhirAccess, patient_id: str, keys: list[str], *, timeout_s: float, max_bytes: int
) -> dict[str, dict[str, Any] | None]:
    """Each key's answer (None: the server found nothing); MissingData when any fails."""
    headers = {
        "Authorization": f"Bearer {access.access_token}",
        "Accept": "application/fhir+json",
    }
    async with httpx.AsyncClient(timeout=timeout_s, headers=headers) as client:
        urls = [f"{access.server}/{filled(PREFETCH[key], patient_id)}" for key in keys]
        reads = [_read(client, url, access.server, max_bytes) for url in urls]
        try:
            # Every read runs to its end (or to the budget's, which cancels them all), so none is
            # left running against a closed client when another fails.
            answers = await asyncio.wait_for(
                asyncio.gather(*reads, return_exceptions=True), timeout_s
            )
        except TimeoutError:
            raise MissingData(
                f"The EHR's FHIR server did not answer within {timeout_s:g} s"
            ) from None
    found: dict[str, dict[str, Any] | None] = {}
    for key, answer in zip(keys, answers, strict=True):
        if isinstance(answer, BaseException):
            raise answer
        found[key] = answer
    return found


async def _read(
    client: httpx.AsyncClient, url: str, server: str, max_bytes: int
) -> dict[str, Any] | None:
    relative = url[len(server) + 1 :]
    try:
        response = await client.get(url)
    except httpx.TimeoutException:
        raise MissingData(f"The EHR's FHIR server did not answer GET {relative} in time") from None
    except httpx.HTTPError as error:
        raise MissingData(
            f"The EHR's FHIR server could not be reached for GET {relative} "
            f"({type(error).__name__})"
        ) from None
    if response.status_code in (404, 410) and "?" not in relative:
        return None  # a read of a resource the server does not have
    if response.status_code != 200:
        raise MissingData(
            f"The EHR's FHIR server answered GET {relative} with {response.status_code}"
        )
    if len(response.content) > max_bytes:
        raise MissingData(f"The EHR's answer to GET {relative} is larger than {max_bytes} bytes")
    try:
        document = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise MissingData(f"The EHR's answer to GET {relative} is not JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("resourceType"), str):
        raise MissingData(f"The EHR's answer to GET {relative} is not a FHIR resource")
    return document
