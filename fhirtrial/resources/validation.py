"""Validation of incoming resources against the FHIR R5 models of `fhir.resources`."""

from functools import cache

from fhir.resources import get_fhir_model_class
from pydantic import ValidationError

from fhirtrial.errors import BadRequest, Issue, Unprocessable

_PUBLICATION_STATUS = frozenset({"draft", "active", "retired", "unknown"})
_GENDER = frozenset({"male", "female", "other", "unknown"})

# Top-level code elements with a required binding that the models do not enforce.
REQUIRED_CODES: dict[tuple[str, str], frozenset[str]] = {
    ("ResearchStudy", "status"): _PUBLICATION_STATUS,
    ("PlanDefinition", "status"): _PUBLICATION_STATUS,
    ("EvidenceVariable", "status"): _PUBLICATION_STATUS,
    ("ResearchSubject", "status"): _PUBLICATION_STATUS,
    ("Patient", "gender"): _GENDER,
    ("Practitioner", "gender"): _GENDER,
    ("Group", "type"): frozenset(
        {
            "person",
            "animal",
            "practitioner",
            "device",
            "careteam",
            "healthcareservice",
            "location",
            "organization",
            "relatedperson",
            "specimen",
        }
    ),
    ("Group", "membership"): frozenset({"definitional", "enumerated"}),
    ("Location", "status"): frozenset({"active", "suspended", "inactive"}),
    ("Location", "mode"): frozenset({"instance", "kind"}),
}


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
    issues.extend(_binding_issues(resource))
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


def _binding_issues(resource: dict) -> list[Issue]:
    resource_type = resource["resourceType"]
    issues = []
    for (owner, element), allowed in REQUIRED_CODES.items():
        value = resource.get(element) if owner == resource_type else None
        if value is None or value in allowed:
            continue
        path = f"{resource_type}.{element}"
        issues.append(
            Issue(
                "error",
                "code-invalid",
                f"{path}: '{value}' is not one of {', '.join(sorted(allowed))}",
                [path],
            )
        )
    return issues
