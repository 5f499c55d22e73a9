"""A TestScript `operation` as an HTTP request.

The URL is the operation's `url`, or built from its `type` (the testscript-operation-codes read,
vread, create, update, updateCreate, delete, search, history, capabilities, patch, batch,
transaction, and a FHIR operation by `url`/`params`), its `resource` type and `params`, or the
`targetId` whose resource's id (and version, for vread) it names. The body is the `sourceId`
fixture or response; an update sends it with the id of the URL.
"""

import copy
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fhirtrial.testscript.exchange import Exchange
from fhirtrial.testscript.variables import Variables

FHIR_JSON = "application/fhir+json"
STRUCTURE_PREFIX = "http://hl7.org/fhir/StructureDefinition/"
METHODS = {
    "read": "GET",
    "vread": "GET",
    "search": "GET",
    "history": "GET",
    "capabilities": "GET",
    "create": "POST",
    "batch": "POST",
    "transaction": "POST",
    "update": "PUT",
    "updateCreate": "PUT",
    "delete": "DELETE",
    "patch": "PATCH",
}
WITH_BODY = {"create", "update", "updateCreate", "patch", "batch", "transaction"}


class OperationError(ValueError):
    """The operation cannot be turned into a request (a missing fixture, type or id)."""


@dataclass
class Request:
    method: str
    url: str
    headers: dict[str, str]
    body: Any


def build_request(
    operation: dict[str, Any],
    base_url: str,
    variables: Variables,
    sources: dict[str, Exchange],
) -> Request:
    code = str(operation.get("type", {}).get("code", ""))
    if "origin" in operation or "destination" in operation:
        raise OperationError("origin/destination (tests across several servers) are not supported")
    source = _source(operation.get("sourceId"), sources)
    target = _source(operation.get("targetId"), sources)
    body = copy.deepcopy(source.body) if source is not None else None
    resource_type = _resource_type(operation, body, target)
    if "url" in operation:
        url = _absolute(base_url, variables.substitute(str(operation["url"])))
    else:
        url = _url(code, base_url, resource_type, operation, variables, target, body)
    method = str(operation.get("method", "")).upper() or METHODS.get(code, "")
    if not method:
        raise OperationError(f"no method for operation type {code!r}")
    headers = {"Accept": _mime(operation.get("accept"))}
    if body is not None and (code in WITH_BODY or method in ("POST", "PUT", "PATCH")):
        headers["Content-Type"] = _mime(operation.get("contentType"))
        if code in ("update", "updateCreate") and isinstance(body, dict):
            body["id"] = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    else:
        body = None
    for header in operation.get("requestHeader", []):
        headers[str(header["field"])] = variables.substitute(str(header["value"]))
    return Request(method, url, headers, body)


def _source(source_id: Any, sources: dict[str, Exchange]) -> Exchange | None:
    if source_id is None:
        return None
    if source_id not in sources:
        raise OperationError(f"no fixture or response {source_id!r} (yet)")
    return sources[source_id]


def _resource_type(operation: dict[str, Any], body: Any, target: Exchange | None) -> str:
    declared = str(operation.get("resource", "")).removeprefix(STRUCTURE_PREFIX)
    if declared:
        return declared
    for resource in (body, target.body if target else None):
        if isinstance(resource, dict) and "resourceType" in resource:
            return str(resource["resourceType"])
    return ""


def _url(
    code: str,
    base_url: str,
    resource_type: str,
    operation: dict[str, Any],
    variables: Variables,
    target: Exchange | None,
    body: Any,
) -> str:
    base = base_url.rstrip("/")
    if code == "capabilities":
        return f"{base}/metadata"
    if code in ("batch", "transaction"):
        return base
    if not resource_type:
        raise OperationError(f"operation {code!r} names no resource type")
    if "params" in operation:
        return f"{base}/{resource_type}{variables.substitute(str(operation['params']))}"
    if target is not None:
        resource = target.body if isinstance(target.body, dict) else {}
        if "id" not in resource:
            raise OperationError(f"the target of {code!r} has no id")
        url = f"{base}/{resource_type}/{resource['id']}"
        if code == "vread":
            return f"{url}/_history/{resource.get('meta', {}).get('versionId', '')}"
        return f"{url}/_history" if code == "history" else url
    if code in ("update", "updateCreate") and isinstance(body, dict) and "id" in body:
        return f"{base}/{resource_type}/{body['id']}"
    if code == "history":
        return f"{base}/{resource_type}/_history"
    if code in ("create", "search"):
        return f"{base}/{resource_type}"
    raise OperationError(f"operation {code!r} needs params, url or targetId")


def _absolute(base_url: str, url: str) -> str:
    if urlsplit(url).scheme:
        return url
    return f"{base_url.rstrip('/')}/{url.lstrip('/')}"


def _mime(code: Any) -> str:
    # TestScript R4 used the short codes `json` and `xml`; R5 uses media types.
    return {"json": FHIR_JSON, "xml": "application/fhir+xml"}.get(str(code), str(code or FHIR_JSON))
