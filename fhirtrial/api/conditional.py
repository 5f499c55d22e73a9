"""Conditional update (`PUT [type]?search`) and conditional delete (`DELETE [type]?search`),
performed as a Bundle entry with the same request would be (fhirtrial.api.entries).

Update (R5 http.html#cond-update): no match creates (with a new id, guarded like a conditional
create so that concurrent identical requests make one resource; or with the resource's own id,
409 if a resource has it), one match is updated (a resource id other than the match's is 400),
several are 412. Delete: single delete,
no match is 204 with nothing deleted, several are 412.
"""

from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api import entries as ops
from fhirtrial.api import fhir_version
from fhirtrial.api.audit import note_resource, note_written
from fhirtrial.api.bodies import read_resource
from fhirtrial.api.context import base_url, context
from fhirtrial.api.headers import if_match_version, preferences
from fhirtrial.api.responses import check_format, fhir_response
from fhirtrial.errors import BadRequest, NotFound
from fhirtrial.resources.dates import http_date
from fhirtrial.resources.outcome import information
from fhirtrial.resources.registry import RESOURCE_TYPES

# Result parameters of the response, not part of the condition.
_FORMAT_PARAMS = ("_format", "_pretty")


def _entry(request: Request, method: str) -> ops.Entry:
    name = request.path_params["resource_type"]
    if name not in RESOURCE_TYPES:
        raise NotFound(f"Resource type '{name}' is not supported by this server")
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in _FORMAT_PARAMS]
    if not params:
        what = "update" if method == "PUT" else "delete"
        raise BadRequest(
            f"A {method} on {name} needs an id ({name}/[id]) or a search (conditional {what})"
        )
    return ops.Entry(0, method, name, params=params, if_match=if_match_version(request))


async def update(request: Request) -> Response:
    check_format(request)
    entry = _entry(request, "PUT")
    ops.check_writable(entry)
    entry.resource = fhir_version.resource_in_r5(request, await read_resource(request))
    outcome = await ops.put(ops.EntryContext(request, context(request).repository), entry)
    stored = outcome.stored
    assert stored is not None
    note_resource(request, stored.resource)
    headers = {
        "ETag": f'W/"{stored.version}"',
        "Last-Modified": http_date(stored.last_updated),
        "Location": f"{base_url(request)}/{entry.resource_type}/{stored.id}/_history/"
        f"{stored.version}",
    }
    prefer = preferences(request).return_
    if prefer == "minimal":
        return Response(status_code=outcome.status, headers=headers)
    if prefer == "OperationOutcome":
        verb = "Created" if outcome.status == 201 else "Updated"
        message = f"{verb} {entry.resource_type}/{stored.id} version {stored.version}"
        return fhir_response(request, information(message), status=outcome.status, headers=headers)
    return fhir_response(request, stored.resource, status=outcome.status, headers=headers)


async def delete(request: Request) -> Response:
    entry = _entry(request, "DELETE")
    outcome = await ops.delete(ops.EntryContext(request, context(request).repository), entry)
    headers = {}
    message = f"No {entry.resource_type} matched: nothing was deleted"
    if outcome.written is not None:
        resource_type, rid, version = outcome.written
        note_written(request, [f"{resource_type}/{rid}/_history/{version}"])
        headers["ETag"] = f'W/"{version}"'
        message = f"Deleted {resource_type}/{rid}"
    if preferences(request).return_ == "OperationOutcome":
        return fhir_response(request, information(message), headers=headers)
    return Response(status_code=204, headers=headers)
