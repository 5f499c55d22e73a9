"""Posting a notification to a rest-hook endpoint.

Security choices (docs/adr/0021): only http(s); the endpoint's host is resolved right before
each post and refused when any of its addresses is loopback, private, link-local, reserved or
multicast (a client could otherwise make the server probe its own network) unless the operator
allows it (FHIRTRIAL_SUBSCRIPTION_ALLOW_PRIVATE, also what tests need); redirects are not
followed (they would bypass that check); a post has a timeout; `Subscription.parameter`s are
sent as HTTP headers (e.g. Authorization), checked when the Subscription is written.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from fhirtrial import __version__

USER_AGENT = f"fhirtrial/{__version__} (subscription notifications)"


@dataclass(frozen=True)
class EndpointPolicy:
    allow_private: bool
    timeout_s: float


class Undeliverable(Exception):
    """The notification did not reach the endpoint or was not accepted (the message says why)."""


async def post(
    client: httpx.AsyncClient,
    policy: EndpointPolicy,
    subscription: dict[str, Any],
    bundle: dict[str, Any],
) -> None:
    url = str(subscription.get("endpoint", ""))
    await _check_address(url, policy)
    headers = {
        "Content-Type": subscription.get("contentType") or "application/fhir+json",
        "User-Agent": USER_AGENT,
    }
    for parameter in subscription.get("parameter") or []:
        headers[parameter["name"]] = parameter["value"]
    timeout = min(float(subscription.get("timeout") or policy.timeout_s), policy.timeout_s)
    try:
        response = await client.post(
            url, content=orjson.dumps(bundle), headers=headers, timeout=timeout
        )
    except httpx.HTTPError as exc:
        raise Undeliverable(f"POST {url} failed: {type(exc).__name__}") from None
    if not 200 <= response.status_code < 300:
        raise Undeliverable(f"POST {url} answered {response.status_code}")


async def _check_address(url: str, policy: EndpointPolicy) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Undeliverable(f"{url[:100]} is not an http(s) URL")
    if policy.allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM
        )
    except OSError:
        raise Undeliverable(f"The endpoint host {parts.hostname} does not resolve") from None
    for *_, address in found:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global or ip.is_multicast:
            raise Undeliverable(
                f"The endpoint host {parts.hostname} resolves to {ip}, a non-public address: "
                "refused (FHIRTRIAL_SUBSCRIPTION_ALLOW_PRIVATE allows it)"
            )
