"""The FHIR RESTful interactions. Each handler parses the request, calls the repository once
and formats the answer."""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api import bundles, fhir_version
from fhirtrial.api.audit import note_resource, note_search
from fhirtrial.api.bodies import read_resource as read_json
from fhirtrial.api.bodies import search_params
from fhirtrial.api.capability import capability_statement
from fhirtrial.api.capability_r4 import r4_capability_statement, r5_search_params
from fhirtrial.api.caps import search_outcome
from fhirtrial.api.context import base_url, context
from fhirtrial.api.entries import search_query
from fhirtrial.api.headers import if_match_version, preferences
from fhirtrial.api.history_params import history_params
from fhirtrial.api.limits import search_admission
from fhirtrial.api.responses import check_format, fhir_response
from fhirtrial.api.smart import guards
from fhirtrial.api.smart.discovery import rest_security
from fhirtrial.errors import BadRequest, MethodNotAllowed, NotFound
from fhirtrial.resources.dates import format_instant, http_date
from fhirtrial.resources.outcome import information
from fhirtrial.resources.registry import READ_ONLY_TYPES, RESOURCE_TYPES, ResourceType
from fhirtrial.resources.summary import read_subsetting, subsetted
from fhirtrial.resources.validation import check_id
from fhirtrial.store.documents import Stored
from fhirtrial.store.repository import WriteResult

_STARTED = format_instant(datetime.now(UTC))


def _type(request: Request) -> ResourceType:
    name = request.path_params["resource_type"]
    spec = RESOURCE_TYPES.get(name)
    if spec is None:
        raise NotFound(f"Resource type '{name}' is not supported by this server")
    return spec


def _writable_type(request: Request) -> ResourceType:
    spec = _type(request)
    if spec.name in READ_ONLY_TYPES:
        raise MethodNotAllowed(
            f"{spec.name} is read-only: the server records it itself", allow="GET, HEAD"
        )
    return spec


def _version_headers(stored: Stored) -> dict[str, str]:
    return {"ETag": f'W/"{stored.version}"', "Last-Modified": http_date(stored.last_updated)}


def _check_body_type(body: dict[str, Any], spec: ResourceType) -> None:
    found = body.get("resourceType")
    if found != spec.name:
        what = found or "JSON object without resourceType"
        raise BadRequest(f"The body is a {what}, but the URL is for {spec.name}")


async def metadata(request: Request) -> Response:
    version = check_format(request)
    security = await rest_security(request)
    statement = capability_statement(base_url(request), date=_STARTED, security=security)
    if version == fhir_version.R4:
        statement = r4_capability_statement(statement)
    return fhir_response(request, statement, written_in=version)


async def versions(request: Request) -> Response:
    """`$versions`: the FHIR versions served and the default (versioning.html#mt-version)."""
    if fhir_version.wants_plain_json(request):
        content = orjson.dumps(fhir_version.versions_json(request))
        return Response(content=content, media_type="application/json")
    version = check_format(request)
    return fhir_response(request, fhir_version.versions(request), written_in=version)


async def health(request: Request) -> Response:
    """Liveness for orchestrators: 200 when the database answers, 503 otherwise."""
    await context(request).repository.database.ping()
    return fhir_response(request, information("fhirtrial is up and its database answers"))


async def read(request: Request) -> Response:
    check_format(request)
    spec = _type(request)
    shape = read_subsetting(list(request.query_params.multi_items()))
    stored = await context(request).repository.read(spec.name, request.path_params["rid"])
    guards.confine_read(request, stored.resource)
    note_resource(request, stored.resource)
    headers = _version_headers(stored)
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return fhir_response(request, subsetted(stored.resource, *shape), headers=headers)


async def vread(request: Request) -> Response:
    check_format(request)
    spec = _type(request)
    shape = read_subsetting(list(request.query_params.multi_items()))
    stored = await context(request).repository.vread(
        spec.name, request.path_params["rid"], request.path_params["vid"]
    )
    guards.confine_read(request, stored.resource)
    note_resource(request, stored.resource)
    return fhir_response(
        request, subsetted(stored.resource, *shape), headers=_version_headers(stored)
    )


async def create(request: Request) -> Response:
    version = check_format(request)
    spec = _writable_type(request)
    body = fhir_version.resource_in_r5(request, await read_json(request))
    _check_body_type(body, spec)
    await guards.confine_write(request, spec.name, "c", body=body)
    condition = None
    criteria = _create_condition(request)
    if criteria is not None:
        if version == fhir_version.R4:
            criteria = r5_search_params(spec.name, criteria)
        condition = search_query(request, spec, criteria, lenient=False)
        if not condition.criteria and not condition.joins:
            raise BadRequest("If-None-Exist must contain at least one search parameter")
        # The condition is a search: it answers with what it finds (200 with the match, 412
        # for several), so it needs the right to search, within the caller's compartment.
        guards.confine_search(request, condition)
    result = await context(request).repository.create(body, if_none_exist=condition)
    return _write_response(request, result)


def _create_condition(request: Request) -> list[tuple[str, str]] | None:
    """The search of a conditional create: `If-None-Exist`, or the query of `POST [type]?…`
    (what fhirpy's `get_or_create` sends; the spec defines no other meaning for it, and ignoring
    it would store a duplicate each time)."""
    header = request.headers.get("if-none-exist")
    query = [
        (k, v) for k, v in request.query_params.multi_items() if k not in ("_format", "_pretty")
    ]
    if query and header is not None:
        raise BadRequest("Give the conditional create's search once: If-None-Exist or the URL")
    if query:
        return query
    return None if header is None else parse_qsl(header.lstrip("?"))


async def update(request: Request) -> Response:
    check_format(request)
    spec = _writable_type(request)
    rid = request.path_params["rid"]
    check_id(rid)
    body = fhir_version.resource_in_r5(request, await read_json(request))
    _check_body_type(body, spec)
    if "id" not in body:
        raise BadRequest(f"The resource in a PUT must carry its id ({rid})")
    if body["id"] != rid:
        raise BadRequest(f"The resource id '{body['id']}' does not match the URL id '{rid}'")
    await guards.confine_write(request, spec.name, "u", body=body, rid=rid)
    result = await context(request).repository.update(
        spec.name, rid, body, if_match=if_match_version(request)
    )
    return _write_response(request, result)


async def delete(request: Request) -> Response:
    spec = _writable_type(request)
    rid = request.path_params["rid"]
    await guards.confine_write(request, spec.name, "d", rid=rid)
    version = await context(request).repository.delete(spec.name, rid)
    headers = {"ETag": f'W/"{version}"'} if version is not None else {}
    if preferences(request).return_ == "OperationOutcome":
        return fhir_response(request, information(f"Deleted {spec.name}/{rid}"), headers=headers)
    return Response(status_code=204, headers=headers)


async def search(request: Request) -> Response:
    version = check_format(request)
    spec = _type(request)
    params = await search_params(request, context(request).settings.max_body_bytes)
    if version == fhir_version.R4:
        params = r5_search_params(spec.name, params)
    note_search(request, params)
    prefer = preferences(request)
    query = search_query(request, spec, params, lenient=prefer.lenient, strict=prefer.strict)
    guards.confine_search(request, query)
    settings = context(request).settings
    async with search_admission(request).admitted():
        result = await context(request).repository.search(
            query, include_limit=settings.max_included
        )
    outcome = search_outcome(
        query.ignored,
        result.includes_truncated,
        settings.max_included,
        settings.max_counted if result.total_uncounted else 0,
    )
    bundle = bundles.searchset(
        base_url(request),
        spec.name,
        result,
        params=query.echoed,
        count=query.count,
        offset=query.offset,
        elements=query.elements,
        outcome=outcome,
        summary_count=query.summary_count,
        summary=query.summary,
    )
    return fhir_response(request, bundle)


async def operation(request: Request) -> Response:
    from fhirtrial.api.operations import GET_OPERATIONS, INSTANCE_OPERATIONS, OPERATIONS

    spec = _type(request)
    name = request.path_params["operation"]
    entry = OPERATIONS.get((spec.name, name))
    instance = "rid" in request.path_params
    if entry is None or (instance and name not in INSTANCE_OPERATIONS):
        where = f"a {spec.name} instance" if instance else spec.name
        raise NotFound(f"Operation ${name} is not defined on {where}")
    if name in GET_OPERATIONS and request.method in ("GET", "POST"):
        pass
    elif request.method != "POST":
        # Both take a resource in the body ($match a Bundle, $import studies or changes state).
        raise MethodNotAllowed(f"${name} is invoked with POST", allow="POST")
    fhir_version.check_version(request)  # before the operation does anything
    return await entry[0](request)


async def history_instance(request: Request) -> Response:
    spec = _type(request)
    return await _history(request, spec, request.path_params["rid"])


async def history_type(request: Request) -> Response:
    return await _history(request, _type(request), None)


async def _history(request: Request, spec: ResourceType, rid: str | None) -> Response:
    check_format(request)
    guards.refuse_confined_history(request, spec.name, instance=rid is not None)
    asked = history_params(request)
    async with search_admission(request).admitted():
        page = await context(request).repository.history(
            spec.name, rid, since=asked.since, count=asked.count, offset=asked.offset
        )
    path = f"{spec.name}/{rid}/_history" if rid else f"{spec.name}/_history"
    bundle = bundles.history(
        base_url(request),
        path,
        page,
        params=asked.echoed,
        count=asked.count,
        offset=asked.offset,
    )
    return fhir_response(request, bundle)


def _write_response(request: Request, result: WriteResult) -> Response:
    stored = result.stored
    note_resource(request, stored.resource)
    resource_type = stored.resource["resourceType"]
    headers = _version_headers(stored)
    location = f"{base_url(request)}/{resource_type}/{stored.id}/_history/{stored.version}"
    headers["Location"] = location
    status = 201 if result.created else 200
    prefer = preferences(request).return_
    if prefer == "minimal":
        return Response(status_code=status, headers=headers)
    if prefer == "OperationOutcome":
        verb = "Created" if result.created else ("Updated" if result.changed else "Unchanged:")
        message = f"{verb} {resource_type}/{stored.id} version {stored.version}"
        return fhir_response(request, information(message), status=status, headers=headers)
    return fhir_response(request, stored.resource, status=status, headers=headers)
