"""FHIR JSON responses: media type, `_pretty`, `_format` and `Accept` negotiation."""

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api.fhir_version import R4, answer_version, check_version
from fhirtrial.errors import FHIRError, Issue
from fhirtrial.resources.outcome import operation_outcome
from fhirtrial.versions.convert import NotConvertible, to_r4

_VERSIONED_JSON = "application/fhir+json; fhirVersion={}; charset=utf-8"
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


def check_format(request: Request) -> str:
    """Reject a requested response format or FHIR version we cannot produce (406); the FHIR
    version of the answer."""
    fmt = request.query_params.get("_format")
    accept = request.headers.get("accept")
    if fmt is not None:
        if fmt.split(";")[0].strip().lower() not in _JSON_FORMATS:
            raise NotAcceptable(fmt)
    elif accept:
        kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
        if not any(kind in _ACCEPTABLE for kind in kinds):
            raise NotAcceptable(accept)
    return check_version(request)


def fhir_response(
    request: Request | None,
    body: dict[str, Any] | None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    written_in: str | None = None,
) -> Response:
    """`body` (R5, or already in the version `written_in`) in the FHIR version the request
    asked for; what R4 cannot carry is a 406 OperationOutcome instead."""
    version = answer_version(request)
    if body is not None and version == R4 and written_in != R4:
        try:
            body = to_r4(body)
        except NotConvertible as error:
            body = operation_outcome([Issue("error", "not-supported", str(error))])
            status, headers = 406, None
    pretty = request is not None and request.query_params.get("_pretty") == "true"
    content = b""
    if body is not None:
        content = orjson.dumps(body, option=orjson.OPT_INDENT_2 if pretty else 0)
    response = Response(content=content, status_code=status, headers=headers)
    if body is not None:
        response.headers["content-type"] = _VERSIONED_JSON.format(version)
    return response
