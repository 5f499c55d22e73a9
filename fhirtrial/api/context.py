"""What a request handler needs from the running server, kept on `app.state`."""

import ipaddress
from dataclasses import dataclass

from starlette.requests import Request

from fhirtrial.api.forwarded import forwarded_origin, trusted_networks
from fhirtrial.audit.log import AuditLog
from fhirtrial.config import Settings
from fhirtrial.matching.service import MatchService
from fhirtrial.store.repository import Repository


@dataclass
class ServerContext:
    settings: Settings
    repository: Repository
    matching: MatchService
    audit: AuditLog


def context(request: Request) -> ServerContext:
    server: ServerContext = request.app.state.context
    return server


def base_url(request: Request) -> str:
    """The base of the links the server writes (`Location`, `fullUrl`, paging): always
    FHIRTRIAL_BASE_URL when it is set; else what a proxy of FHIRTRIAL_TRUSTED_PROXIES forwards
    (`Forwarded`, `X-Forwarded-Host`/`-Proto`); else the request's Host header, which any client
    chooses (developer mode: production sets FHIRTRIAL_BASE_URL)."""
    settings = context(request).settings
    if settings.base_url:
        # The R4 base (api.r4_base) lives under the configured one.
        return settings.base_url.rstrip("/") + str(request.scope.get("fhirtrial.base_path", ""))
    origin = forwarded_origin(request, trusted_networks(settings.trusted_proxies))
    if origin is not None:
        # root_path holds the R4 base too when the request came through it.
        return f"{origin}{request.scope.get('root_path', '')}".rstrip("/")
    return str(request.base_url).rstrip("/")


def host_header_warning(bind_host: str, configured_base_url: str | None) -> str | None:
    """What `fhirtrial serve` warns about when it listens beyond loopback without a base URL."""
    if configured_base_url or _is_loopback(bind_host):
        return None
    return (
        f"Listening on {bind_host} without FHIRTRIAL_BASE_URL: links in responses (Location, "
        "fullUrl, paging) are built from each request's Host header, which any client can set. "
        "Set FHIRTRIAL_BASE_URL to the server's public base URL in production."
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
