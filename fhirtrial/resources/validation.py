"""Validation of incoming resources against the FHIR R5 models of `fhir.resources`."""

import re
from functools import cache
from typing import Any, cast

import orjson
from fhir.resources import get_fhir_model_class
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from fhirtrial.errors import BadRequest, Issue, Unprocessable
from fhirtrial.resources.subscription_rules import subscription_issues

# A resource id as FHIR defines it (R4 and R5: `[A-Za-z0-9\-\.]{1,64}`).
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
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
def model_class(resource_type: str) -> type[BaseModel] | None:
    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError):
        return None


@cache
def mandatory_elements(resource_type: str) -> frozenset[str]:
    """The type's top-level elements of cardinality 1..: a subsetted resource (`_elements`)
    keeps them, as FHIR asks, so that it stays a valid resource."""
    model = model_class(resource_type)
    if model is None:
        return frozenset()
    found = set()
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if info.is_required() or extra.get("element_required"):
            found.add(info.alias or name)
    return frozenset(found)


def check_id(rid: str) -> None:
    """400 unless `rid`, an id a request addresses, is a FHIR id."""
    if not FHIR_ID.fullmatch(rid):
        raise BadRequest(f"'{rid[:80]}' is not a FHIR id (1 to 64 of A-Z, a-z, 0-9, '-', '.')")


def validate_resource(resource: dict[str, Any]) -> None:
    """Raise Unprocessable (422) with one issue per problem, each naming the element path."""
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str):
        raise BadRequest("The body is not a FHIR resource: it has no resourceType")
    model = model_class(resource_type)
    if model is None:
        raise BadRequest(f"Unknown resource type '{resource_type}'", code="not-supported")
    issues = _null_issues(resource, resource_type)
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        issues.extend(_issue(resource_type, err) for err in exc.errors())
    except Exception as exc:  # fhir.resources' own validators fail on some wrongly typed values
        issues.append(_crash_issue(model, resource, exc))
    issues.extend(_binding_issues(resource))
    if resource_type == "Subscription" and not issues:
        issues.extend(subscription_issues(resource))
    if issues:
        raise Unprocessable(issues)


def _null_issues(resource: dict[str, Any], resource_type: str) -> list[Issue]:
    """FHIR JSON has no nulls (the models let some through), except as placeholders in an array
    of primitives that lines its values up with their extensions (`given` / `_given`)."""
    if b"null" not in orjson.dumps(resource):  # far cheaper than the walk; nearly always true
        return []
    nulls: list[str] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                partner = key[1:] if key.startswith("_") else f"_{key}"
                aligned = isinstance(value, list) and isinstance(node.get(partner), list)
                if value is None:
                    nulls.append(f"{path}.{key}")
                elif isinstance(value, list):
                    for index, item in enumerate(value):
                        if item is not None:
                            walk(item, f"{path}.{key}[{index}]")
                        elif not aligned:
                            nulls.append(f"{path}.{key}[{index}]")
                else:
                    walk(value, f"{path}.{key}")

    walk(resource, resource_type)
    return [
        Issue(
            "error",
            "structure",
            f"{where}: null is not allowed in FHIR JSON; leave it out",
            [where],
        )
        for where in nulls
    ]


_MAX_PROBES = 200


def _crash_issue(model: type[BaseModel], resource: dict[str, Any], exc: Exception) -> Issue:
    """An issue naming the element whose value made the model's validator fail, rather than a
    500. Found by validating smaller and smaller parts of the resource: each step keeps the one
    child that, alone on its path, still makes validation fail (ordinary validation errors of the
    trimmed resource don't count); at most _MAX_PROBES validations."""
    resource_type = resource["resourceType"]
    probes = 0

    def alone(keys: list[str | int], leaf: object) -> dict[str, Any]:
        """A resource holding only `leaf`, at the path `keys`."""
        for key in reversed(keys):
            leaf = [leaf] if isinstance(key, int) else {key: leaf}
        # The path starts with an element name: `leaf` is now an object.
        return {"resourceType": resource_type, **cast(dict[str, Any], leaf)}

    def fails(candidate: dict[str, Any]) -> bool:
        nonlocal probes
        probes += 1
        if probes > _MAX_PROBES:  # a crafted wide body must not cost thousands of validations
            return False
        try:
            model.model_validate(candidate)
        except ValidationError:
            return False
        except Exception:
            return True
        return False

    keys: list[str | int] = []
    value: object = resource
    while isinstance(value, dict | list):
        if isinstance(value, dict):
            children = [(k, v) for k, v in value.items() if k != "resourceType"]
        else:
            children = list(enumerate(value))
        found = next(((k, v) for k, v in children if fails(alone([*keys, k], v))), None)
        if found is None:
            break
        keys.append(found[0])
        value = found[1]
    path = resource_type + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)
    shown = orjson.dumps(value).decode()
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return Issue(
        "error",
        "value",
        f"{path}: {shown} is not a valid value for this element ({type(exc).__name__}: {exc})",
        [path],
    )


def _issue(resource_type: str, err: ErrorDetails) -> Issue:
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


def _fhir_path(resource_type: str, loc: tuple[int | str, ...]) -> str:
    path = resource_type
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part != "__root__":
            path += f".{part}"
    return path


def _binding_issues(resource: dict[str, Any]) -> list[Issue]:
    resource_type = resource["resourceType"]
    issues = []
    for (owner, element), allowed in REQUIRED_CODES.items():
        value = resource.get(element) if owner == resource_type else None
        if not isinstance(value, str) or value in allowed:
            continue  # absent, or not a string at all: the model's validation reports that
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
