"""Validation of incoming resources against the FHIR R5 models of `fhir.resources`."""

from functools import cache

from fhir.resources import get_fhir_model_class
from pydantic import ValidationError

from fhirtrial.errors import BadRequest, Issue, Unprocessable

# Required bindings on `status` that the models do not enforce.
_STATUS_CODES = {
    "publication": {"draft", "active", "retired", "unknown"},
    "ResearchSubject": {"draft", "active", "retired", "unknown"},
    "Location": {"active", "suspended", "inactive"},
}
_PUBLICATION_STATUS_TYPES = {"ResearchStudy", "PlanDefinition", "EvidenceVariable"}


@cache
def model_class(resource_type: str):
    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError):
        return None


def validate_resource(resource: dict) -> None:
    """Raise Unprocessable (422) with one issue per problem, each naming the element path."""
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str):
        raise BadRequest("The body is not a FHIR resource: it has no resourceType")
    model = model_class(resource_type)
    if model is None:
        raise BadRequest(f"Unknown resource type '{resource_type}'", code="not-supported")
    issues: list[Issue] = []
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        issues.extend(_issue(resource_type, err) for err in exc.errors())
    except (TypeError, ValueError) as exc:
        issues.append(Issue("error", "invalid", f"{resource_type}: {exc}", [resource_type]))
    issues.extend(_status_issues(resource))
    if issues:
        raise Unprocessable(issues)


def _issue(resource_type: str, err: dict) -> Issue:
    path = _fhir_path(resource_type, err.get("loc", ()))
    message = err.get("msg", "invalid value")
    if err.get("type") == "extra_forbidden":
        message = "Unknown element"
    return Issue(
        "error",
        "structure" if "forbidden" in err.get("type", "") else "value",
        f"{path}: {message}",
        [path],
    )


def _fhir_path(resource_type: str, loc: tuple) -> str:
    path = resource_type
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part != "__root__":
            path += f".{part}"
    return path


def _status_issues(resource: dict) -> list[Issue]:
    resource_type = resource["resourceType"]
    key = "publication" if resource_type in _PUBLICATION_STATUS_TYPES else resource_type
    allowed = _STATUS_CODES.get(key)
    status = resource.get("status")
    if allowed is None or status is None or status in allowed:
        return []
    path = f"{resource_type}.status"
    return [
        Issue(
            "error",
            "code-invalid",
            f"{path}: '{status}' is not one of {', '.join(sorted(allowed))}",
            [path],
        )
    ]
