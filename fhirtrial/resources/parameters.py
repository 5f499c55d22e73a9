"""Reading the Parameters resource posted to an operation, as the operation's definition says.

`operation_parameters(url)` reads the `in` parameters of one of our OperationDefinitions (the
JSON published from `conformance/`); `OperationParameters.read(body, readers)` checks a body
against them, as servers that take their definitions seriously do:

- the body is a Parameters resource whose `parameter` is a list of objects;
- every entry names a parameter of the operation (or, inside `part`, a part of its parameter);
- a parameter appears at most `max` times, and at least `min` times;
- an entry carries exactly one of the value elements its `type` allows: `value[x]` for a data
  type (`valueString`, `valueDate`, `valueReference`, ...; for the abstract `DataType`, one of
  its `allowedType`s), `resource` for a resource type, `part` when the definition has parts;
- a complex value (valueCoding, valueAttachment, ...) is a JSON object, a resource one of the
  declared type.

Each problem is a BadRequest (400) naming the entry by its FHIRPath. What a value means — a
date's form, a count's range, the JSON inside a string — is the operation's own business:
`readers` maps a parameter name to a function of its `Argument`, called in the body's order, so
the first problem of a body is the one reported. Primitive values reach a reader as they were
sent (a reader may accept a number written as a string).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from fhir.resources import get_fhir_model_class
from fhir.resources.resource import Resource

from fhirtrial.conformance import operation_definition
from fhirtrial.errors import BadRequest

_ANY_RESOURCE = frozenset({"Resource", "DomainResource"})
_ABSTRACT_DATA_TYPES = frozenset({"Base", "Element", "DataType", "PrimitiveType", "Any"})


@dataclass(frozen=True)
class Argument:
    """One parameter entry of a body, checked against the definition."""

    name: str
    where: str
    """FHIRPath of the entry, e.g. `Parameters.parameter[2]`."""
    element: str
    """The element holding the value: `valueString`, `valueReference`, `resource`, `part`, ..."""
    value: Any
    """That element's JSON; for `part`, the parts read: {part name: [Argument, ...]}."""

    @property
    def label(self) -> str:
        return f"{self.where} ({self.name})"


Reader = Callable[[Argument], Any]


@dataclass(frozen=True)
class ParameterDefinition:
    name: str
    min: int
    max: int | None
    """None: `*`."""
    elements: frozenset[str] | None
    """The value elements allowed; None: any `value[x]` (an abstract type without allowedType)."""
    resource_types: frozenset[str] | None
    """For `resource`: the types allowed; None: any resource."""
    parts: Mapping[str, ParameterDefinition] | None
    objects: frozenset[str]
    """The value elements of complex types (valueCoding, ...): JSON objects."""
    expected: str
    """What the entry must carry, for messages: `valueString or a valueAttachment`."""

    @classmethod
    def of(cls, parameter: dict[str, Any]) -> ParameterDefinition:
        name = parameter["name"]
        high = parameter.get("max", "1")
        parts = parameter.get("part")
        if parts:
            return cls(
                name,
                parameter.get("min", 0),
                None if high == "*" else int(high),
                frozenset({"part"}),
                None,
                {part["name"]: cls.of(part) for part in parts},
                frozenset(),
                "part",
            )
        declared = parameter["type"]
        types = parameter.get("allowedType") or [declared]
        elements: set[str] | None = set()
        resources: set[str] = set()
        objects: set[str] = set()
        described = []
        for kind in types:
            if kind in _ABSTRACT_DATA_TYPES:
                elements = None
                described.append("value[x]")
            elif _is_resource_type(kind):
                resources.add(kind)
                described.append("resource" if kind in _ANY_RESOURCE else f"resource (a {kind})")
            else:
                element = f"value{kind[0].upper()}{kind[1:]}"
                described.append(element)
                if kind[0].isupper():  # FHIR's complex types; primitives are lower case
                    objects.add(element)
                if elements is not None:
                    elements.add(element)
        if resources and elements is not None:
            elements.add("resource")
        return cls(
            name,
            parameter.get("min", 0),
            None if high == "*" else int(high),
            None if elements is None else frozenset(elements),
            None if resources & _ANY_RESOURCE or not resources else frozenset(resources),
            None,
            frozenset(objects),
            " or a ".join(described),
        )

    def allows(self, element: str, value: Any) -> bool:
        if self.elements is None:
            if not element.startswith("value"):
                return False
        elif element not in self.elements:
            return False
        if element == "resource":
            if not isinstance(value, dict):
                return False
            found = value.get("resourceType")
            # A resourceType that is a list or an object is no type at all (and unhashable).
            return self.resource_types is None or (
                isinstance(found, str) and found in self.resource_types
            )
        if element == "part":
            return isinstance(value, list)
        # Primitive values are left to the reader.
        return element not in self.objects or isinstance(value, dict)


@dataclass(frozen=True)
class OperationParameters:
    code: str
    parameters: Mapping[str, ParameterDefinition]

    @classmethod
    def of(cls, definition: dict[str, Any]) -> OperationParameters:
        parameters = {
            p["name"]: ParameterDefinition.of(p)
            for p in definition.get("parameter", [])
            if p.get("use") == "in"
        }
        return cls(definition["code"], parameters)

    def read(
        self, body: dict[str, Any], readers: Mapping[str, Reader] | None = None
    ) -> dict[str, list[Any]]:
        """{parameter name: [what its reader made of each entry, in order]} for the parameters
        present (an `Argument` for a parameter without reader); BadRequest at the first entry
        that the definition does not allow, or for a parameter missing."""
        if body.get("resourceType") != "Parameters":
            raise BadRequest(f"${self.code} expects a Parameters resource")
        read = _read_entries(
            _entries(body.get("parameter", []), "Parameters.parameter"),
            self.parameters,
            lambda where, name: f"{where}: unknown parameter '{name}' for ${self.code}",
            readers or {},
        )
        for name, definition in self.parameters.items():
            if len(read.get(name, ())) < definition.min:
                raise BadRequest(
                    f"${self.code} needs the '{name}' parameter: a {definition.expected}"
                )
        return read


@cache
def operation_parameters(url: str) -> OperationParameters:
    """The `in` parameters of the OperationDefinition with this URL (from `conformance/`)."""
    return OperationParameters.of(operation_definition(url))


def _read_entries(
    entries: Iterator[tuple[str, dict[str, Any]]],
    definitions: Mapping[str, ParameterDefinition],
    unknown: Callable[[str, Any], str],
    readers: Mapping[str, Reader],
) -> dict[str, list[Any]]:
    read: dict[str, list[Any]] = {}
    for where, entry in entries:
        name = entry.get("name")
        definition = definitions.get(name) if isinstance(name, str) else None
        if definition is None:
            raise BadRequest(unknown(where, name), expression=[where])
        assert isinstance(name, str)
        found = read.setdefault(name, [])
        if definition.max is not None and len(found) >= definition.max:
            times = "only once" if definition.max == 1 else f"at most {definition.max} times"
            raise BadRequest(f"{where}: '{name}' may appear {times}", expression=[where])
        present = [k for k in entry if k.startswith("value") or k in ("resource", "part")]
        if len(present) != 1 or not definition.allows(present[0], entry[present[0]]):
            raise BadRequest(f"{where}: {name} needs a {definition.expected}", expression=[where])
        element = present[0]
        value = entry[element]
        if element == "part":
            value = _read_parts(value, definition, f"{where}.part")
        argument = Argument(name, where, element, value)
        reader = readers.get(name)
        found.append(argument if reader is None else reader(argument))
    return read


def _read_parts(
    parts: list[Any], definition: ParameterDefinition, where: str
) -> dict[str, list[Argument]]:
    assert definition.parts is not None
    read = _read_entries(
        _entries(parts, where),
        definition.parts,
        lambda at, name: f"{at}: unknown part '{name}' of '{definition.name}'",
        {},
    )
    for name, part in definition.parts.items():
        if len(read.get(name, ())) < part.min:
            raise BadRequest(
                f"{where}: '{definition.name}' needs the part '{name}': a {part.expected}",
                expression=[where],
            )
    return read


def _entries(entries: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(FHIRPath of the entry, the entry) for each entry of a `parameter` or `part` list."""
    if not isinstance(entries, list):
        raise BadRequest(f"{where} must be a list", expression=[where])
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            raise BadRequest(f"{at} must be an object", expression=[at])
        yield at, entry


@cache
def _is_resource_type(kind: str) -> bool:
    try:
        return issubclass(get_fhir_model_class(kind), Resource)
    except ValueError:
        return False
