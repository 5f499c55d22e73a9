"""Checks the request handlers make once they have parsed what the gate could not see: the
types a search includes, the launch patient's compartment, the patient a `$match` is for.

Every check is a no-op with `FHIRTRIAL_AUTH=off`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from fhirtrial.api.context import context
from fhirtrial.api.smart.authority import authority
from fhirtrial.auth import compartment
from fhirtrial.auth.errors import InsufficientScope, MissingToken
from fhirtrial.auth.policy import authorize, needed_scopes
from fhirtrial.auth.principal import principal
from fhirtrial.errors import FHIRError, NotFound
from fhirtrial.matching.persist import bundle_patient, prepare_patient
from fhirtrial.matching.request import MatchRequest
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.resources.search_query import Include, SearchQuery, parse_search

# What `$import` writes: each study's ResearchStudy, PlanDefinition, EvidenceVariable, and its
# sites and sponsors.
IMPORT_TYPES = ("ResearchStudy", "PlanDefinition", "EvidenceVariable", "Location", "Organization")


def _confinement(request: Request, resource_type: str, permission: str) -> str | None:
    """None when the caller may act on every resource of the type, else the launch patient."""
    if not authority(request).required:
        return None
    return authorize(principal(request), resource_type, permission)


def confine_search(request: Request, query: SearchQuery) -> None:
    """Refuse included types the caller may not read; narrow a patient-level search to the
    launch patient's compartment, and so every inner search of its chains and `_has`."""
    patient = _confinement(request, query.resource_type, "s")
    for join in query.joins:
        for inner in join.inners:
            confine_search(request, inner)
    for include in [*query.includes, *query.iterate]:
        for included in _included_types(include):
            if _confinement(request, included, "r") is not None:
                raise InsufficientScope(
                    f"_include/_revinclude of {included} is not available with patient-level "
                    "scopes",
                    needed_scopes(included, "r")[:2],
                )
    if patient is not None:
        spec = RESOURCE_TYPES[query.resource_type]
        criterion = compartment.search_criterion(spec.name, patient)
        narrowed = parse_search(
            spec, [criterion], registry=RESOURCE_TYPES, lenient=False, default_count=1, max_count=1
        )
        query.criteria.extend(narrowed.criteria)


def searchable_types(request: Request, asked: list[str] | None) -> list[str]:
    """The types a system-level search or history may reach: all of `asked` (403 for one the
    caller may not search), or without `_type` every served type the caller may search.

    The gate authenticates the caller of a system-level request but leaves the types to this
    check (the request names none)."""
    if not authority(request).required:
        return asked if asked is not None else sorted(RESOURCE_TYPES)
    caller = principal(request)
    if asked is not None:
        for resource_type in asked:
            authorize(caller, resource_type, "s")
        return asked
    allowed = []
    for resource_type in sorted(RESOURCE_TYPES):
        try:
            authorize(caller, resource_type, "s")
        except FHIRError:
            continue
        allowed.append(resource_type)
    return allowed


def refuse_confined_system_history(request: Request, types: list[str]) -> None:
    """A patient-level token has no system history: it would show other patients' versions."""
    for resource_type in types:
        refuse_confined_history(request, resource_type, instance=False)


def confine_read(request: Request, resource: dict[str, Any]) -> None:
    """A resource outside the launch patient's compartment is not found (read, vread)."""
    kind = str(resource.get("resourceType"))
    patient = _confinement(request, kind, "r")
    if patient is not None and not compartment.contains(resource, patient):
        raise NotFound(f"{kind}/{resource.get('id')} is not known")


def refuse_confined_history(request: Request, resource_type: str, *, instance: bool) -> None:
    if _confinement(request, resource_type, "r" if instance else "s") is not None:
        raise InsufficientScope(
            f"History of {resource_type} is not available with patient-level scopes",
            needed_scopes(resource_type, "r" if instance else "s")[:2],
        )


async def confine_write(
    request: Request,
    resource_type: str,
    permission: str,
    *,
    body: dict[str, Any] | None = None,
    rid: str | None = None,
) -> None:
    """A patient-level write must keep the resource in the launch patient's compartment, and
    may only replace or delete a resource that is in it."""
    patient = _confinement(request, resource_type, permission)
    if patient is None:
        return
    outside = body is not None and not compartment.contains(body, patient)
    if not outside and rid is not None:
        try:
            stored = await context(request).repository.read(resource_type, rid)
        except FHIRError:  # not there (or deleted): nothing of another patient's to change
            stored = None
        outside = stored is not None and not compartment.contains(stored.resource, patient)
    if outside:
        raise InsufficientScope(
            f"A patient-level token may only write resources in the compartment of "
            f"Patient/{patient}",
            needed_scopes(resource_type, permission)[:2],
        )


async def authorize_match(request: Request, match: MatchRequest) -> None:
    """`$match` reads the patient's data and answers with ResearchSubjects: it needs
    `Patient.r` and `ResearchSubject.s`; with `persist=true` it writes both, so it also needs
    `Patient.cu` and `ResearchSubject.cu`. A patient-level token matches its own patient only."""
    needs = [("Patient", "r"), ("ResearchSubject", "s")]
    if match.persist:
        needs += [(t, p) for t in ("Patient", "ResearchSubject") for p in ("c", "u")]
    patients = _require_all(request, needs, "$match")
    if not patients:
        return
    launch = patients.pop()
    if match.persist:
        _, _, stored = await prepare_patient(context(request).matching.database, match.bundle)
        matched = stored.get("id")
    else:
        matched = bundle_patient(match.bundle)[0].get("id")
    if patients or matched != launch:
        raise InsufficientScope(
            f"A patient-level token may $match only its launch patient, Patient/{launch}",
            ["system/Patient.r", "user/Patient.r"],
        )


def authorize_import(request: Request) -> None:
    """`$import` creates and updates catalog resources: `ResearchStudy.cu`, `PlanDefinition.cu`,
    `EvidenceVariable.cu`, `Location.cu` and `Organization.cu` (e.g. `system/*.cu`)."""
    _require_all(request, [(t, p) for t in IMPORT_TYPES for p in ("c", "u")], "$import")


async def authorize_validate(
    request: Request,
    resource_type: str,
    permission: str,
    *,
    body: dict[str, Any] | None,
    rid: str | None,
) -> None:
    """`$validate` stores nothing, but it answers as the interaction it checks would (whether a
    resource exists, whether a write would pass): it needs that interaction's scope, `r` for a
    check of content alone, and a patient-level token stays in its compartment."""
    patients = _require_all(request, [(resource_type, permission)], "$validate")
    if patients and permission in ("c", "u", "d"):
        await confine_write(request, resource_type, permission, body=body, rid=rid)


def authorize_subscription_status(request: Request, *, instance: bool) -> str | None:
    """`$status` reads Subscriptions: `Subscription.r` on one, `Subscription.s` on the type.
    Returns the launch patient a patient-level token confines it to (None: unconfined)."""
    patients = _require_all(request, [("Subscription", "r" if instance else "s")], "$status")
    return next(iter(patients), None)


def _require_all(request: Request, needs: list[tuple[str, str]], what: str) -> set[str]:
    """The launch patients the grants are confined to (empty: unconfined); one 403 naming every
    missing scope otherwise."""
    if not authority(request).required:
        return set()
    caller = principal(request)
    if caller.anonymous:
        raise MissingToken(f"{what} needs a bearer token")
    patients: set[str] = set()
    missing: list[str] = []
    for resource_type, permission in needs:
        try:
            patient = authorize(caller, resource_type, permission)
        except InsufficientScope:
            missing.append(f"{resource_type}.{permission}")
            continue
        if patient is not None:
            patients.add(patient)
    if missing:
        needed = [f"system/{m}" for m in missing]
        raise InsufficientScope(
            f"{what} needs the scopes {', '.join(needed)} (or their user/ forms); "
            f"the token lacks {', '.join(missing)}",
            needed,
        )
    return patients


def _included_types(include: Include) -> list[str]:
    if include.reverse:
        return [include.source_type]
    if include.target_type is not None:
        return [include.target_type]
    # A parameter that declares no target types may reach any type.
    return [t for t in include.param.targets if t in RESOURCE_TYPES] or list(RESOURCE_TYPES)
