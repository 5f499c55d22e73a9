"""FHIRPath Patch (FHIR R5, fhirpatch.html): a Parameters resource of `operation`s — add,
insert, delete, replace, move — applied to a resource dict.

Paths are the subset of FHIRPath evaluated exactly here: the resource type, element names (a
choice element by its FHIRPath name: `value` finds `valueQuantity`), `[n]` indexers, `first()`,
`last()`, and `where(a.b = 'text' and c = 3)` comparing element paths with string, number or
boolean literals by FHIRPath equality (a path that yields several values equals no single
literal). Any other FHIRPath is refused (400 `not-supported`) rather than guessed at. A patch
that is well formed but does not apply (a path that selects nothing, or several elements where
one is needed; an index out of range) is 422; either every operation applies or nothing does.
"""

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from fhirtrial.errors import BadRequest, FHIRError
from fhirtrial.resources.model_info import choice_keys, element_model
from fhirtrial.resources.model_info import element as element_info
from fhirtrial.resources.validation import model_class

OPERATION_TYPES = ("add", "insert", "delete", "replace", "move")
_PARTS = {
    "add": {"type", "path", "name", "value"},
    "insert": {"type", "path", "value", "index"},
    "delete": {"type", "path"},
    "replace": {"type", "path", "value"},
    "move": {"type", "path", "source", "destination"},
}
_ROOT = "resource"


class PatchFailed(FHIRError):
    """A well-formed patch that cannot be applied to this resource (RFC 5789: 422)."""

    def __init__(self, diagnostics: str) -> None:
        super().__init__(422, "processing", diagnostics)


def _unsupported(path: str, why: str) -> BadRequest:
    return BadRequest(
        f"FHIRPath '{path}' is not supported in a patch here: {why}. Supported: element names, "
        "[n], first(), last(), where(path = literal [and …])",
        code="not-supported",
    )


# ---- the FHIRPath subset --------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*')|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)|(?P<symbol>!=|[.\[\]()=]))"
)


@dataclass(frozen=True)
class _Comparison:
    path: tuple[str, ...]
    literal: str | int | float | bool


@dataclass(frozen=True)
class _Step:
    kind: str  # "child", "index", "first", "last", "where"
    name: str = ""
    index: int = 0
    where: tuple[_Comparison, ...] = ()


def _tokens(path: str) -> list[tuple[str, str]]:
    out, at = [], 0
    while at < len(path):
        if path[at:].strip() == "":
            break
        match = _TOKEN.match(path, at)
        if match is None or match.end() == at:
            raise _unsupported(path, f"unexpected text at '{path[at : at + 20]}'")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "name" and value.startswith("`"):
            value = value[1:-1]
        out.append((kind, value))
        at = match.end()
    return out


def parse_path(path: str) -> list[_Step]:
    tokens = _tokens(path)
    if not tokens or tokens[0][0] != "name":
        raise _unsupported(path, "it must start with the resource type or an element name")
    steps = [_Step("child", tokens[0][1])]
    at = 1
    while at < len(tokens):
        kind, value = tokens[at]
        if (kind, value) == ("symbol", "["):
            if (
                at + 2 >= len(tokens)
                or tokens[at + 1][0] != "number"
                or not tokens[at + 1][1].isdigit()
                or tokens[at + 2] != ("symbol", "]")
            ):
                raise _unsupported(path, "an indexer must be [n] with a whole number n")
            steps.append(_Step("index", index=int(tokens[at + 1][1])))
            at += 3
            continue
        if (kind, value) != ("symbol", ".") or at + 1 >= len(tokens):
            raise _unsupported(path, f"unexpected '{value}'")
        kind, name = tokens[at + 1]
        if kind != "name":
            raise _unsupported(path, f"expected an element name after '.', got '{name}'")
        at += 2
        if at < len(tokens) and tokens[at] == ("symbol", "("):
            close = _closing(tokens, at, path)
            arguments = tokens[at + 1 : close]
            at = close + 1
            if name in ("first", "last") and not arguments:
                steps.append(_Step(name))
            elif name == "where" and arguments:
                steps.append(_Step("where", where=_condition(arguments, path)))
            else:
                raise _unsupported(path, f"the function {name}() is not evaluated here")
            continue
        steps.append(_Step("child", name))
    return steps


def _closing(tokens: list[tuple[str, str]], opening: int, path: str) -> int:
    depth = 0
    for at in range(opening, len(tokens)):
        if tokens[at] == ("symbol", "("):
            depth += 1
        elif tokens[at] == ("symbol", ")"):
            depth -= 1
            if depth == 0:
                return at
    raise _unsupported(path, "a '(' is not closed")


def _condition(tokens: list[tuple[str, str]], path: str) -> tuple[_Comparison, ...]:
    """`a.b = literal (and c = literal)*`."""
    comparisons: list[_Comparison] = []
    at = 0
    while True:
        names: list[str] = []
        while at < len(tokens) and tokens[at][0] == "name":
            names.append(tokens[at][1])
            at += 1
            if at < len(tokens) and tokens[at] == ("symbol", "."):
                at += 1
            else:
                break
        if not names or at + 1 >= len(tokens) or tokens[at] != ("symbol", "="):
            raise _unsupported(path, "where() takes comparisons 'element.path = literal'")
        comparisons.append(_Comparison(tuple(names), _literal(tokens[at + 1], path)))
        at += 2
        if at == len(tokens):
            return tuple(comparisons)
        if tokens[at] != ("name", "and"):
            raise _unsupported(path, "where() comparisons can only be joined with 'and'")
        at += 1


def _literal(token: tuple[str, str], path: str) -> str | int | float | bool:
    kind, value = token
    if kind == "string":
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if kind == "number":
        return float(value) if "." in value else int(value)
    if kind == "name" and value in ("true", "false"):
        return value == "true"
    raise _unsupported(path, f"'{value}' is not a string, number or boolean literal")


# ---- evaluation over the resource's JSON ------------------------------------------------------


@dataclass
class _Location:
    """One element: `holder[key]`, or `holder[key][index]` for an item of a list."""

    holder: dict[str, Any]
    key: str
    index: int | None
    name: str  # the FHIRPath name that found it (a choice element's JSON key is longer)
    model: type[BaseModel] | None = field(default=None, compare=False)

    @property
    def value(self) -> Any:
        found = self.holder[self.key]
        return found if self.index is None else found[self.index]


def _evaluate(root: dict[str, Any], steps: list[_Step]) -> list[_Location]:
    """The elements `steps` select; the resource itself is held by a wrapper dict."""
    wrapper = {_ROOT: root}
    resource_type = root.get("resourceType")
    first = steps[0]
    root_location = _Location(wrapper, _ROOT, None, _ROOT, model_class(str(resource_type)))
    if first.name == resource_type:
        current = [root_location]
    else:
        current = _children([root_location], first.name)
    for step in steps[1:]:
        if step.kind == "child":
            current = _children(current, step.name)
        elif step.kind == "index":
            current = current[step.index : step.index + 1]
        elif step.kind == "first":
            current = current[:1]
        elif step.kind == "last":
            current = current[-1:]
        else:
            current = [loc for loc in current if _matches(loc.value, step.where)]
    return current


def _json_key(element: dict[str, Any], name: str, model: type[BaseModel] | None) -> str | None:
    """The JSON key holding the FHIRPath element `name` (`valueString` for `value`)."""
    if name in element:
        return name
    choices = choice_keys(model, name) if model is not None else None
    for key in element:
        if choices is not None and key in choices:
            return key
        if choices is None and key.startswith(name) and key[len(name) : len(name) + 1].isupper():
            return key
    return None


def _children(locations: list[_Location], name: str) -> list[_Location]:
    out = []
    for loc in locations:
        element = loc.value
        if not isinstance(element, dict):
            continue
        key = _json_key(element, name, loc.model)
        if key is None:
            continue
        child_model = element_model(loc.model, key)
        found = element[key]
        if isinstance(found, list):
            out += [_Location(element, key, i, name, child_model) for i in range(len(found))]
        else:
            out.append(_Location(element, key, None, name, child_model))
    return out


def _values(value: Any, names: tuple[str, ...]) -> list[Any]:
    current = [value]
    for name in names:
        following: list[Any] = []
        for item in current:
            if not isinstance(item, dict):
                continue
            key = _json_key(item, name, None)
            if key is None:
                continue
            found = item[key]
            following += found if isinstance(found, list) else [found]
        current = following
    return current


def _matches(value: Any, comparisons: tuple[_Comparison, ...]) -> bool:
    for comparison in comparisons:
        found = _values(value, comparison.path)
        if len(found) != 1 or not _equal(found[0], comparison.literal):
            return False
    return True


def _equal(value: Any, literal: str | int | float | bool) -> bool:
    if isinstance(literal, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(literal, bool) and value == literal
    if isinstance(literal, str):
        return isinstance(value, str) and value == literal
    return isinstance(value, int | float) and value == literal


# ---- the Parameters document --------------------------------------------------------------


@dataclass
class _Value:
    """A `value` part: JSON for the element, and the FHIR type a `value[x]` named."""

    json: Any
    type_suffix: str | None


@dataclass
class _Operation:
    type: str
    path: str
    where: str
    name: str | None = None
    value: list[dict[str, Any]] | None = None  # the value part itself, read once the target is
    index: int | None = None
    source: int | None = None
    destination: int | None = None


def _operations(patch: Any) -> list[_Operation]:
    if not isinstance(patch, dict) or patch.get("resourceType") != "Parameters":
        raise BadRequest("A FHIRPath Patch is a Parameters resource", code="structure")
    parameters = patch.get("parameter")
    if not isinstance(parameters, list) or not parameters:
        raise BadRequest("A FHIRPath Patch needs at least one 'operation' parameter")
    out = []
    for i, parameter in enumerate(parameters):
        where = f"Parameters.parameter[{i}]"
        if not isinstance(parameter, dict) or parameter.get("name") != "operation":
            raise BadRequest(
                f"{where}: a FHIRPath Patch has only 'operation' parameters", expression=[where]
            )
        parts = parameter.get("part")
        if not isinstance(parts, list):
            raise BadRequest(f"{where}: an operation has parts", expression=[where])
        out.append(_operation(parts, where))
    return out


def _operation(parts: list[Any], where: str) -> _Operation:
    by_name: dict[str, dict[str, Any]] = {}
    for part in parts:
        name = part.get("name") if isinstance(part, dict) else None
        if not isinstance(name, str) or name in by_name:
            raise BadRequest(f"{where}: each part needs a distinct name", expression=[where])
        by_name[name] = part
    kind = by_name.get("type", {}).get("valueCode")
    if kind not in OPERATION_TYPES:
        raise BadRequest(
            f"{where}: type must be one of {', '.join(OPERATION_TYPES)}, got {kind!r}",
            expression=[where],
        )
    unknown = set(by_name) - _PARTS[kind]
    missing = _PARTS[kind] - set(by_name)
    if unknown or missing:
        problems = [f"unknown part(s) {', '.join(sorted(unknown))}"] if unknown else []
        problems += [f"missing part(s) {', '.join(sorted(missing))}"] if missing else []
        raise BadRequest(f"{where}: {kind}: {'; '.join(problems)}", expression=[where])
    operation = _Operation(kind, _string(by_name, "path", where), where)
    if "name" in by_name:
        operation.name = _string(by_name, "name", where)
    if "value" in by_name:
        operation.value = [by_name["value"]]
    for number in ("index", "source", "destination"):
        if number in by_name:
            value = by_name[number].get("valueInteger")
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise BadRequest(
                    f"{where}: {number} must be a valueInteger of 0 or more", expression=[where]
                )
            setattr(operation, number, value)
    return operation


def _string(parts: dict[str, dict[str, Any]], name: str, where: str) -> str:
    value = parts[name].get("valueString")
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{where}: {name} must be a valueString", expression=[where])
    return value.strip()


def _value(part: dict[str, Any], model: type[BaseModel] | None, where: str) -> _Value:
    """The JSON of a `value` (or nested) part: its `value[x]`, or an element built of `part`s
    named by element (the spec's form for elements without a type of their own)."""
    typed = [k for k in part if re.fullmatch(r"value[A-Z]\w*", k)]
    if len(typed) == 1 and "part" not in part:
        return _Value(part[typed[0]], typed[0][len("value") :])
    parts = part.get("part")
    if typed or not isinstance(parts, list) or not parts:
        raise BadRequest(
            f"{where}: a value needs exactly one value[x] or a list of parts", expression=[where]
        )
    element: dict[str, Any] = {}
    for sub in parts:
        name = sub.get("name") if isinstance(sub, dict) else None
        if not isinstance(name, str):
            raise BadRequest(f"{where}: each part of a value needs a name", expression=[where])
        key = name
        inner = _value(sub, None, where)
        if model is not None and inner.type_suffix and choice_keys(model, name):
            key = name + inner.type_suffix
        inner = _value(sub, element_model(model, key), where)
        info = element_info(model, key)
        repeats = info.repeats if info else None
        if repeats or (repeats is None and key in element):
            existing = element.get(key, [])
            element[key] = [*(existing if isinstance(existing, list) else [existing]), inner.json]
        elif key in element:
            raise BadRequest(f"{where}: '{name}' does not repeat", expression=[where])
        else:
            element[key] = inner.json
    return _Value(element, None)


# ---- applying ---------------------------------------------------------------------------------


def apply_fhirpath_patch(resource: dict[str, Any], patch: Any) -> dict[str, Any]:
    """The resource with the FHIRPath Patch `patch` (a Parameters dict) applied, as a new dict."""
    operations = _operations(patch)
    steps = [parse_path(op.path) for op in operations]  # every path checked before any change
    patched = copy.deepcopy(resource)
    for operation, path_steps in zip(operations, steps, strict=True):
        _apply(patched, operation, path_steps)
    pruned: dict[str, Any] = _pruned(patched)
    return pruned


def _apply(resource: dict[str, Any], op: _Operation, steps: list[_Step]) -> None:
    found = _evaluate(resource, steps)
    label = f"{op.where} ({op.type} at '{op.path}')"
    if op.type == "delete":
        if len(found) > 1:
            raise PatchFailed(f"{label}: the path selects {len(found)} elements; delete takes one")
        if found:
            _remove(found[0], label)
        return
    if op.type in ("insert", "move"):
        holder, key, items, model = _collection(found, steps, resource, label)
        if op.type == "insert":
            assert op.index is not None and op.value is not None
            if op.index > len(items):
                raise PatchFailed(f"{label}: index {op.index} is past the end ({len(items)})")
            value = _value(op.value[0], model, label)
            _list_insert(holder, key, op.index, value.json)
        else:
            assert op.source is not None and op.destination is not None
            if max(op.source, op.destination) >= len(items):
                raise PatchFailed(
                    f"{label}: source and destination must be below {len(items)}, the list size"
                )
            _list_move(holder, key, op.source, op.destination)
        return
    if len(found) != 1:
        raise PatchFailed(
            f"{label}: the path selects {len(found)} elements; {op.type} needs exactly one"
        )
    target = found[0]
    assert op.value is not None
    if op.type == "replace":
        if target.key == _ROOT:
            raise PatchFailed(f"{label}: the resource itself cannot be replaced")
        value = _value(op.value[0], target.model, label)
        _replace(target, value)
        return
    # add
    assert op.name is not None
    element = target.value
    if not isinstance(element, dict):
        raise PatchFailed(f"{label}: the path selects a primitive value; add needs an element")
    key = op.name
    model = target.model
    peek = _value(op.value[0], None, label)
    if model is not None and peek.type_suffix and choice_keys(model, op.name):
        key = op.name + peek.type_suffix
    existing = _json_key(element, op.name, model)
    if existing is not None and existing != key:
        raise PatchFailed(f"{label}: {op.name} is already present as {existing}; use replace")
    value = _value(op.value[0], element_model(model, key), label)
    if key in element:
        if not isinstance(element[key], list):
            raise PatchFailed(f"{label}: {op.name} is already present and does not repeat")
        _list_insert(element, key, len(element[key]), value.json)
    elif (known := element_info(model, key)) is not None and known.repeats:
        element[key] = [value.json]
    else:
        element[key] = value.json


def _collection(
    found: list[_Location], steps: list[_Step], resource: dict[str, Any], label: str
) -> tuple[dict[str, Any], str, list[Any], type[BaseModel] | None]:
    """The one list `found` are the items of: (holder, key, the list, its items' model)."""
    if found:
        holders = {(id(loc.holder), loc.key) for loc in found}
        first = found[0]
        if len(holders) != 1 or first.index is None or len(found) != len(first.holder[first.key]):
            raise PatchFailed(f"{label}: the path must select one whole list")
        return first.holder, first.key, first.holder[first.key], first.model
    # An empty list: its parent must be one element, and the path end with the list's name.
    if len(steps) < 2 or steps[-1].kind != "child":
        raise PatchFailed(f"{label}: the path selects no list")
    parents = _evaluate(resource, steps[:-1])
    if len(parents) != 1 or not isinstance(parents[0].value, dict):
        raise PatchFailed(f"{label}: the path selects no list")
    parent = parents[0]
    name = steps[-1].name
    info = element_info(parent.model, name)
    if info is not None and not info.repeats:
        raise PatchFailed(f"{label}: {name} is not a list")
    parent.value[name] = []
    return parent.value, name, parent.value[name], element_model(parent.model, name)


def _partner(holder: dict[str, Any], key: str) -> list[Any] | None:
    """The `_key` list aligning extensions with a list of primitives, if there is one."""
    partner = holder.get(f"_{key}")
    return partner if isinstance(partner, list) else None


def _list_insert(holder: dict[str, Any], key: str, index: int, value: Any) -> None:
    holder[key].insert(index, value)
    partner = _partner(holder, key)
    if partner is not None:
        partner.insert(index, None)


def _list_move(holder: dict[str, Any], key: str, source: int, destination: int) -> None:
    for items in (holder[key], _partner(holder, key)):
        if items is not None and source < len(items):
            items.insert(destination, items.pop(source))


def _remove(target: _Location, label: str) -> None:
    if target.key == _ROOT:
        raise PatchFailed(f"{label}: the resource itself cannot be deleted")
    holder, key = target.holder, target.key
    if target.index is None:
        del holder[key]
        holder.pop(f"_{key}", None)
        return
    del holder[key][target.index]
    partner = _partner(holder, key)
    if partner is not None and target.index < len(partner):
        del partner[target.index]


def _replace(target: _Location, value: _Value) -> None:
    holder, key = target.holder, target.key
    if target.index is not None:
        holder[key][target.index] = value.json
        return
    if key != target.name and value.type_suffix and key != target.name + value.type_suffix:
        # A choice element given a value of another of its types: `valueString` → `valueQuantity`.
        del holder[key]
        holder.pop(f"_{key}", None)
        key = target.name + value.type_suffix
    holder[key] = value.json


def _pruned(value: Any) -> Any:
    """Without the empty objects and lists a deletion leaves (FHIR JSON has none)."""
    if isinstance(value, dict):
        out = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v != {} and v != []}
    if isinstance(value, list):
        items = [_pruned(v) for v in value]
        return [v for v in items if v != {} and v != []]
    return value
