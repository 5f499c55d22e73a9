"""What one TestScript operation sent and got back: the source of its assertions and variables."""

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Exchange:
    method: str
    url: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: Any = None
    status: int = 0
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: Any = None

    @classmethod
    def of(cls, response: httpx.Response, request_body: Any) -> "Exchange":
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        return cls(
            method=response.request.method,
            url=str(response.request.url),
            request_headers=dict(response.request.headers),
            request_body=request_body,
            status=response.status_code,
            headers=response.headers,
            body=body,
        )

    @classmethod
    def fixture(cls, resource: dict[str, Any]) -> "Exchange":
        """A fixture seen as a source: its resource is the body."""
        return cls(method="", url="", body=resource)
