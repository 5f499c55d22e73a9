"""`POST /cds-services/trial-matches`: a `patient-view` call → at most one card.

The patient's record comes from the prefetched data (or, for what the EHR did not prefetch,
from its FHIR server); it is matched exactly as a `$match` with default options would match it,
so the card's counts are the `total` of that `$match`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fhirtrial.api.bodies import read_json
from fhirtrial.api.caps import check_match_size
from fhirtrial.api.cds_hooks.audit_trail import record_hook_call
from fhirtrial.api.cds_hooks.cards import SHOWN, trial_cards
from fhirtrial.api.cds_hooks.client_auth import authenticate_cds_client
from fhirtrial.api.cds_hooks.discovery import SERVICE_ID
from fhirtrial.api.cds_hooks.ehr_fetch import fetch_missing
from fhirtrial.api.cds_hooks.hook_request import hook_request
from fhirtrial.api.cds_hooks.patient_bundle import MissingData, patient_bundle, unanswered
from fhirtrial.api.context import base_url, context
from fhirtrial.api.limits import throttle
from fhirtrial.matching.matcher import match_patient
from fhirtrial.matching.request import MatchRequest


def service_url(request: Request) -> str:
    return f"{base_url(request)}/cds-services/{SERVICE_ID}"


async def call(request: Request) -> Response:
    started = datetime.now(UTC)
    await authenticate_cds_client(request, [service_url(request)])
    throttle(request, "match")
    settings = context(request).settings
    max_bytes = min(settings.match_max_bytes, settings.max_body_bytes)
    body = await read_json(request, max_bytes=max_bytes, max_depth=settings.max_json_depth)
    hook = hook_request(body)
    data = dict(hook.prefetch)
    missing = unanswered(data)
    if missing:
        if hook.fhir is None:
            raise MissingData(
                f"Prefetch {', '.join(missing)} not sent, and no fhirServer with "
                "fhirAuthorization to read it from"
            )
        timeout_s = settings.cds_fetch_timeout_s
        fetched = await fetch_missing(
            hook.fhir, hook.patient_id, missing, timeout_s=timeout_s, max_bytes=max_bytes
        )
        data.update(fetched)
    bundle = patient_bundle(hook.patient_id, data)
    check_match_size(bundle, settings.match_max_resources)
    match = MatchRequest(bundle=bundle, count=SHOWN, bundle_path="prefetch")
    result = await match_patient(context(request).matching, match)
    cards = trial_cards(result, base=base_url(request), patient_id=hook.patient_id)
    await record_hook_call(request, hook, started)
    return JSONResponse({"cards": cards})
