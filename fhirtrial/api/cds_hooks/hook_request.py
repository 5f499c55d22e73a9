"""The body of a CDS Hooks call, checked: a 400 names the first field that is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fhirtrial.api.cds_hooks.discovery import HOOK
from fhirtrial.errors import BadRequest

_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


@dataclass(frozen=True)
class FhirAccess:
    """Where and how the service may read what the EHR did not prefetch."""

    server: str
    access_token: str


@dataclass(frozen=True)
class HookRequest:
    hook_instance: str
    patient_id: str
    user_id: str | None
    prefetch: dict[str, dict[str, Any] | None]
    """Only the keys the EHR sent: a missing key was not prefetched, a None value found nothing."""
    fhir_server: str | None
    fhir: FhirAccess | None
    """Set when the EHR handed over a token for its FHIR server."""


def hook_request(body: dict[str, Any]) -> HookRequest:
    hook = body.get("hook")
    if hook != HOOK:
        raise BadRequest(f"hook: this service answers the '{HOOK}' hook, not {hook!r}")
    instance = body.get("hookInstance")
    if not isinstance(instance, str) or not instance.strip():
        raise BadRequest("hookInstance: a string (a UUID) is required")
    context = body.get("context")
    if not isinstance(context, dict):
        raise BadRequest("context: an object with the patientId is required")
    patient_id = context.get("patientId")
    if not isinstance(patient_id, str) or not _FHIR_ID.match(patient_id):
        raise BadRequest("context.patientId: the id of the Patient in view is required")
    user_id = context.get("userId")
    if user_id is not None and not isinstance(user_id, str):
        raise BadRequest("context.userId: expected a string such as 'Practitioner/123'")
    server = body.get("fhirServer")
    access = _fhir_access(server, body.get("fhirAuthorization"))
    return HookRequest(
        hook_instance=instance,
        patient_id=patient_id,
        user_id=user_id,
        prefetch=_prefetch(body.get("prefetch")),
        fhir_server=server.rstrip("/") if isinstance(server, str) else None,
        fhir=access,
    )


def _prefetch(value: Any) -> dict[str, dict[str, Any] | None]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest("prefetch: expected an object of prefetch keys")
    for key, data in value.items():
        if data is not None and not isinstance(data, dict):
            raise BadRequest(f"prefetch.{key}: expected a FHIR resource or null")
        if data is not None and not isinstance(data.get("resourceType"), str):
            raise BadRequest(f"prefetch.{key}: the resource has no resourceType")
    return value


def _fhir_access(server: Any, authorization: Any) -> FhirAccess | None:
    if server is not None and (not isinstance(server, str) or not _is_http_url(server)):
        raise BadRequest("fhirServer: expected the http(s) base URL of the EHR's FHIR server")
    if authorization is None:
        return None
    if server is None:
        raise BadRequest("fhirAuthorization needs fhirServer, the server it grants access to")
    if not isinstance(authorization, dict):
        raise BadRequest("fhirAuthorization: expected an object with an access_token")
    token = authorization.get("access_token")
    if not isinstance(token, str) or not token.strip():
        raise BadRequest("fhirAuthorization.access_token: a string is required")
    token_type = authorization.get("token_type")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise BadRequest("fhirAuthorization.token_type: must be 'Bearer'")
    return FhirAccess(server.rstrip("/"), token.strip())


def _is_http_url(text: str) -> bool:
    return text.startswith(("https://", "http://")) and len(text) > len("https://")
