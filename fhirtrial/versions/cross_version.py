"""HL7's cross-version extensions: an element of one FHIR version carried in another.

An element `Type.path` of R5 travels in R4 as the extension
`http://hl7.org/fhir/5.0/StructureDefinition/extension-Type.path` (FHIR R5 versions.html,
"Cross-version extensions"): a value of a datatype R4 also has becomes `value[x]`; a backbone
element (or an R5-only datatype) becomes a complex extension, one sub-extension per child named
by the child's name, repeated children repeated in order, the element's own extensions kept as
sub-extensions with their absolute URLs. Each converter says which elements it carries and of
which type in an `ElementTypes` table; an element missing from it cannot be carried.
"""

from collections.abc import Collection, Mapping
from typing import Any

R5_EXTENSION = "http://hl7.org/fhir/5.0/StructureDefinition/extension-"
R4_EXTENSION = "http://hl7.org/fhir/4.0/StructureDefinition/extension-"

ElementTypes = Mapping[str, tuple[str, bool]]
"""Element path → (FHIR type, repeats). Type "BackboneElement" (or an R5-only datatype listed
as such) is carried child by child; every other type as value[x]."""

BACKBONE = "BackboneElement"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

_Repeated = dict[str, tuple[list[Any], list[Any]]]
"""A repeating element's name → its decoded items and their `_` companions, in order."""


class NotConvertible(Exception):
    """The resource holds something the other FHIR version cannot carry; the message says what."""


def value_key(fhir_type: str) -> str:
    return "value" + fhir_type[0].upper() + fhir_type[1:]


def encode(
    types: ElementTypes, path: str, value: Any, url: str, underscore: Any = None
) -> dict[str, Any]:
    """One occurrence of the element at `path` as an extension with `url`."""
    fhir_type, _ = _type_of(types, path)
    extension: dict[str, Any] = {"url": url}
    if fhir_type != BACKBONE:
        if underscore is not None:
            # JSON allows `_valueString` in an extension, but fhir.resources (R4B and R5)
            # rejects it: refused rather than emitted unvalidated.
            raise NotConvertible(f"The extensions on {path} cannot be carried in R4 here")
        extension[value_key(fhir_type)] = value
        return extension
    if not isinstance(value, dict):
        raise NotConvertible(f"{path} is not an object")
    if "id" in value:
        extension["id"] = value["id"]
    children: list[dict[str, Any]] = list(value.get("extension", []))
    if "modifierExtension" in value:
        raise NotConvertible(f"{path} has a modifierExtension, which R4 cannot carry here")
    for name, child_value in value.items():
        if name in ("id", "extension") or name.startswith("_"):
            continue
        child = f"{path}.{name}"
        _, repeats = _type_of(types, child)
        items = child_value if repeats else [child_value]
        underscores = value.get("_" + name)
        if not repeats:
            underscores = [underscores]
        elif underscores is None:
            underscores = [None] * len(items)
        for item, item_underscore in zip(items, underscores, strict=True):
            children.append(encode(types, child, item, name, item_underscore))
    extension["extension"] = children
    return extension


def decode(types: ElementTypes, path: str, extension: dict[str, Any]) -> tuple[Any, Any]:
    """The element (and its primitive's `_` companion, or None) an extension of `encode` holds."""
    fhir_type, _ = _type_of(types, path)
    if fhir_type != BACKBONE:
        key = value_key(fhir_type)
        if key not in extension:
            raise NotConvertible(f"The extension for {path} has no {key}")
        return extension[key], extension.get("_" + key)
    value: dict[str, Any] = {}
    if "id" in extension:
        value["id"] = extension["id"]
    own: list[dict[str, Any]] = []
    repeated: _Repeated = {}
    for sub in extension.get("extension", []):
        name = sub.get("url", "")
        if ":" in name:  # an absolute URL: the element's own extension
            own.append(sub)
            continue
        child = f"{path}.{name}"
        _, repeats = _type_of(types, child)
        item, item_underscore = decode(types, child, sub)
        _place(value, repeated, name, item, item_underscore, repeats=repeats)
    _place_repeated(value, repeated)
    if own:
        value["extension"] = own
    return value, None


def carry_out(
    types: ElementTypes,
    resource_type: str,
    element: str,
    resource: Mapping[str, Any],
    into: list[dict[str, Any]],
    *,
    base: str = R5_EXTENSION,
) -> None:
    """Append `resource[element]` (if present) to `into` as cross-version extensions (R5's
    elements in R4 by default; `base=R4_EXTENSION` for R4's in R5)."""
    if element not in resource:
        return
    path = f"{resource_type}.{element}"
    _, repeats = _type_of(types, path)
    url = base + path
    value = resource[element]
    underscore = resource.get("_" + element)
    if not repeats:
        into.append(encode(types, path, value, url, underscore))
        return
    underscores = underscore if underscore is not None else [None] * len(value)
    for item, item_underscore in zip(value, underscores, strict=True):
        into.append(encode(types, path, item, url, item_underscore))


def carry_back(
    types: ElementTypes,
    resource_type: str,
    extensions: list[dict[str, Any]],
    into: dict[str, Any],
    *,
    base: str = R5_EXTENSION,
) -> list[dict[str, Any]]:
    """Decode the cross-version extensions in `extensions` for top-level elements of
    `resource_type` into `into`; returns the extensions that are not ones."""
    prefix = f"{base}{resource_type}."
    rest = []
    repeated: _Repeated = {}
    for extension in extensions:
        url = extension.get("url", "")
        element = url[len(prefix) :] if url.startswith(prefix) else ""
        if not element or "." in element:
            rest.append(extension)
            continue
        path = f"{resource_type}.{element}"
        _, repeats = _type_of(types, path)
        value, underscore = decode(types, path, extension)
        _place(into, repeated, element, value, underscore, repeats=repeats)
    _place_repeated(into, repeated)
    return rest


def copy_element(
    source: Mapping[str, Any], target: dict[str, Any], name: str, as_name: str
) -> None:
    """Copy `source[name]` and its `_` companion, where present, to `target` as `as_name`."""
    for prefix in ("", "_"):
        if prefix + name in source:
            target[prefix + as_name] = source[prefix + name]


def put_required(target: dict[str, Any], name: str, value: str | None) -> None:
    """Set an element R4 requires to `value`, or, without one, say that it is unknown (a
    data-absent-reason extension on the element's `_` companion)."""
    if value is None:
        target["_" + name] = {"extension": [{"url": DATA_ABSENT, "valueCode": "unknown"}]}
    else:
        target[name] = value


def reject_unknown(resource: Mapping[str, Any], handled: Collection[str], message: str) -> None:
    """Raise NotConvertible (`message` formatted with the first element, by name) when
    `resource` has an element, or its `_` companion, outside `handled`."""
    unknown = sorted(k for k in resource if k.lstrip("_") not in handled)
    if unknown:
        raise NotConvertible(message.format(unknown[0]))


def _place(
    into: dict[str, Any],
    repeated: _Repeated,
    name: str,
    value: Any,
    underscore: Any,
    *,
    repeats: bool,
) -> None:
    """Put one decoded element into `into`, or, if it repeats, gather it into `repeated`
    for `_place_repeated` (so that its items keep their order)."""
    if repeats:
        items, underscores = repeated.setdefault(name, ([], []))
        items.append(value)
        underscores.append(underscore)
        return
    into[name] = value
    if underscore is not None:
        into["_" + name] = underscore


def _place_repeated(into: dict[str, Any], repeated: _Repeated) -> None:
    for name, (items, underscores) in repeated.items():
        into[name] = items
        if any(u is not None for u in underscores):
            into["_" + name] = underscores


def _type_of(types: ElementTypes, path: str) -> tuple[str, bool]:
    found = types.get(path)
    if found is None:
        raise NotConvertible(f"{path} has no representation in the other FHIR version here")
    return found
