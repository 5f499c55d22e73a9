"""Which FHIR interaction a request is, from its method and path, before routing.

Mirrors the route table of `fhirtrial.api.app` (including its order: `GET /Patient/_search`
is a read of the id "_search", as the router sees it). A request this returns None for is
either public (`/metadata`, `/health`, `/.well-known/…`, `/auth/…`) or one the router
answers with 404 or 405 without touching data.
"""

from dataclasses import dataclass

from fhirtrial.resources.registry import RESOURCE_TYPES

PUBLIC_ROOTS = frozenset({"metadata", "health", ".well-known", "auth"})


@dataclass(frozen=True)
class Interaction:
    name: str  # read, vread, history-instance, history-type, search, create, update, delete,
    # or operation (an operation checks its own scopes once it has read its parameters)
    resource_type: str
    permission: str | None

    @property
    def is_operation(self) -> bool:
        return self.name == "operation"


def classify(method: str, path: str) -> Interaction | None:
    parts = path.strip("/").split("/")
    resource_type = parts[0]
    if resource_type not in RESOURCE_TYPES:
        return None
    method = "GET" if method == "HEAD" else method
    found = _kind(method, parts[1:])
    if found is None:
        return None
    name, permission = found
    return Interaction(name, resource_type, permission)


def _kind(method: str, rest: list[str]) -> tuple[str, str | None] | None:
    if not rest:
        return {"GET": ("search", "s"), "POST": ("create", "c")}.get(method)
    if len(rest) == 1:
        segment = rest[0]
        if segment == "_search" and method == "POST":
            return ("search", "s")
        if segment == "_history" and method == "GET":
            return ("history-type", "s")
        if segment.startswith("$") and method in ("GET", "POST"):
            return ("operation", None)
        return {"GET": ("read", "r"), "PUT": ("update", "u"), "DELETE": ("delete", "d")}.get(method)
    if rest[1] == "_history" and method == "GET" and len(rest) in (2, 3):
        return ("history-instance", "r") if len(rest) == 2 else ("vread", "r")
    return None
