"""Request headers with FHIR meaning: If-Match, If-None-Exist, Prefer."""

import re
from dataclasses import dataclass

from starlette.requests import Request

from fhirtrial.errors import BadRequest

_ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')


def if_match_version(request: Request) -> int | None:
    value = request.headers.get("if-match")
    return None if value is None else etag_version(value, "If-Match")


def etag_version(value: str, name: str) -> int:
    """The version a weak or strong ETag names (`W/"3"`, `"3"`, `3`); 400 for anything else."""
    match = _ETAG.match(value.strip())
    if not match:
        raise BadRequest(f"{name} must be a version ETag like W/\"3\", got '{value}'")
    return int(match.group(1))


@dataclass(frozen=True)
class Preferences:
    return_: str = "representation"
    lenient: bool = False
    strict: bool = False


def preferences(request: Request) -> Preferences:
    header = request.headers.get("prefer", "")
    return_, lenient, strict = "representation", False, False
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        value = value.strip().strip('"')
        if key == "return" and value in ("minimal", "representation", "OperationOutcome"):
            return_ = value
        elif key == "handling":
            lenient, strict = value == "lenient", value == "strict"
    return Preferences(return_, lenient, strict)
