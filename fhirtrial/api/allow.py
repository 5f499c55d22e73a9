"""The `Allow` header of a 405: the methods served at the request's URL, by the first route
template that matches it (as the router picks), less the writes a read-only type refuses."""

from collections.abc import Collection

from starlette.requests import Request
from starlette.routing import Match, Route

from fhirtrial.auth.classify import route_path
from fhirtrial.resources.registry import READ_ONLY_TYPES, RESOURCE_TYPES

_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(
    request: Request, *, writes: Collection[object], post_only: Collection[object]
) -> list[str] | None:
    """None when the URL names a resource type the server does not serve. `writes`: the
    handlers (create, update, patch, delete) a read-only type does not offer; `post_only`:
    handlers routed for every method that answer only POST (operations)."""
    routes = [r for r in request.app.router.routes if isinstance(r, Route) and r.methods]
    probe = {**request.scope, "method": "GET"}
    template = next((r.path for r in routes if r.matches(probe)[0] is not Match.NONE), None)
    resource_type = route_path(request.scope).strip("/").split("/")[0]
    typed = template is not None and template.startswith("/{resource_type")
    if typed and resource_type not in RESOURCE_TYPES:
        return None
    found: set[str] = set()
    for route in routes:
        if route.path != template:
            continue
        if route.endpoint in post_only:
            return ["POST"]
        if route.endpoint in writes and resource_type in READ_ONLY_TYPES:
            continue
        found |= route.methods or set()
    return sorted(found, key=lambda m: _ORDER.index(m) if m in _ORDER else len(_ORDER))
