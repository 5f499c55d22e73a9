"""What the `fhir.resources` R5 models know about an element: whether it repeats, is a choice
element, belongs to the summary, and the model of its type."""

import re
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel

from fhirtrial.resources.validation import model_class

_TYPE_NAME = re.compile(r"abc\.(\w+)Type\b")


@dataclass(frozen=True)
class Element:
    repeats: bool
    summary: bool
    required: bool
    choice_of: str | None  # `value` for `valueString`
    type_name: str | None  # the model's name of its complex type, e.g. `CodeableConcept`


@cache
def elements(model: type[BaseModel]) -> dict[str, Element]:
    """JSON key → what the model says of the element."""
    out = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        annotation = str(info.annotation)
        found = _TYPE_NAME.search(annotation)
        choice = extra.get("one_of_many")
        out[info.alias or name] = Element(
            repeats="List[" in annotation,
            summary=bool(extra.get("summary_element_property")),
            required=info.is_required() or bool(extra.get("element_required")),
            choice_of=choice if isinstance(choice, str) else None,
            type_name=found.group(1) if found else None,
        )
    return out


def element(model: type[BaseModel] | None, key: str) -> Element | None:
    return None if model is None else elements(model).get(key)


def element_model(model: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    found = element(model, key)
    return model_class(found.type_name) if found and found.type_name else None


@cache
def choice_keys(model: type[BaseModel], name: str) -> frozenset[str] | None:
    """The JSON keys of the choice element `name` (`valueString`, …), None if it is not one."""
    keys = frozenset(k for k, e in elements(model).items() if e.choice_of == name)
    return keys or None
