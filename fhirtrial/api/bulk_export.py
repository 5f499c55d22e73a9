"""`$export` over HTTP (FHIR Bulk Data Access 2.0.0, system level): the kick-off
(`GET|POST [base]/$export`), the status URL (`GET` polls, `DELETE` cancels) and the NDJSON
files. The job itself runs in the background (`fhirtrial.export.runner`); every answer here
comes from the job's document, so any server process on the database can give it.

Only the client that kicked an export off (same issuer, client and user) may poll, cancel or
download it; to anyone else it does not exist (404).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from fhirtrial.api.context import base_url, context
from fhirtrial.api.export_params import kick_off_params, read_export
from fhirtrial.api.responses import check_format, fhir_response
from fhirtrial.api.smart.authority import authority
from fhirtrial.auth.errors import MissingToken
from fhirtrial.auth.policy import authorize
from fhirtrial.auth.principal import principal
from fhirtrial.errors import BadRequest, FHIRError, Issue, NotFound
from fhirtrial.export import jobs
from fhirtrial.export.pieces import read_file
from fhirtrial.export.runner import ExportRunner
from fhirtrial.export.selection import part_filter
from fhirtrial.resources.dates import format_instant, http_date
from fhirtrial.resources.outcome import operation_outcome
from fhirtrial.resources.registry import RESOURCE_TYPES

NDJSON = "application/fhir+ndjson"
STATUS_PATH = "$export-status"
FILE_PATH = "$export-file"
# Seconds a client should wait before polling again while a job runs.
RETRY_AFTER_S = 2


def runner(request: Request) -> ExportRunner:
    found: ExportRunner = request.app.state.exports
    return found


def _now() -> datetime:
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _owner(request: Request) -> jobs.Owner:
    caller = principal(request)
    return jobs.Owner(caller.issuer, caller.client_id, caller.subject)


def _require_token(request: Request, what: str) -> None:
    if authority(request).required and principal(request).anonymous:
        raise MissingToken(f"{what} needs a bearer token")


async def kick_off(request: Request) -> Response:
    check_format(request)
    _require_token(request, "$export")
    if not _prefers_async(request.headers.get("prefer", "")):
        raise BadRequest(
            "$export runs asynchronously: send the header 'Prefer: respond-async'",
            code="not-supported",
        )
    params = await kick_off_params(request)
    ask = read_export(request, params)
    now = _now()
    settings = context(request).settings
    database = context(request).repository.database
    for part in ask.parts:  # a filter that cannot run (a join finding too many) fails here
        await part_filter(
            database, part, since=ask.since, until=now, max_joined=settings.max_joined
        )
    base = base_url(request)
    query = request.url.query
    asked = f"{base}/$export" + (f"?{query}" if query and request.method == "GET" else "")
    job = await jobs.create_job(
        database.db,
        jobs.NewJob(
            request=asked,
            parts=ask.parts,
            since=ask.since,
            owner=_owner(request),
            patient=ask.patient,
            requires_token=authority(request).required,
            notes=ask.notes,
        ),
        now=now,
    )
    runner(request).wake()
    accepted = Issue("information", "informational", f"Export {job['_id']} accepted")
    return fhir_response(
        request,
        operation_outcome([accepted]),
        status=202,
        headers={"Content-Location": f"{base}/{STATUS_PATH}/{job['_id']}"},
    )


def _prefers_async(header: str) -> bool:
    return any(part.strip().split("=")[0].strip() == "respond-async" for part in header.split(","))


async def _owned_job(request: Request, job_id: str) -> dict[str, Any]:
    _require_token(request, "An export's status and files")
    db = context(request).repository.database.db
    job = await jobs.find_job(db, job_id, now=_now())
    if job is None or (authority(request).required and job["owner"] != _owner(request).as_list()):
        raise NotFound(f"No export {job_id} (it may have been cancelled or have expired)")
    return job


async def status(request: Request) -> Response:
    job_id = request.path_params["job"]
    job = await _owned_job(request, job_id)
    if request.method == "DELETE":
        await jobs.delete_job(context(request).repository.database.db, job_id)
        cancelled = Issue("information", "informational", f"Export {job_id} cancelled")
        return fhir_response(request, operation_outcome([cancelled]), status=202)
    state = job["state"]
    if state in (jobs.QUEUED, jobs.RUNNING):
        return Response(
            status_code=202,
            headers={"X-Progress": _progress(job), "Retry-After": str(RETRY_AFTER_S)},
        )
    if state == jobs.FAILED:
        failure = Issue("error", "exception", f"The export failed: {job.get('failure')}")
        return fhir_response(request, operation_outcome([failure]), status=job.get("status", 500))
    manifest = _manifest(job, base_url(request))
    return Response(
        orjson.dumps(manifest),
        media_type="application/json",
        headers={"Expires": http_date(job["expires"])},
    )


def _progress(job: dict[str, Any]) -> str:
    if job["state"] == jobs.QUEUED:
        return "queued"
    done, total = job["progress"]["done"], job["progress"]["total"]
    if total is None:
        return "starting"
    percent = 100 * done // total if total else 100
    return f"{done:,} of {total:,} resources written ({percent}%)"


def _manifest(job: dict[str, Any], base: str) -> dict[str, Any]:
    def url(name: str) -> str:
        return f"{base}/{FILE_PATH}/{job['_id']}/{name}.ndjson"

    return {
        "transactionTime": format_instant(job["transaction_time"]),
        "request": job["request"],
        "requiresAccessToken": job["requires_token"],
        "output": [
            {"type": o["type"], "url": url(o["name"]), "count": o["count"]} for o in job["output"]
        ],
        "error": [
            {"type": "OperationOutcome", "url": url(e["name"]), "count": e["count"]}
            for e in job["errors"]
        ],
    }


async def download(request: Request) -> Response:
    job_id, file_name = request.path_params["job"], request.path_params["name"]
    job = await _owned_job(request, job_id)
    name = file_name.removesuffix(".ndjson")
    listed = {o["name"]: o["type"] for o in job.get("output", [])}
    listed |= {e["name"]: "OperationOutcome" for e in job.get("errors", [])}
    if job["state"] != jobs.COMPLETED or name not in listed or not file_name.endswith(".ndjson"):
        raise NotFound(f"Export {job_id} has no file {file_name}")
    resource_type = listed[name]
    if authority(request).required and resource_type in RESOURCE_TYPES:
        # The token presented now must still allow what the file holds (403 from authorize),
        # and not only within another compartment than the export's.
        confined = authorize(principal(request), resource_type, "s")
        if confined is not None and confined != job["patient"]:
            raise FHIRError(403, "forbidden", "This token may not read this export's file")
    db = context(request).repository.database.db
    return StreamingResponse(read_file(db, job["run"], name), media_type=NDJSON)
