"""SMART scopes: parsed (v1 and v2 syntax), compared and intersected.

A resource scope is `<patient|user|system>/<Type|*>.<permissions>[?param=value…]`, where the
permissions are SMART v2 letters in order (`c` create, `r` read, `u` update, `d` delete,
`s` search; e.g. `rs`, `cruds`) or SMART v1 words (`read` = `rs`, `write` = `cud`, `*` = `cruds`).
Other scopes (`openid`, `fhirUser`, `launch/patient`, `offline_access`) grant no resource access.

A granular v2 scope (`patient/Observation.rs?category=vital-signs`) is parsed but grants
nothing: this server does not filter by scope parameters, and granting the unfiltered
resource scope instead would give more than was consented to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

CONTEXTS = ("patient", "user", "system")
PERMISSIONS = "cruds"
_V1 = {"read": "rs", "write": "cud", "*": PERMISSIONS}
_SCOPE = re.compile(
    r"(?P<context>patient|user|system)/(?P<type>\*|[A-Z][A-Za-z]{0,63})"
    r"\.(?P<permissions>[a-z]+|\*)(?:\?(?P<query>.+))?"
)


@dataclass(frozen=True)
class Scope:
    context: str
    resource_type: str  # a resource type, or "*"
    permissions: frozenset[str]
    # The `?param=value` of a granular scope; such a scope grants nothing (see the module doc).
    query: str = ""

    def covers(self, resource_type: str, permission: str) -> bool:
        return (
            not self.query
            and self.resource_type in ("*", resource_type)
            and permission in self.permissions
        )

    def __str__(self) -> str:
        letters = "".join(p for p in PERMISSIONS if p in self.permissions)
        query = f"?{self.query}" if self.query else ""
        return f"{self.context}/{self.resource_type}.{letters}{query}"


def parse_scope(text: str) -> Scope | None:
    """The resource scope `text` names, or None for any other scope (or a malformed one)."""
    found = _SCOPE.fullmatch(text)
    if found is None:
        return None
    raw = found["permissions"]
    letters = _V1.get(raw, raw)
    # v2 letters must be distinct and in the order c, r, u, d, s.
    if not letters or "".join(p for p in PERMISSIONS if p in letters) != letters:
        return None
    return Scope(found["context"], found["type"], frozenset(letters), found["query"] or "")


def parse_scopes(texts: Iterable[str]) -> list[Scope]:
    return [scope for text in texts if (scope := parse_scope(text)) is not None]


def split_scope_string(value: str) -> list[str]:
    """The scopes of an OAuth `scope` parameter or claim (space-separated)."""
    return [part for part in value.split(" ") if part]


def intersect(requested: Iterable[Scope], registered: Iterable[Scope]) -> list[Scope]:
    """What of `requested` the `registered` scopes allow, scope by scope (same context, the
    narrower type, the common permissions); granular scopes are never granted."""
    registered = [r for r in registered if not r.query]
    granted: list[Scope] = []
    for want in requested:
        if want.query:
            continue
        for have in registered:
            if have.context != want.context:
                continue
            if have.resource_type == "*":
                resource_type = want.resource_type
            elif want.resource_type in ("*", have.resource_type):
                resource_type = have.resource_type
            else:
                continue
            permissions = want.permissions & have.permissions
            scope = Scope(want.context, resource_type, permissions)
            if permissions and scope not in granted:
                granted.append(scope)
    return granted
