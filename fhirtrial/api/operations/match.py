"""`POST [base]/ResearchStudy/$match`: rank the catalog's trials for one patient.

In: the patient's Bundle, or a Parameters resource (see
conformance/OperationDefinition-ResearchStudy-match.json). Out: a searchset Bundle of
ResearchSubjects with the eligibility assessment, and the matched ResearchStudies.
"""

from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api.audit import note_match
from fhirtrial.api.bodies import read_resource
from fhirtrial.api.context import base_url, context
from fhirtrial.api.responses import check_format, fhir_response
from fhirtrial.errors import BadRequest, FHIRError
from fhirtrial.matching.matcher import match_patient
from fhirtrial.matching.request import MATCH_DEFINITION, match_request
from fhirtrial.matching.response import match_bundle

DEFINITION = MATCH_DEFINITION
_QUERY_CONTROLS = {"_format", "_pretty"}


async def handle(request: Request) -> Response:
    if request.method != "POST":
        raise FHIRError(405, "not-supported", "$match takes a POST with the patient's data")
    check_format(request)
    unknown = sorted(set(request.query_params) - _QUERY_CONTROLS)
    if unknown:
        raise BadRequest(
            f"unknown URL parameter(s) for $match: {', '.join(unknown)}; "
            "send the operation's parameters in a Parameters body"
        )
    body = await read_resource(request)
    match = match_request(body)
    result = await match_patient(context(request).matching, match)
    stored = []
    if match.persist:
        stored = [result.patient_reference["reference"]]
        stored += [f"ResearchSubject/{subject['id']}" for subject in result.subjects]
    note_match(request, result.patient_reference, stored)
    return fhir_response(request, match_bundle(result, base_url(request), persisted=match.persist))
