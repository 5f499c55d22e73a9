"""FHIR version negotiation (FHIR R5 versioning.html#mt-version).

The `fhirVersion` parameter of the media type says which FHIR version a client wants back
(`Accept`, or `_format`) and which one its body is in (`Content-Type`). Served: 4.0 (R4, 4.0.1)
and 5.0 (R5, 5.0.0, the default). Any other → 406 (Accept) or 415 (Content-Type). Under the base
path `/r4` (api.r4_base) R4 is the default instead. R4 covers the types in
`versions.convert.R4_TYPES`; asking R4 of any other type is a 406 before anything is done.
"""

from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from fhirtrial.auth.classify import route_path
from fhirtrial.errors import FHIRError
from fhirtrial.versions.convert import R4_TYPES, R4_WRITABLE, NotConvertible, from_r4

R4 = "4.0"
R5 = "5.0"
DEFAULT = R5
SERVED = {"4.0": R4, "4.0.1": R4, "5.0": R5, "5.0.0": R5}
BASE_VERSION_KEY = "fhirtrial.fhir_version"
"""Scope key set by api.r4_base for requests under `/r4`: the version that base serves."""
BASE_PATH_KEY = "fhirtrial.base_path"
"""Scope key set by api.r4_base: the path appended to the configured base URL."""
R4_OPERATIONS = {("ResearchStudy", "match")}
_R4_SYSTEM_PATHS = {"/metadata", "/$versions", "/health"}


class VersionNotAcceptable(FHIRError):
    def __init__(self, message: str) -> None:
        super().__init__(406, "not-supported", message)


class VersionNotSupported(FHIRError):
    def __init__(self, message: str) -> None:
        super().__init__(415, "not-supported", message)


def base_version(request: Request) -> str:
    return str(request.scope.get(BASE_VERSION_KEY, DEFAULT))


def media_parameters(media_type: str) -> dict[str, str]:
    """The `;`-separated parameters of one media type, names lower-cased, quotes removed."""
    out = {}
    for part in media_type.split(";")[1:]:
        name, _, value = part.partition("=")
        out[name.strip().lower()] = value.strip().strip('"')
    return out


def _served_list() -> str:
    return ", ".join(sorted(SERVED))


def requested_version(request: Request) -> str:
    """The version of the answer: `_format`'s fhirVersion, else the first served one of the
    Accept ranges (by q), else the base's default; 406 when every range asks for another."""
    fmt = request.query_params.get("_format")
    ranges = [fmt] if fmt is not None else request.headers.get("accept", "").split(",")
    wanted: list[tuple[float, int, str | None]] = []
    for order, media in enumerate(ranges):
        if not media.strip():
            continue
        params = media_parameters(media)
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 1.0
        wanted.append((-quality, order, params.get("fhirversion")))
    if not wanted:
        return base_version(request)
    asked = []
    for _, _, version in sorted(wanted):
        if version is None:
            return base_version(request)
        if version in SERVED:
            return _at_base(request, SERVED[version])
        asked.append(version)
    raise VersionNotAcceptable(
        f"FHIR version {', '.join(asked)} is not served; this server serves fhirVersion "
        f"{_served_list()} (GET [base]/$versions)"
    )


def _at_base(
    request: Request, version: str, refusal: Callable[[str], FHIRError] = VersionNotAcceptable
) -> str:
    fixed = request.scope.get(BASE_VERSION_KEY)
    if fixed is not None and fixed != version:
        raise refusal(
            f"The base {request.scope.get(BASE_PATH_KEY, '')} serves FHIR {fixed} only; ask "
            f"the server's root base for FHIR {version}"
        )
    return version


def answer_version(request: Request | None) -> str:
    """The version an answer is written in; a request that asked for one not served (and is
    answered 406) gets its base's version."""
    if request is None:
        return DEFAULT
    try:
        return requested_version(request)
    except FHIRError:
        return base_version(request)


def body_version(request: Request) -> str:
    """The version of the request body: Content-Type's fhirVersion, else the base's default."""
    version = media_parameters(request.headers.get("content-type", "")).get("fhirversion")
    if version is None:
        return base_version(request)
    if version not in SERVED:
        raise VersionNotSupported(
            f"A body in FHIR version {version} is not accepted; send fhirVersion {_served_list()}"
        )
    return _at_base(request, SERVED[version], VersionNotSupported)


def check_version(request: Request) -> str:
    """Refuse early (406) an answer version or a type this request cannot get in it."""
    version = requested_version(request)
    if version == R4:
        kind = request.path_params.get("resource_type")
        operation = request.path_params.get("operation")
        if kind is None and route_path(request.scope).rstrip("/") not in _R4_SYSTEM_PATHS:
            # System search and history mix every type; a batch or transaction would be
            # written before its answer could not be converted.
            raise VersionNotAcceptable(
                f"{request.method} {route_path(request.scope)} is served in FHIR R5 only"
            )
        if kind is not None and kind not in R4_TYPES:
            raise VersionNotAcceptable(
                f"{kind} is served in FHIR R5 only; in R4 this server serves "
                f"{', '.join(sorted(R4_TYPES - {'Bundle', 'OperationOutcome'}))}"
            )
        if operation is not None and (kind, operation) not in R4_OPERATIONS:
            raise VersionNotAcceptable(f"${operation} on {kind} is served in FHIR R5 only")
    return version


def resource_in_r5(request: Request, resource: dict[str, Any]) -> dict[str, Any]:
    """A create/update body in R5: an R4 body (Content-Type fhirVersion=4.0) is converted."""
    if body_version(request) != R4:
        return resource
    kind = resource.get("resourceType")
    if kind not in R4_WRITABLE:
        raise VersionNotSupported(
            f"{kind} is accepted in FHIR R5 only; in R4 this server accepts "
            f"{', '.join(sorted(R4_WRITABLE))}"
        )
    try:
        return from_r4(resource)
    except NotConvertible as error:
        raise VersionNotSupported(str(error)) from None


def versions(request: Request) -> dict[str, Any]:
    """`$versions` as the spec's Parameters (version 1..*, default 1..1)."""
    return {
        "resourceType": "Parameters",
        "parameter": [
            *({"name": "version", "valueCode": v} for v in _versions_at(request)),
            {"name": "default", "valueCode": base_version(request)},
        ],
    }


def versions_json(request: Request) -> dict[str, Any]:
    """`$versions` for a caller asking plain `application/json` (versioning.html#mt-version)."""
    return {"versions": _versions_at(request), "default": base_version(request)}


def _versions_at(request: Request) -> list[str]:
    fixed = request.scope.get(BASE_VERSION_KEY)
    return [R4, R5] if fixed is None else [str(fixed)]


def wants_plain_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return "application/json" in kinds and not any("fhir" in kind for kind in kinds)
