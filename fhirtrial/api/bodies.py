"""Reading request bodies: size limit, JSON parsing and nesting limit."""

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request

from fhirtrial.api.fhir_version import body_version
from fhirtrial.errors import BadRequest, FHIRError
from fhirtrial.offload import off_loop

JSON_MEDIA_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
# Bodies larger than this are parsed in the CPU worker thread (~25 ms per MB with the depth
# check): a 10 MB bundle would otherwise hold the event loop for a quarter of a second.
_PARSE_OFF_LOOP_BYTES = 256 * 1024


class PayloadTooLarge(FHIRError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, "too-costly", f"The request body exceeds the limit of {limit} bytes")


class UnsupportedMediaType(FHIRError):
    def __init__(self, media_type: str) -> None:
        super().__init__(
            415,
            "not-supported",
            f"Content-Type '{media_type}' is not supported; send application/fhir+json",
        )


def media_type_of(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(max_bytes)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_resource(request: Request) -> dict[str, Any]:
    """The JSON object in the body, within the server's configured size and nesting limits."""
    settings = request.app.state.context.settings
    return await read_json(
        request, max_bytes=settings.max_body_bytes, max_depth=settings.max_json_depth
    )


async def read_json(
    request: Request,
    *,
    max_bytes: int,
    max_depth: int,
    check: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """The JSON object in the request body, checked for media type, size and nesting; `check`
    (a cheap cap, e.g. on the resources of a `$match`) runs before the nesting walk."""
    media_type = media_type_of(request)
    if media_type not in JSON_MEDIA_TYPES:
        raise UnsupportedMediaType(media_type or "(none)")
    body_version(request)  # 415 for a FHIR version not served
    body = await read_body(request, max_bytes)
    if not body.strip():
        raise BadRequest("The request body is empty; a FHIR resource was expected")
    if len(body) > _PARSE_OFF_LOOP_BYTES:
        data = await off_loop(parse_json, body, max_depth, check)
    else:
        data = parse_json(body, max_depth, check)
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object (a FHIR resource)", code="structure")
    return data


def parse_json(
    body: bytes, max_depth: int, check: Callable[[dict[str, Any]], None] | None = None
) -> Any:
    """The JSON value of `body`; 400 if it is malformed or nested deeper than `max_depth`."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        message = str(exc)
        if "recursion" in message or "depth limit" in message:
            raise BadRequest(f"JSON is nested deeper than {max_depth} levels") from None
        raise BadRequest(f"Malformed JSON: {message}", code="structure") from None
    if check is not None and isinstance(data, dict):
        check(data)
    check_depth(data, max_depth)
    return data


_CONTAINERS = (dict, list)


def check_depth(data: object, max_depth: int) -> None:
    """400 if `data` nests deeper than `max_depth`; walks one level at a time, containers only
    (a fraction of the cost of a per-node walk on large bundles; bench/README.md)."""
    level: list[dict[str, Any] | list[Any]] = (
        [data] if type(data) is dict or type(data) is list else []
    )
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            raise BadRequest(f"JSON is nested deeper than {max_depth} levels", code="structure")
        deeper: list[dict[str, Any] | list[Any]] = []
        for node in level:
            for value in node.values() if isinstance(node, dict) else node:
                if type(value) in _CONTAINERS:
                    deeper.append(value)
        level = deeper


async def search_params(request: Request, max_bytes: int) -> list[tuple[str, str]]:
    """A search's parameters: the URL's, then, for `POST …/_search`, the form body's."""
    params = list(request.query_params.multi_items())
    if request.method == "POST":
        media_type = media_type_of(request)
        if media_type and media_type != FORM_MEDIA_TYPE:
            raise UnsupportedMediaType(media_type)
        body = await read_body(request, max_bytes)
        params += parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return params
