"""The AuditEvent of an answered hook call: the CDS client matched one of its patients here.

The audit middleware records FHIR interactions it recognises by path; a hook call is not one, so
the service records its own event, as `$match` would be recorded (operation "match", action E),
naming the EHR's patient by its URL on the EHR's FHIR server. As for every read of patient data
(ADR 0009), an answer whose event cannot be written is not given: 503.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from fhirtrial.api.audit import caller_of
from fhirtrial.api.cds_hooks.hook_request import HookRequest
from fhirtrial.api.context import context
from fhirtrial.audit.event import Activity
from fhirtrial.errors import FHIRError

log = logging.getLogger("fhirtrial.audit")


async def record_hook_call(request: Request, hook: HookRequest, started: datetime) -> None:
    activity = Activity(
        interaction="operation",
        action="E",
        resource_type="ResearchStudy",
        status=200,
        started=started,
        ended=datetime.now(UTC),
        caller=caller_of(request),
        patient=_ehr_patient(hook),
        operation="match",
    )
    try:
        await context(request).audit.record(activity)
    except Exception:
        log.critical("No AuditEvent recorded for the CDS Hooks call %s", hook.hook_instance)
        raise FHIRError(
            503,
            "transient",
            "The call could not be recorded in the audit trail, so nothing was returned; "
            "try again shortly",
            headers={"Retry-After": "5"},
        ) from None


def _ehr_patient(hook: HookRequest) -> dict[str, Any]:
    if hook.fhir_server is not None:
        return {"reference": f"{hook.fhir_server}/Patient/{hook.patient_id}"}
    return {"display": f"Patient/{hook.patient_id} of the calling CDS client"}
