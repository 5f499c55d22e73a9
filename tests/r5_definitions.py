"""Validation against the official FHIR R5 definitions (`hl7.fhir.r5.core` 5.0.0, vendored in
tests/data/fhir-r5/ by tools/fetch_r5_definitions.py).

Two independent checks, because neither covers the other:

- the R5 JSON schema (`fhir.schema.json`, draft-06, with `jsonschema`): element names, JSON
  types, primitive formats (the regexes of id, date, dateTime, uri, ...), nesting;
- the StructureDefinitions' snapshots, which the R5 schema does not encode: every element's
  minimum and maximum cardinality (`ResearchStudy.status` is 1..1, yet the schema requires only
  `resourceType`), and required bindings of `code`, `Coding` and `CodeableConcept` elements to
  value sets that can be expanded from the package (explicit concepts, or whole code systems).

Not checked: invariants (FHIRPath constraints), profiles named in `meta.profile`, bindings to
value sets defined by filters or outside the package, and the cardinalities of resource types the
server does not serve (only the served types' StructureDefinitions are vendored).
"""

import gzip
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator, ValidationError
from jsonschema.validators import extend

FOLDER = Path(__file__).parent / "data" / "fhir-r5"
CODED_TYPES = ("code", "Coding", "CodeableConcept")


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        gzip.decompress((FOLDER / "fhir.schema.json.gz").read_bytes())
    )
    return schema


def _resource_by_type(
    validator: Any, mapping: dict[str, str], instance: Any, _schema: dict[str, Any]
) -> Any:
    """`ResourceList`, read by its discriminator: a resource is valid when it is valid for the
    definition its `resourceType` names. The schema's own `oneOf` over all 158 resource types
    means the same — each definition requires its own `resourceType` constant, so at most one can
    match — but checks a nested resource against every type: minutes for one `$match` Bundle."""
    if not isinstance(instance, dict):
        yield ValidationError(f"{instance!r} is not a resource (a JSON object)")
        return
    target = mapping.get(str(instance.get("resourceType")))
    if target is None:
        yield ValidationError(f"{instance.get('resourceType')!r} is not an R5 resource type")
        return
    yield from validator.descend(instance, {"$ref": target})


_Validator = extend(Draft6Validator, {"resourceByType": _resource_by_type})


@cache
def _validator(resource_type: str) -> Any:
    schema = _schema()
    if resource_type not in schema["definitions"]:
        raise AssertionError(f"{resource_type} is not an R5 resource type")
    definitions = {
        **schema["definitions"],
        "ResourceList": {"resourceByType": schema["discriminator"]["mapping"]},
    }
    return _Validator({"$ref": f"#/definitions/{resource_type}", "definitions": definitions})


def schema_errors(resource: dict[str, Any]) -> list[str]:
    """What the R5 JSON schema finds wrong with `resource`, as `path: message` lines."""
    validator = _validator(str(resource.get("resourceType")))
    errors: list[str] = []
    for error in sorted(validator.iter_errors(resource), key=lambda e: list(map(str, e.path))):
        where = "/".join(map(str, error.absolute_path)) or "(root)"
        nested = error.instance
        if error.validator == "oneOf" and isinstance(nested, dict) and "resourceType" in nested:
            # A contained or entry resource: the ResourceList's oneOf says only "not valid under
            # any"; its own type's schema says why.
            errors += [f"{where}/{line}" for line in schema_errors(nested)] or [where + ": ?"]
        else:
            errors.append(f"{where}: {error.message[:300]}")
    return errors


@dataclass
class _Definitions:
    structures: dict[str, dict[str, Any]] = field(default_factory=dict)
    value_sets: dict[str, dict[str, Any]] = field(default_factory=dict)
    code_systems: dict[str, dict[str, Any]] = field(default_factory=dict)


@cache
def _definitions() -> _Definitions:
    definitions = _Definitions()
    for resource in json.loads(gzip.decompress((FOLDER / "definitions.json.gz").read_bytes())):
        if resource["resourceType"] == "StructureDefinition":
            definitions.structures[resource["type"]] = resource
        elif resource["resourceType"] == "ValueSet":
            definitions.value_sets[resource["url"]] = resource
        else:
            definitions.code_systems[resource["url"]] = resource
    return definitions


@cache
def _elements(type_name: str) -> dict[str, dict[str, Any]]:
    structure = _definitions().structures[type_name]
    return {element["path"]: element for element in structure["snapshot"]["element"]}


def _all_codes(concepts: list[dict[str, Any]]) -> set[str]:
    codes: set[str] = set()
    for concept in concepts:
        codes.add(concept["code"])
        codes |= _all_codes(concept.get("concept", []))
    return codes


@cache
def _expansion(url: str) -> frozenset[tuple[str, str]] | None:
    """The (system, code) pairs of a value set, or None when it cannot be expanded here."""
    definitions = _definitions()
    value_set = definitions.value_sets.get(url.split("|")[0])
    if value_set is None or "compose" not in value_set:
        return None
    included: set[tuple[str, str]] = set()
    for include in value_set["compose"]["include"]:
        if "filter" in include or "valueSet" in include or "system" not in include:
            return None
        system = include["system"]
        if "concept" in include:
            included |= {(system, c["code"]) for c in include["concept"]}
            continue
        code_system = definitions.code_systems.get(system)
        if code_system is None or code_system.get("content") != "complete":
            return None
        included |= {(system, code) for code in _all_codes(code_system.get("concept", []))}
    for exclude in value_set["compose"].get("exclude", []):
        if "concept" not in exclude:
            return None
        included -= {(exclude["system"], c["code"]) for c in exclude["concept"]}
    return frozenset(included)


class _Walker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def resource(self, resource: dict[str, Any], where: str) -> None:
        resource_type = resource.get("resourceType")
        if resource_type not in _definitions().structures:
            # Only the served types are vendored; others (a Condition in a $match request
            # inside a TestScript) are left to the schema.
            return
        self.element(resource, str(resource_type), str(resource_type), where)

    def element(self, value: dict[str, Any], type_name: str, path: str, where: str) -> None:
        elements = _elements(type_name)
        prefix = path + "."
        for element_path, element in elements.items():
            if not element_path.startswith(prefix) or "." in element_path[len(prefix) :]:
                continue
            name = element_path[len(prefix) :]
            for key, item_type in self._present(value, name, element):
                self.occurrences(value[key], key, item_type, element, type_name, where)
            # A primitive may be present by its extensions alone (`_status`).
            present = self._present(value, name, element) or f"_{name}" in value
            if element["min"] > 0 and not present:
                self.errors.append(f"{where}.{name}: required ({element['min']}..{element['max']})")

    @staticmethod
    def _present(
        value: dict[str, Any], name: str, element: dict[str, Any]
    ) -> list[tuple[str, str]]:
        types = [t["code"] for t in element.get("type", [])]
        if name.endswith("[x]"):
            stem = name[:-3]
            return [
                (stem + t[0].upper() + t[1:], t)
                for t in types
                if stem + t[0].upper() + t[1:] in value
            ]
        if name in value:
            return [(name, types[0] if types else "")]
        return []

    def occurrences(
        self,
        content: Any,
        key: str,
        item_type: str,
        element: dict[str, Any],
        type_name: str,
        where: str,
    ) -> None:
        repeats = element["max"] != "1"
        if repeats != isinstance(content, list):
            self.errors.append(
                f"{where}.{key}: max {element['max']} but got {type(content).__name__}"
            )
            return
        items = content if repeats else [content]
        if element["max"] not in ("*", "1") and len(items) > int(element["max"]):
            self.errors.append(f"{where}.{key}: more than {element['max']}")
        for index, item in enumerate(items):
            here = f"{where}.{key}[{index}]" if repeats else f"{where}.{key}"
            self.item(item, item_type, element, type_name, here)

    def item(
        self, item: Any, item_type: str, element: dict[str, Any], type_name: str, where: str
    ) -> None:
        binding = element.get("binding", {})
        if binding.get("strength") == "required" and item_type in CODED_TYPES:
            self.binding(item, item_type, binding["valueSet"], where)
        if not isinstance(item, dict):
            return  # primitives: their formats are the schema's job
        if "contentReference" in element:
            self.element(item, type_name, element["contentReference"].split("#")[1], where)
        elif item_type in ("BackboneElement", "Element") and element["path"] != type_name:
            self.element(item, type_name, element["path"], where)
        elif item_type == "Resource":
            self.resource(item, where)
        elif item_type in _definitions().structures:
            self.element(item, item_type, item_type, where)

    def binding(self, item: Any, item_type: str, value_set: str, where: str) -> None:
        expansion = _expansion(value_set)
        if expansion is None:
            return
        if item_type == "code":
            if item not in {code for _, code in expansion}:
                self.errors.append(f"{where}: {item!r} is not in {value_set}")
            return
        codings = [item] if item_type == "Coding" else item.get("coding", [])
        if codings and not any((c.get("system"), c.get("code")) in expansion for c in codings):
            self.errors.append(f"{where}: no coding from {value_set} in {codings}")


def structure_errors(resource: dict[str, Any]) -> list[str]:
    """What the R5 StructureDefinitions find wrong: cardinalities and required bindings."""
    walker = _Walker()
    walker.resource(resource, str(resource.get("resourceType")))
    return walker.errors


def assert_valid_r5(resource: dict[str, Any]) -> None:
    """`resource` is valid against the official R5 JSON schema and StructureDefinitions."""
    errors = schema_errors(resource) + structure_errors(resource)
    assert not errors, f"{resource.get('resourceType')}/{resource.get('id')}:\n" + "\n".join(
        errors[:40]
    )
