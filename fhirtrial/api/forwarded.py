"""The public origin a trusted reverse proxy reports: `Forwarded` (RFC 7239) `host` and
`proto`, else `X-Forwarded-Host` and `X-Forwarded-Proto`.

Believed only from the proxies FHIRTRIAL_TRUSTED_PROXIES names (addresses or networks), judged
by the socket's peer: anyone else could write these headers to make the server hand out links
to a host of their choosing. Of several values (a chain of proxies) the last is taken, the one
the proxy next to us wrote.
"""

import ipaddress
import re
from functools import cache

from starlette.requests import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")
_PAIR = re.compile(r'\s*([A-Za-z]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*)\s*')


@cache
def trusted_networks(setting: str) -> tuple[Network, ...]:
    """The networks of FHIRTRIAL_TRUSTED_PROXIES (comma-separated addresses or CIDRs)."""
    return tuple(
        ipaddress.ip_network(p.strip(), strict=False) for p in setting.split(",") if p.strip()
    )


def forwarded_origin(request: Request, trusted: tuple[Network, ...]) -> str | None:
    """`proto://host` as the trusted proxy reports it, None when there is none to believe."""
    if not trusted or request.client is None:
        return None
    try:
        peer = ipaddress.ip_address(request.client.host)
    except ValueError:
        return None
    if not any(peer in network for network in trusted):
        return None
    host, proto = _from_forwarded(request.headers.getlist("forwarded"))
    if host is None:
        host = _last(request.headers.getlist("x-forwarded-host"))
    if proto is None:
        proto = _last(request.headers.getlist("x-forwarded-proto"))
    if host is None or not _HOST.fullmatch(host):
        return None
    proto = (proto or request.url.scheme).lower()
    if proto not in ("http", "https"):
        return None
    return f"{proto}://{host}"


def _last(values: list[str]) -> str | None:
    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return items[-1] if items else None


def _from_forwarded(values: list[str]) -> tuple[str | None, str | None]:
    """`host` and `proto` of the last element of `Forwarded` headers."""
    elements = [e for value in values for e in _elements(value)]
    if not elements:
        return None, None
    last = elements[-1]
    return last.get("host"), last.get("proto")


def _elements(value: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    current: dict[str, str] = {}
    at = 0
    while at < len(value):
        match = _PAIR.match(value, at)
        if match is None or match.end() == at:
            return out  # malformed: keep the elements read so far, none of this one
        key, raw = match.group(1).lower(), match.group(2)
        current[key] = re.sub(r"\\(.)", r"\1", raw[1:-1]) if raw.startswith('"') else raw
        at = match.end()
        if at < len(value) and value[at] == ";":
            at += 1
        elif at < len(value) and value[at] == ",":
            out.append(current)
            current = {}
            at += 1
        elif at < len(value):
            return out
    if current:
        out.append(current)
    return out
