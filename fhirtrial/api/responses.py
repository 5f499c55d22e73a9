"""FHIR JSON responses: media type, `_pretty`, `_format` and `Accept` negotiation."""

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.errors import FHIRError

FHIR_JSON = "application/fhir+json; charset=utf-8"
_JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/json+fhir"}
_ACCEPTABLE = (
    "application/fhir+json",
    "application/json",
    "application/*",
    "*/*",
    "application/json+fhir",
)


class NotAcceptable(FHIRError):
    def __init__(self, wanted: str) -> None:
        super().__init__(
            406,
            "not-supported",
            f"Cannot produce '{wanted}'; this server speaks application/fhir+json",
        )


def check_format(request: Request) -> None:
    """Reject a requested response format we cannot produce (406)."""
    fmt = request.query_params.get("_format")
    if fmt is not None:
        if fmt.split(";")[0].strip().lower() not in _JSON_FORMATS:
            raise NotAcceptable(fmt)
        return
    accept = request.headers.get("accept")
    if not accept:
        return
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    if not any(kind in _ACCEPTABLE for kind in kinds):
        raise NotAcceptable(accept)


def fhir_response(
    request: Request | None,
    body: dict[str, Any] | None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    pretty = request is not None and request.query_params.get("_pretty") == "true"
    content = b""
    if body is not None:
        content = orjson.dumps(body, option=orjson.OPT_INDENT_2 if pretty else 0)
    response = Response(content=content, status_code=status, headers=headers)
    if body is not None:
        response.headers["content-type"] = FHIR_JSON
    return response
