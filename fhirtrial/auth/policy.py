"""Who may do what: the public catalog, the scope each interaction needs, and whether a grant is
confined to the launch patient's compartment.

Permissions are SMART v2 letters: `r` read, vread and instance history; `s` search and type
history; `c` create; `u` update; `d` delete.
"""

from __future__ import annotations

import functools

from fhirtrial.auth import compartment
from fhirtrial.auth.errors import InsufficientScope, MissingToken
from fhirtrial.auth.principal import Principal
from fhirtrial.auth.scopes import Scope, parse_scopes
from fhirtrial.resources.registry import CONFORMANCE_TYPES

# The trial catalog and the server's conformance resources: readable by anyone.
PUBLIC_TYPES = frozenset(
    {"ResearchStudy", "PlanDefinition", "EvidenceVariable", "Location", "Organization"}
    | set(CONFORMANCE_TYPES)
    | {"SubscriptionTopic"}
)
_VERBS = {"c": "Creating", "r": "Reading", "u": "Updating", "d": "Deleting", "s": "Searching"}


@functools.lru_cache(maxsize=4096)
def _scopes(granted: tuple[str, ...]) -> tuple[Scope, ...]:
    return tuple(parse_scopes(granted))


def needed_scopes(resource_type: str, permission: str) -> list[str]:
    contexts = ["system", "user"]
    if resource_type in compartment.TYPES:
        contexts.append("patient")
    return [f"{context}/{resource_type}.{permission}" for context in contexts]


def authorize(caller: Principal, resource_type: str, permission: str) -> str | None:
    """Allow `permission` on `resource_type` or raise (401 anonymous, 403 scope missing).

    Returns None for unconfined access, or the launch patient's id when only a `patient/`
    scope allows it: the caller may then reach that patient's compartment only.
    """
    if resource_type in PUBLIC_TYPES and permission in ("r", "s"):
        return None
    if caller.anonymous:
        raise MissingToken(f"{_VERBS[permission]} {resource_type} needs a bearer token")
    scopes = _scopes(caller.scopes)
    if any(s.context != "patient" and s.covers(resource_type, permission) for s in scopes):
        return None
    by_patient = any(s.context == "patient" and s.covers(resource_type, permission) for s in scopes)
    if by_patient and resource_type in compartment.TYPES and caller.patient:
        return caller.patient
    needed = needed_scopes(resource_type, permission)
    message = f"{_VERBS[permission]} {resource_type} needs the scope {' or '.join(needed)}"
    if by_patient and resource_type in compartment.TYPES:
        message += " (the token's patient/ scope has no launch patient)"
    raise InsufficientScope(message, needed)
