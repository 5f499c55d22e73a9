"""The FHIRPath subset that TestScript variables and assertions use here.

Supported: navigation by element names (`Bundle.entry.resource.id`; a leading resource type is
skipped), indexes (`entry[0]`), and the functions `first()`, `last()`, `count()`, `exists()`,
`empty()` and `where(path = 'literal')` / `where(path != 'literal')`. Anything else raises
UnsupportedPath. A TestScript `path` (XPath/JSONPath in the spec) is read the same way.
"""

import re
from typing import Any

_STEP = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<call>\((?P<args>.*)\))?(?:\[(?P<index>\d+)\])?$"
)
_WHERE = re.compile(r"^\s*(?P<path>[A-Za-z_][\w.\[\]]*)\s*(?P<op>!?=)\s*'(?P<value>[^']*)'\s*$")


class UnsupportedPathError(ValueError):
    pass


def _steps(expression: str) -> list[str]:
    steps, depth, current = [], 0, ""
    for char in expression.strip():
        if char == "." and depth == 0:
            steps.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    steps.append(current)
    return steps


def evaluate(expression: str, resource: Any) -> list[Any]:
    """The collection `expression` selects in `resource` (a parsed JSON body)."""
    items: list[Any] = [] if resource is None else [resource]
    steps = _steps(expression)
    if (
        steps
        and steps[0][:1].isupper()
        and isinstance(resource, dict)
        and steps[0] in (resource.get("resourceType"), "Resource", "DomainResource")
    ):
        steps = steps[1:]
    for step in steps:
        match = _STEP.match(step.strip())
        if match is None:
            raise UnsupportedPathError(f"cannot read {step!r} of {expression!r}")
        name, args = match["name"], match["args"]
        if match["call"] is not None:
            items = _function(name, args or "", items, expression)
        else:
            items = [
                value
                for item in items
                if isinstance(item, dict) and name in item
                for value in (item[name] if isinstance(item[name], list) else [item[name]])
            ]
        if match["index"] is not None:
            index = int(match["index"])
            items = items[index : index + 1]
    return items


def _function(name: str, args: str, items: list[Any], expression: str) -> list[Any]:
    if name == "first":
        return items[:1]
    if name == "last":
        return items[-1:]
    if name == "count":
        return [len(items)]
    if name == "exists":
        return [bool(items)]
    if name == "empty":
        return [not items]
    if name == "where":
        condition = _WHERE.match(args)
        if condition is None:
            raise UnsupportedPathError(f"only where(path = 'literal') is supported: {expression!r}")
        wanted, equal = condition["value"], condition["op"] == "="
        return [
            item
            for item in items
            if (wanted in [str(v) for v in evaluate(condition["path"], item)]) == equal
        ]
    raise UnsupportedPathError(f"unsupported function {name}() in {expression!r}")


def as_text(value: Any) -> str:
    """A selected value as TestScript compares it: JSON booleans as `true`/`false`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
