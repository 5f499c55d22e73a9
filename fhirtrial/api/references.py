"""References between the entries of a transaction: `urn:uuid:` / `urn:oid:` (and other) fullUrls
replaced by the `Type/id` the server assigned, and conditional references (`Patient?identifier=…`)
replaced by the one resource their search finds (http.html#trules)."""

import re
from collections.abc import Awaitable, Callable
from typing import Any

from fhirtrial.errors import BadRequest
from fhirtrial.resources.registry import RESOURCE_TYPES

PLACEHOLDER_PREFIXES = ("urn:uuid:", "urn:oid:")
_CONDITIONAL = re.compile(r"^([A-Za-z]+)\?(.+)$")

# Finds the one resource a conditional reference's search names; returns "Type/id".
Resolver = Callable[[str, str], Awaitable[str]]


def references(resource: Any) -> list[dict[str, Any]]:
    """Every JSON object in `resource` that holds a `reference` string (a Reference)."""
    found: list[dict[str, Any]] = []
    stack = [resource]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("reference"), str):
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


async def rewrite(resource: dict[str, Any], assigned: dict[str, str], resolve: Resolver) -> None:
    """Rewrite in place the references of `resource` to another entry (by its fullUrl, as in
    `assigned`) and conditional references; 400 for a placeholder no entry carries."""
    for holder in references(resource):
        value: str = holder["reference"]
        if value in assigned:
            holder["reference"] = assigned[value]
        elif value.startswith(PLACEHOLDER_PREFIXES):
            raise BadRequest(
                f"The reference '{value[:200]}' names no entry of the transaction (no entry has "
                "it as fullUrl)"
            )
        else:
            match = _CONDITIONAL.match(value)
            if match and match.group(1) in RESOURCE_TYPES:
                holder["reference"] = await resolve(match.group(1), match.group(2))
