"""`POST [base]/ResearchStudy/$import`: import ClinicalTrials.gov studies over HTTP.

In: a Parameters resource with `nctId` (valueString, repeatable; fetched from ClinicalTrials.gov)
and/or `study` (the API v2 study JSON as valueString, or a valueAttachment with base64 JSON data),
checked against conformance/OperationDefinition-ResearchStudy-import.json.
Out: a Parameters resource with the counts, the imported studies and an OperationOutcome that
lists every failure with its NCT id.
"""

import base64
import binascii
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api.audit import note_written
from fhirtrial.api.bodies import read_resource
from fhirtrial.api.context import context
from fhirtrial.api.limits import throttle
from fhirtrial.api.responses import fhir_response
from fhirtrial.api.smart.guards import authorize_import
from fhirtrial.catalog.importer import ImportSummary, import_studies
from fhirtrial.catalog.sources import from_documents, from_nct_ids
from fhirtrial.ctgov import CtGovClient
from fhirtrial.errors import BadRequest, Issue
from fhirtrial.resources.outcome import operation_outcome
from fhirtrial.resources.parameters import Argument, operation_parameters

DEFINITION = "https://fhirtrial.org/fhir/OperationDefinition/ResearchStudy-import"


async def handle(request: Request) -> Response:
    throttle(request, "import")
    authorize_import(request)
    body = await read_resource(request)
    nct_ids, studies = _arguments(body)
    if not nct_ids and not studies:
        raise BadRequest("$import needs at least one 'nctId' or 'study' parameter")
    ctx = context(request)
    summary = ImportSummary()
    if studies:
        summary = await import_studies(ctx.matching, from_documents(studies, "study parameter"))
        _note_written(request, summary)
    if nct_ids:
        settings = ctx.settings
        async with CtGovClient(
            settings.ctgov_base_url, requests_per_minute=settings.ctgov_requests_per_minute
        ) as client:
            fetched = await import_studies(ctx.matching, from_nct_ids(client, nct_ids))
        _note_written(request, fetched)
        _merge(summary, fetched)
    status = 200 if not summary.failures or summary.processed > len(summary.failures) else 422
    return fhir_response(request, _result(summary), status=status)


def _arguments(body: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    values = operation_parameters(DEFINITION).read(body, {"nctId": _nct_id, "study": _study_json})
    return values.get("nctId", []), values.get("study", [])


def _nct_id(argument: Argument) -> str:
    value = argument.value
    if argument.element == "valueIdentifier":
        value = value.get("value")
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(
            f"{argument.where}: nctId needs a valueString (or a valueIdentifier with a value)",
            expression=[argument.where],
        )
    return value.strip()


def _study_json(argument: Argument) -> dict[str, Any]:
    where = argument.where
    if argument.element == "valueAttachment":
        data = argument.value.get("data")
        try:
            raw = base64.b64decode(data if isinstance(data, str) else "", validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest(
                f"{where}: valueAttachment.data is not base64", expression=[where]
            ) from None
    elif isinstance(argument.value, str):
        raw = argument.value.encode()
    else:
        raise BadRequest(
            f"{where}: study needs a valueString or a valueAttachment (JSON)", expression=[where]
        )
    try:
        study = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"{where}: study is not JSON: {exc}", expression=[where]) from None
    if not isinstance(study, dict):
        raise BadRequest(f"{where}: study must be a JSON object", expression=[where])
    return study


def _note_written(request: Request, summary: ImportSummary) -> None:
    # As soon as they are written: a later failure (CT.gov down) must not hide them.
    note_written(request, [f"ResearchStudy/{i}" for i in [*summary.created, *summary.updated]])


def _merge(into: ImportSummary, other: ImportSummary) -> None:
    into.created += other.created
    into.updated += other.updated
    into.unchanged += other.unchanged
    into.failures += other.failures
    into.warnings += other.warnings


def _result(summary: ImportSummary) -> dict[str, Any]:
    parameters = [
        {"name": "created", "valueInteger": len(summary.created)},
        {"name": "updated", "valueInteger": len(summary.updated)},
        {"name": "unchanged", "valueInteger": len(summary.unchanged)},
        {"name": "failed", "valueInteger": len(summary.failures)},
    ]
    for nct_id in [*summary.created, *summary.updated, *summary.unchanged]:
        parameters.append(
            {"name": "study", "valueReference": {"reference": f"ResearchStudy/{nct_id}"}}
        )
    issues = [
        Issue("error", "processing", f"{f.nct_id or f.origin}: {f.reason}")
        for f in summary.failures
    ]
    issues += [Issue("warning", "informational", w) for w in summary.warnings]
    if not issues:
        issues = [Issue("information", "informational", summary.lines()[0])]
    parameters.append({"name": "outcome", "resource": operation_outcome(issues)})
    return {"resourceType": "Parameters", "parameter": parameters}
