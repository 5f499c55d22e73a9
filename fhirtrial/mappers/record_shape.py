"""The JSON shape of the parts of an API v2 study record that fhirtrial reads, and a check of it.

ClinicalTrials.gov itself always sends a field with one JSON type (an object for
`designModule.enrollmentInfo`, an array of strings for `conditionsModule.conditions`, ...), but
records also arrive from files that other tools wrote or people edited. `conform_record` keeps a
record's well-typed values, drops `null`s and blank strings (absent, as JSON and FHIR mean them)
and drops every other value whose type is not the one CT.gov uses, with a message naming the
field, so that the mapper never meets a string where it expects an object, nor a date field that
holds no date, and the importer can say exactly what was wrong.

`record_shape.json` maps each field path (`a.b[]` for the items of an array) to the JSON types it
holds in real records, with `date` for the string fields named `…Date`/`date` that hold CT.gov's
(partial) dates: YYYY, YYYY-MM or YYYY-MM-DD. Fields it does not list are passed through
unchecked. It was inferred (`infer_shape`) from the real records shipped with the project by
`python tools/record_shape.py PATH...`, and a test checks that every one of them conforms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

# The parts of a record that fhirtrial reads; results and annotations are kept but not mapped.
CHECKED_KEYS = ("protocolSection", "derivedSection", "documentSection", "hasResults")


_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def is_partial_date(value: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date (what FHIR's `date` accepts)."""
    match = _PARTIAL_DATE.fullmatch(value)
    if match is None:
        return False
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return year > 0


# In isinstance order: bool before int, which it subclasses.
_TYPE_NAMES = (
    (dict, "object"),
    (list, "array"),
    (str, "string"),
    (bool, "boolean"),
    (int, "number"),
    (float, "number"),
)
_EXACT_TYPE_NAMES = dict(_TYPE_NAMES)


def json_type(value: Any) -> str:
    exact = _EXACT_TYPE_NAMES.get(type(value))  # what JSON parsers make; subclasses below
    if exact is not None:
        return exact
    return next((name for kind, name in _TYPE_NAMES if isinstance(value, kind)), "null")


@dataclass
class _Node:
    """The expected types at one field path, and the shapes below it."""

    types: frozenset[str]
    fields: dict[str, _Node] = field(default_factory=dict)
    items: _Node | None = None


@cache
def record_shape() -> dict[str, _Node]:
    """The shape as a tree: CHECKED_KEYS → their nodes."""
    text = resources.files("fhirtrial.mappers").joinpath("record_shape.json").read_text()
    roots: dict[str, _Node] = {}
    nodes: dict[str, _Node] = {}
    for path, types in json.loads(text).items():  # parents come before their fields
        node = _Node(frozenset(types))
        nodes[path] = node
        if path.endswith("[]"):
            nodes[path[:-2]].items = node
        elif "." in path:
            parent, _, name = path.rpartition(".")
            nodes[parent].fields[name] = node
        else:
            roots[path] = node
    return roots


def conform_record(study: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(the record with nulls, blank strings and wrongly typed values removed, a message for each
    value removed that was neither). The record given is not modified; unchanged parts are
    shared with it."""
    problems: list[str] = []
    out = dict(study)
    for key, node in record_shape().items():
        if key in study:
            value = _conform(study[key], node, [key], problems)
            if value is _DROP:
                del out[key]
            else:
                out[key] = value
    return out, problems


_DROP = object()


def _conform(value: Any, node: _Node, path: list[str], problems: list[str]) -> Any:
    """`value` itself when it conforms, a conforming copy, or _DROP; `path` names it."""
    found = json_type(value)
    if found == "null" or (found == "string" and not value.strip()):
        return _DROP
    expected = node.types
    if found == "string" and "date" in expected and "string" not in expected:
        if is_partial_date(value):
            return value
        found = "string that is no date (YYYY, YYYY-MM or YYYY-MM-DD)"
    if found not in expected:
        wanted = " or ".join(_a(kind) for kind in sorted(expected))
        problems.append(
            f"{''.join(path)}: expected {wanted}, got {_a(found)} {_preview(value)}; ignored"
        )
        return _DROP
    if found == "object" and node.fields:
        result: dict[str, Any] | None = None  # a copy, made at the first change
        for index, (key, item) in enumerate(value.items()):
            below = node.fields.get(key)
            if below is None:
                kept = item  # a field we have never seen: not ours to judge
            else:
                path.append(f".{key}")
                kept = _conform(item, below, path, problems)
                path.pop()
            if kept is not item and result is None:
                result = dict(list(value.items())[:index])
            if result is not None and kept is not _DROP:
                result[key] = kept
        return value if result is None else result
    if found == "array" and node.items is not None:
        kept_items: list[Any] | None = None
        path.append("[]")
        for index, item in enumerate(value):
            kept = _conform(item, node.items, path, problems)
            if kept is not item and kept_items is None:
                kept_items = value[:index]
            if kept_items is not None and kept is not _DROP:
                kept_items.append(kept)
        path.pop()
        return value if kept_items is None else kept_items
    return value


def _a(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _preview(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def infer_shape(records: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Every field path of `records` (within CHECKED_KEYS) with the JSON types seen there."""
    seen: dict[str, set[str]] = {}

    def walk(value: Any, path: str) -> None:
        found = json_type(value)
        if found == "string" and _names_a_date(path) and is_partial_date(value):
            found = "date"
        seen.setdefault(path, set()).add(found)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for item in value:
                walk(item, f"{path}[]")

    for record in records:
        for key in CHECKED_KEYS:
            if key in record:
                walk(record[key], key)
    return {path: sorted(types - {"null"}) for path, types in sorted(seen.items())}


def _names_a_date(path: str) -> bool:
    return path.rpartition(".")[2].lower().endswith("date")
