"""`_summary` and `_elements`: the parts of a resource a client asked for, marked SUBSETTED."""

from typing import Any

from pydantic import BaseModel

from fhirtrial.errors import BadRequest
from fhirtrial.resources.model_info import element, element_model
from fhirtrial.resources.validation import mandatory_elements, model_class

SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
}
SUMMARY_MODES = ("true", "text", "data", "false")
_ALWAYS = ("resourceType", "id", "meta")


def summarize(resource: dict[str, Any], mode: str) -> dict[str, Any]:
    """The resource as `_summary=mode` asks (true, text, data, or false for all of it)."""
    if mode == "false":
        return resource
    resource_type = str(resource.get("resourceType"))
    if mode == "data":
        out = {k: v for k, v in resource.items() if k not in ("text", "_text")}
    elif mode == "text":
        keep = {*_ALWAYS, "text", *mandatory_elements(resource_type)}
        out = {k: v for k, v in resource.items() if k in keep}
    else:
        out = _summary_elements(resource, model_class(resource_type), resource_type)
    return _tagged(out)


def elements_subset(resource: dict[str, Any], elements: tuple[str, ...]) -> dict[str, Any]:
    """The top-level `elements` asked for, with the mandatory ones that keep it valid."""
    keep = {*_ALWAYS, *elements, *mandatory_elements(resource["resourceType"])}
    return _tagged({k: v for k, v in resource.items() if k in keep})


def _summary_elements(
    node: dict[str, Any], model: type[BaseModel] | None, resource_type: str
) -> dict[str, Any]:
    """The elements the base definition marks as summary (and the mandatory ones), down into
    the resource's own backbone elements; data types are kept whole."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        name = key[1:] if key.startswith("_") else key
        info = element(model, name)
        if key in _ALWAYS or (info is not None and (info.summary or info.required)):
            backbone = info is not None and (info.type_name or "").startswith(resource_type)
            if backbone and not key.startswith("_"):
                inner = element_model(model, name)
                if isinstance(value, list):
                    value = [_summary_elements(v, inner, resource_type) for v in value]
                    value = [v for v in value if v]
                else:
                    value = _summary_elements(value, inner, resource_type)
            if value or value is False or value == 0:
                out[key] = value
    return out


def _tagged(resource: dict[str, Any]) -> dict[str, Any]:
    meta = dict(resource.get("meta") or {})
    tags = meta.get("tag", [])
    meta["tag"] = tags if SUBSETTED in tags else [*tags, SUBSETTED]
    return {**resource, "meta": meta}


def read_subsetting(params: list[tuple[str, str]]) -> tuple[str, tuple[str, ...]]:
    """`_summary` and `_elements` of a read or vread: (summary mode, elements)."""
    mode, elements = "false", tuple[str, ...]()
    for name, value in params:
        if name == "_summary":
            if value == "count":
                raise BadRequest("_summary=count applies to searches, not to a read")
            if value not in SUMMARY_MODES:
                raise BadRequest("_summary must be true, text, data or false")
            mode = value
        elif name == "_elements":
            elements = tuple(e.strip() for e in value.split(",") if e.strip())
    if mode != "false" and elements:
        raise BadRequest("Ask for either _summary or _elements, not both")
    return mode, elements


def subsetted(resource: dict[str, Any], mode: str, elements: tuple[str, ...]) -> dict[str, Any]:
    if elements:
        return elements_subset(resource, elements)
    return summarize(resource, mode)
