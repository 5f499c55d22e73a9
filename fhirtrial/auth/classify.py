"""Which FHIR interaction a request is, from its method and path, before routing.

Mirrors the route table of `fhirtrial.api.app` (including its order: `GET /Patient/_search`
is a read of the id "_search", as the router sees it); the one place that does, read by the
authorization gate (`api.smart.middleware`) and the audit trail (`api.audit`). A request this
returns None for is either public (`/metadata`, `/health`, `/.well-known/…`, `/auth/…`) or one
the router answers with 404 or 405 without touching data or asking for a write.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fhirtrial.resources.registry import RESOURCE_TYPES

PUBLIC_ROOTS = frozenset({"metadata", "health", ".well-known", "auth"})


@dataclass(frozen=True)
class Interaction:
    name: str  # read, vread, history-instance, history-type, search, create, update, patch,
    # delete, or operation (an operation checks its own scopes once it has read its parameters),
    # search-system or history-system (no resource type: the handler checks each type)
    resource_type: str
    permission: str | None
    rid: str | None = None
    version: str | None = None
    operation: str | None = None  # its name without "$"

    @property
    def is_operation(self) -> bool:
        return self.name == "operation"

    @property
    def is_system(self) -> bool:
        """System-level search or history: the handler authorizes each type it reaches."""
        return not self.resource_type


# Writes by method, with the SMART permission they need. Those the router does not serve
# (PATCH, PUT or DELETE on a type, POST on an id) are still writes asked for: authorization
# refuses them before the router's 405, and the audit trail records the attempt.
_WRITES = {"POST": ("create", "c"), "PUT": ("update", "u"), "PATCH": ("patch", "u")}
_WRITES["DELETE"] = ("delete", "d")


# System-level search and history, by method and path.
_SYSTEM = {("GET", ""): "search-system", ("POST", "_search"): "search-system"}
_SYSTEM[("GET", "_history")] = "history-system"


# Bulk export (api/bulk_export.py), by the first segment of the path: operations at the system
# level, which their handler authorizes (a file names its type: `<Type>-<n>.ndjson`).
_EXPORT = {"$export": "export", "$export-status": "export-status", "$export-file": "export-file"}


def classify(method: str, path: str) -> Interaction | None:
    system = _SYSTEM.get(("GET" if method == "HEAD" else method, path.strip("/")))
    if system is not None:
        return Interaction(system, "", "s")
    parts = path.strip("/").split("/")
    if parts[0] in _EXPORT:
        return _export(method, parts)
    resource_type, rest = parts[0], parts[1:]
    if resource_type not in RESOURCE_TYPES:
        return None
    method = "GET" if method == "HEAD" else method
    if not rest:
        if method == "GET":
            return Interaction("search", resource_type, "s")
        return _write(method, resource_type, None)
    segment = rest[0]
    if len(rest) == 1:
        if segment.startswith("$") and method in ("GET", "POST"):
            return Interaction("operation", resource_type, None, operation=segment[1:])
        if segment == "_search" and method == "POST":
            return Interaction("search", resource_type, "s")
        if segment == "_history" and method == "GET":
            return Interaction("history-type", resource_type, "s")
        if method == "GET":
            return Interaction("read", resource_type, "r", rid=segment)
        return _write(method, resource_type, segment)
    if len(rest) == 2 and rest[1].startswith("$") and method in ("GET", "POST"):
        return Interaction("operation", resource_type, None, rid=segment, operation=rest[1][1:])
    if rest[1] == "_history" and method == "GET" and len(rest) == 2:
        return Interaction("history-instance", resource_type, "r", rid=segment)
    if rest[1] == "_history" and method == "GET" and len(rest) == 3:
        return Interaction("vread", resource_type, "r", rid=segment, version=rest[2])
    return None


def _export(method: str, parts: list[str]) -> Interaction:
    operation = _EXPORT[parts[0]]
    if operation == "export-status" and method == "DELETE":
        operation = "export-cancel"
    resource_type = ""
    if operation == "export-file" and len(parts) == 3:
        named = parts[2].partition("-")[0]
        resource_type = named if named in RESOURCE_TYPES else ""
    job = parts[1] if len(parts) > 1 else None
    return Interaction("operation", resource_type, None, rid=job, operation=operation)


def _write(method: str, resource_type: str, rid: str | None) -> Interaction | None:
    found = _WRITES.get(method)
    return None if found is None else Interaction(*found[:1], resource_type, found[1], rid=rid)


def route_path(scope: Mapping[str, Any]) -> str:
    """The path the router matches (without the mount point the app may be served under)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
