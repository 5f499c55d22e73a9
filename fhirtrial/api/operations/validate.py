"""`POST [type]/$validate` and `POST [type]/[id]/$validate` (FHIR R5 Resource-validate): would
this resource be accepted — generally, as a create, an update, or would this delete be? The
answer is 200 with an OperationOutcome listing the problems (or one "all OK" information
issue); nothing is ever stored.

In: the resource itself, or a Parameters with `resource`, `mode` (create, update, delete,
profile) and `profile` (the base profile of the type only: we validate against no other);
`mode` and `profile` may also be URL parameters beside a bare resource.
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api.bodies import read_resource
from fhirtrial.api.context import context
from fhirtrial.api.responses import check_format, fhir_response
from fhirtrial.api.smart.guards import authorize_validate
from fhirtrial.errors import BadRequest, FHIRError, Issue, NotFound
from fhirtrial.resources.outcome import operation_outcome
from fhirtrial.resources.parameters import Argument, operation_parameters
from fhirtrial.resources.registry import READ_ONLY_TYPES, RESOURCE_TYPES, ResourceType
from fhirtrial.resources.validation import FHIR_ID, validate_resource

DEFINITION = "http://hl7.org/fhir/OperationDefinition/Resource-validate"
# The SMART permission of the interaction each mode checks (no mode: a read's).
_PERMISSIONS = {None: "r", "profile": "r", "create": "c", "update": "u", "delete": "d"}
_QUERY = {"mode", "profile", "_format", "_pretty"}


async def handle(request: Request) -> Response:
    check_format(request)
    spec = RESOURCE_TYPES[request.path_params["resource_type"]]
    rid: str | None = request.path_params.get("rid")
    resource, mode, profile = _arguments(request, await read_resource(request))
    if mode in ("update", "delete") and rid is None:
        raise BadRequest(f"mode={mode} validates against a resource: POST [type]/[id]/$validate")
    if mode != "delete" and resource is None:
        raise BadRequest("$validate needs the resource to validate")
    await authorize_validate(request, spec.name, _PERMISSIONS[mode], body=resource, rid=rid)
    if profile is not None and profile.split("|")[0] != spec.profile:
        raise BadRequest(
            f"This server validates {spec.name} against its base profile {spec.profile} only, "
            f"not {profile}",
            code="not-supported",
        )
    issues = await _issues(request, spec, resource, mode, rid)
    if not any(issue.severity in ("error", "fatal") for issue in issues):
        what = f"as a {mode}" if mode in ("create", "update", "delete") else "against FHIR R5"
        issues.append(Issue("information", "informational", f"All OK: valid {what}"))
    return fhir_response(request, operation_outcome(issues))


async def _issues(
    request: Request,
    spec: ResourceType,
    resource: dict[str, Any] | None,
    mode: str | None,
    rid: str | None,
) -> list[Issue]:
    issues: list[Issue] = []
    if mode in ("create", "update", "delete") and spec.name in READ_ONLY_TYPES:
        issues.append(
            Issue("error", "not-supported", f"{spec.name} is read-only: the server records it")
        )
    if rid is not None and not FHIR_ID.fullmatch(rid):
        issues.append(Issue("error", "invalid", f"'{rid[:80]}' is not a FHIR id"))
    if mode == "delete":
        try:
            await context(request).repository.read(spec.name, rid or "")
        except NotFound:
            issues.append(Issue("error", "not-found", f"{spec.name}/{rid} is not known"))
        except FHIRError:  # already deleted: deleting it again is allowed (204)
            pass
        return issues
    assert resource is not None
    found = resource.get("resourceType")
    if found != spec.name:
        issues.append(
            Issue("error", "invalid", f"The resource is a {found}, but $validate is on {spec.name}")
        )
        return issues
    if mode == "update" and resource.get("id") != rid:
        issues.append(
            Issue(
                "error",
                "invalid",
                f"An update of {spec.name}/{rid} must carry the id '{rid}', "
                f"not {resource.get('id')!r}",
                [f"{spec.name}.id"],
            )
        )
    try:
        validate_resource(resource)
    except FHIRError as error:
        issues.extend(error.issues)
    return issues


def _arguments(
    request: Request, body: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """(resource, mode, profile) from a Parameters body, or a bare resource and the URL."""
    unknown = sorted(set(request.query_params) - _QUERY)
    if unknown:
        raise BadRequest(f"unknown URL parameter(s) for $validate: {', '.join(unknown)}")
    if body.get("resourceType") != "Parameters":
        mode = request.query_params.get("mode")
        return body, _mode(mode) if mode is not None else None, request.query_params.get("profile")
    values = operation_parameters(DEFINITION).read(
        body,
        {
            "resource": lambda a: a.value,
            "mode": lambda a: _mode(a.value, a),
            "profile": _canonical,
        },
    )
    resource = values.get("resource", [None])[0]
    return resource, values.get("mode", [None])[0], values.get("profile", [None])[0]


def _mode(value: Any, argument: Argument | None = None) -> str:
    if value not in ("create", "update", "delete", "profile"):
        where = [argument.where] if argument else []
        raise BadRequest(
            f"mode must be create, update, delete or profile, got {value!r}", expression=where
        )
    return str(value)


def _canonical(argument: Argument) -> str:
    if not isinstance(argument.value, str) or not argument.value:
        raise BadRequest(
            f"{argument.where}: profile needs a valueCanonical", expression=[argument.where]
        )
    return argument.value
