"""FHIR operations, one module each; `OPERATIONS` maps (resource type, name) to a handler."""

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api.operations import import_studies, match, subscription_status, validate
from fhirtrial.resources.registry import RESOURCE_TYPES

Handler = Callable[[Request], Awaitable[Response]]

OPERATIONS: dict[tuple[str, str], tuple[Handler, str]] = {
    ("ResearchStudy", "import"): (import_studies.handle, import_studies.DEFINITION),
    ("ResearchStudy", "match"): (match.handle, match.DEFINITION),
    ("Subscription", "status"): (subscription_status.handle, subscription_status.DEFINITION),
    **{(name, "validate"): (validate.handle, validate.DEFINITION) for name in RESOURCE_TYPES},
}
# Operations also invoked on an instance, `[type]/[id]/$name`.
INSTANCE_OPERATIONS = frozenset({"validate", "status"})
# Operations that change nothing and may also be invoked with GET.
GET_OPERATIONS = frozenset({"status"})
