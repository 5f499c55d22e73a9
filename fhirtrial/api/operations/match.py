"""`POST [base]/ResearchStudy/$match`: rank the catalog's trials for one patient.

In: the patient's Bundle, or a Parameters resource (see
conformance/OperationDefinition-ResearchStudy-match.json). Out: a searchset Bundle of
ResearchSubjects with the eligibility assessment, and the matched ResearchStudies.
"""

from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api.audit import note_match
from fhirtrial.api.bodies import read_json
from fhirtrial.api.caps import check_match_size
from fhirtrial.api.context import base_url, context
from fhirtrial.api.limits import throttle
from fhirtrial.api.responses import check_format, fhir_response
from fhirtrial.api.smart.guards import authorize_match
from fhirtrial.errors import BadRequest, FHIRError
from fhirtrial.matching.matcher import match_patient
from fhirtrial.matching.request import MATCH_DEFINITION, match_request
from fhirtrial.matching.response import match_bundle

DEFINITION = MATCH_DEFINITION
_QUERY_CONTROLS = {"_format", "_pretty"}


async def handle(request: Request) -> Response:
    if request.method != "POST":
        raise FHIRError(405, "not-supported", "$match takes a POST with the patient's data")
    throttle(request, "match")
    check_format(request)
    unknown = sorted(set(request.query_params) - _QUERY_CONTROLS)
    if unknown:
        raise BadRequest(
            f"unknown URL parameter(s) for $match: {', '.join(unknown)}; "
            "send the operation's parameters in a Parameters body"
        )
    settings = context(request).settings
    # FHIRTRIAL_MAX_BODY_BYTES bounds every body; the $match cap can only lower it.
    max_bytes = min(settings.match_max_bytes, settings.max_body_bytes)
    body = await read_json(
        request,
        max_bytes=max_bytes,
        max_depth=settings.max_json_depth,
        check=lambda parsed: check_match_size(parsed, settings.match_max_resources),
    )
    match = match_request(body)
    await authorize_match(request, match)
    result = await match_patient(context(request).matching, match)
    stored = []
    if match.persist:
        stored = [result.patient_reference["reference"]]
        stored += [f"ResearchSubject/{subject['id']}" for subject in result.subjects]
    note_match(request, result.patient_reference, stored)
    return fhir_response(request, match_bundle(result, base_url(request), persisted=match.persist))
