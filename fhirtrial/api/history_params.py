"""The URL parameters of a history interaction: `_count`, `_offset`, `_since`, and at the
system level `_type`."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request

from fhirtrial.api.context import context
from fhirtrial.api.headers import preferences
from fhirtrial.errors import BadRequest
from fhirtrial.resources.dates import parse_range


@dataclass
class HistoryParams:
    count: int
    offset: int
    since: datetime | None
    types: list[str] | None
    """What `_type` names (system level), None without."""
    echoed: list[tuple[str, str]]
    """The parameters the history used, for the Bundle's self link."""


def history_params(
    request: Request, *, type_param: Callable[[str], list[str] | None] | None = None
) -> HistoryParams:
    """Parse the query in order; `_type` is known only where `type_param` reads it. An unknown
    parameter is a 400 unless the client prefers lenient handling (then it is ignored)."""
    settings = context(request).settings
    count, offset, since, types = settings.default_page_size, 0, None, None
    echoed = []
    for key, value in request.query_params.multi_items():
        if key in ("_format", "_pretty"):
            continue
        if key == "_count":
            count = min(int_param(key, value), settings.max_page_size)
        elif key == "_offset":
            offset = int_param(key, value)
        elif key == "_since":
            since = _since(value)
        elif key == "_type" and type_param is not None:
            types = type_param(value)
        elif not preferences(request).lenient:
            raise BadRequest(f"Unknown history parameter '{key}'", code="not-supported")
        else:
            continue
        echoed.append((key, value))
    return HistoryParams(count, offset, since, types, echoed)


def int_param(name: str, value: str) -> int:
    if not value.isdigit():
        raise BadRequest(f"{name} must be a non-negative integer, got '{value}'")
    return int(value)


def _since(value: str) -> datetime:
    bounds = parse_range(value)
    if bounds is None:
        raise BadRequest(f"_since must be a FHIR instant, got '{value}'")
    return bounds[0]
