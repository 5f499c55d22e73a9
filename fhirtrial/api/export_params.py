"""The kick-off request of `$export`: its parameters (URL query of a GET, or a Parameters body
of a POST) read into what the job will export, and the types and compartment the caller may
export. Everything wrong is a 400 (403 for a type the token does not allow) before a job
exists; with `Prefer: handling=lenient` what is not supported is ignored instead and named in
the export's error file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl

from starlette.requests import Request

from fhirtrial.api.bodies import read_resource
from fhirtrial.api.headers import preferences
from fhirtrial.api.smart import guards
from fhirtrial.api.smart.authority import authority
from fhirtrial.auth import compartment
from fhirtrial.auth.errors import InsufficientScope
from fhirtrial.auth.policy import authorize, needed_scopes
from fhirtrial.auth.principal import principal
from fhirtrial.errors import BadRequest
from fhirtrial.export.jobs import Part
from fhirtrial.export.selection import part_query
from fhirtrial.resources.dates import parse_range
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.resources.search_query import SearchQuery

OUTPUT_FORMATS = frozenset({"application/fhir+ndjson", "application/ndjson", "ndjson"})
# Exported only when `_type` names it: the audit trail is not part of "all the data".
NOT_BY_DEFAULT = frozenset({"AuditEvent"})
# Search result parameters: a `_typeFilter` selects resources, it does not shape a page.
_RESULT_PARAMETERS = frozenset(
    {"_count", "_offset", "_sort", "_include", "_revinclude", "_elements", "_summary"}
    | {"_total", "_contained", "_containedType", "_format", "_pretty"}
)
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")
_KNOWN = frozenset({"_outputFormat", "_since", "_type", "_typeFilter"})


@dataclass
class ExportAsk:
    parts: list[Part]
    since: datetime | None
    patient: str | None
    notes: list[str] = field(default_factory=list)


async def kick_off_params(request: Request) -> list[tuple[str, str]]:
    """The parameters of a GET (URL query) or a POST (a Parameters resource in the body)."""
    if request.method == "GET":
        return [(k, v) for k, v in request.query_params.multi_items() if k not in ("_pretty",)]
    unknown = sorted(set(request.query_params) - {"_format", "_pretty"})
    if unknown:
        raise BadRequest(
            f"A POST $export takes its parameters in a Parameters body, not the URL "
            f"({', '.join(unknown)})"
        )
    body = await read_resource(request)
    if body.get("resourceType") != "Parameters":
        raise BadRequest("The body of a POST $export must be a Parameters resource")
    params = []
    for index, parameter in enumerate(body.get("parameter") or []):
        values = [
            v
            for k, v in (parameter.items() if isinstance(parameter, dict) else ())
            if k.startswith("value") and isinstance(v, str)
        ]
        name = parameter.get("name") if isinstance(parameter, dict) else None
        if not isinstance(name, str) or len(values) != 1:
            raise BadRequest(
                f"Parameters.parameter[{index}] must have a name and one string-like value "
                "(valueString, valueInstant, valueCode)"
            )
        params.append((name, values[0]))
    return params


def read_export(request: Request, params: list[tuple[str, str]]) -> ExportAsk:
    lenient = preferences(request).lenient
    notes: list[str] = []

    def unsupported(message: str) -> None:
        if not lenient:
            raise BadRequest(message, code="not-supported")
        notes.append(f"Ignored (Prefer: handling=lenient): {message}")

    since, asked, filters = None, None, []
    for name, value in params:
        if name == "_format":
            continue
        if name == "_outputFormat":
            if value.strip() not in OUTPUT_FORMATS:
                raise BadRequest(
                    f"_outputFormat '{value}' is not supported; this server writes "
                    "application/fhir+ndjson (also accepted: application/ndjson, ndjson)",
                    code="not-supported",
                )
        elif name == "_since":
            since = _since(value)
        elif name == "_type":
            asked = (asked or []) + [t.strip() for t in value.split(",") if t.strip()]
        elif name == "_typeFilter":
            filters += [f.strip() for f in value.split(",") if f.strip()]
        elif name not in _KNOWN:
            unsupported(f"The $export parameter '{name}' is not supported")
    if asked is not None:
        for unknown in [t for t in asked if t not in RESOURCE_TYPES]:
            unsupported(f"_type names {unknown}, a type this server does not serve")
        asked = list(dict.fromkeys(t for t in asked if t in RESOURCE_TYPES))
        if not asked:
            raise BadRequest("_type names no type this server serves", code="not-supported")
    types = guards.searchable_types(request, asked)
    if asked is None:
        types = [t for t in types if t not in NOT_BY_DEFAULT]
    by_type = _type_filters(request, filters, types, unsupported)
    patient = None
    parts = []
    for resource_type in types:
        confined = _confinement(request, resource_type)
        searches = by_type.get(resource_type, [])
        if confined is not None:
            patient = confined
            criterion = compartment.search_criterion(resource_type, confined)
            searches = [(*s, criterion) for s in searches] or [(criterion,)]
        parts.append(Part(resource_type, tuple(searches)))
    return ExportAsk(parts, since, patient, notes)


def _since(value: str) -> datetime:
    # A "+" of the time zone left unencoded in a URL arrives as a space.
    text = value.strip().replace(" ", "+")
    bounds = parse_range(text) if _INSTANT.fullmatch(text) else None
    if bounds is None:
        raise BadRequest(
            f"_since must be a FHIR instant (e.g. 2026-01-01T00:00:00Z), not '{value}'"
        )
    return bounds[0]


def _type_filters(
    request: Request, filters: list[str], types: list[str], unsupported: Callable[[str], None]
) -> dict[str, list[tuple[tuple[str, str], ...]]]:
    by_type: dict[str, list[tuple[tuple[str, str], ...]]] = {}
    for text in filters:
        resource_type, mark, query = text.partition("?")
        if not mark or resource_type not in RESOURCE_TYPES:
            raise BadRequest(
                f"_typeFilter '{text}' must be a search of a served type: [type]?[parameters]"
            )
        if resource_type not in types:
            unsupported(f"_typeFilter '{text}' is for {resource_type}, which is not exported")
            continue
        pairs = tuple(parse_qsl(query, keep_blank_values=True))
        shaping = sorted({k.partition(":")[0] for k, _ in pairs} & _RESULT_PARAMETERS)
        if shaping or not pairs:
            raise BadRequest(
                f"_typeFilter '{text}' must select resources with search parameters"
                + (f"; {', '.join(shaping)} shape a page and cannot be used" if shaping else "")
            )
        # 400 for a parameter the type does not have.
        _check_joins(request, part_query(Part(resource_type), pairs))
        by_type.setdefault(resource_type, []).append(pairs)
    return by_type


def _check_joins(request: Request, query: SearchQuery) -> None:
    """The inner searches of chains and `_has` run when the job does, without the request:
    each must reach its type unconfined (a patient-level token would see other patients)."""
    for join in query.joins:
        for inner in join.inners:
            if _confinement(request, inner.resource_type) is not None:
                raise InsufficientScope(
                    f"A chained or _has _typeFilter through {inner.resource_type} is not "
                    "available with patient-level scopes",
                    needed_scopes(inner.resource_type, "s")[:2],
                )
            _check_joins(request, inner)


def _confinement(request: Request, resource_type: str) -> str | None:
    """The launch patient a patient-level token confines the export of this type to."""
    if not authority(request).required:
        return None
    return authorize(principal(request), resource_type, "s")
