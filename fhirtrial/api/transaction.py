"""`POST [base]` with a batch or transaction Bundle (http.html#transaction).

A batch performs each entry on its own: a failing entry is answered with its status and an
OperationOutcome in its `response`, and the others go on. A transaction is all or nothing
(`api.atomic`): entries are processed DELETE, POST, PUT/PATCH, GET/HEAD (http.html#trules),
the ids of creates are chosen before anything is written so that references to their fullUrls
(`urn:uuid:…`) and conditional references can be rewritten first, and the first failing entry
fails the whole Bundle with its status and an OperationOutcome naming it.
"""

import copy
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api import entries as ops
from fhirtrial.api.atomic import Journal, run_atomically
from fhirtrial.api.bodies import read_json
from fhirtrial.api.bundle_audit import EntryRecord, record_entries
from fhirtrial.api.context import base_url, context
from fhirtrial.api.entries import Entry, EntryContext, EntryOutcome
from fhirtrial.api.headers import etag_version, preferences
from fhirtrial.api.references import rewrite
from fhirtrial.api.responses import check_format, fhir_response
from fhirtrial.api.smart import guards
from fhirtrial.api.smart.middleware import authenticate
from fhirtrial.auth.principal import principal, set_principal
from fhirtrial.errors import BadRequest, FHIRError, Issue, PreconditionFailed
from fhirtrial.resources.dates import format_instant
from fhirtrial.resources.outcome import information, operation_outcome
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.documents import now
from fhirtrial.store.restamp import restamp

T = TypeVar("T")
KINDS = ("batch", "transaction")
# Processing order of a transaction's entries (http.html#trules).
_ORDER = {"DELETE": 0, "POST": 1, "PUT": 2, "PATCH": 2, "GET": 3, "HEAD": 3}


class TooManyEntries(FHIRError):
    def __init__(self, found: int, limit: int) -> None:
        super().__init__(
            413,
            "too-costly",
            f"The Bundle has {found} entries; a batch or transaction takes at most {limit} "
            "(FHIRTRIAL_MAX_BUNDLE_ENTRIES): split it",
        )


class EntryFailed(FHIRError):
    """A transaction entry failed: the whole transaction fails with its status."""

    def __init__(self, entry_index: int, error: FHIRError) -> None:
        where = f"Bundle.entry[{entry_index}]"
        issues = [
            Issue(i.severity, i.code, f"{where}: {i.diagnostics}", [where, *i.expression])
            for i in error.issues
        ]
        super().__init__(error.status, issues[0].code, issues[0].diagnostics, issues=issues)
        self.index = entry_index
        # What the client may need to retry (Retry-After); not an entry's Allow or ETag.
        self.headers = {k: v for k, v in error.headers.items() if k == "Retry-After"}


@dataclass
class _Parsed:
    """An entry as sent, parsed as far as it could be (`error` when it could not)."""

    index: int
    raw: dict[str, Any]
    entry: Entry | None = None
    error: FHIRError | None = None


async def bundle(request: Request) -> Response:
    check_format(request)
    # The authorization gate sees no resource type at the base: the caller is established here,
    # and each entry is authorised as its interaction would be on its own.
    if principal(request).anonymous:
        set_principal(request, await authenticate(request))
    settings = context(request).settings
    limit = settings.max_bundle_entries
    body = await read_json(
        request,
        max_bytes=settings.max_body_bytes,
        max_depth=settings.max_json_depth,
        check=lambda b: _check_size(b, limit),
    )
    if body.get("resourceType") != "Bundle":
        raise BadRequest(
            f"POST to the base takes a Bundle of type batch or transaction, got a "
            f"{body.get('resourceType') or 'JSON object without resourceType'}"
        )
    kind = body.get("type")
    if kind not in KINDS:
        raise BadRequest(
            f"POST to the base takes a Bundle of type batch or transaction, got type '{kind}'",
            expression=["Bundle.type"],
        )
    raw_entries = body.get("entry", [])
    if not isinstance(raw_entries, list):
        raise BadRequest("Bundle.entry must be a list", code="structure")
    base = base_url(request)
    parsed = [_parse(i, raw, base) for i, raw in enumerate(raw_entries)]
    ctx = EntryContext(request, context(request).repository)
    started = datetime.now(UTC)
    outcomes: list[tuple[int, EntryOutcome | FHIRError]]
    if kind == "batch":
        outcomes = await _batch(ctx, parsed)
    else:
        entries = _checked_transaction(parsed)
        try:
            done = await run_atomically(
                ctx.repository,
                lambda repo, journal: _transaction(EntryContext(request, repo), entries, journal),
            )
        except EntryFailed as failure:
            # Only the attempt of the entry that failed: the others were never written.
            failed = parsed[failure.index].entry
            await record_entries(request, [EntryRecord(failed, failure.status, None)], started)
            raise
        outcomes = [(done[p.index].status, done[p.index]) for p in parsed]
    records = [
        EntryRecord(p.entry, status, outcome)
        for p, (status, outcome) in zip(parsed, outcomes, strict=True)
    ]
    await record_entries(request, records, started)
    response_entries = [
        _response_entry(request, base, p, status, outcome)
        for p, (status, outcome) in zip(parsed, outcomes, strict=True)
    ]
    answer = {"resourceType": "Bundle", "type": f"{kind}-response", "entry": response_entries}
    return fhir_response(request, answer)


def _check_size(body: dict[str, Any], limit: int) -> None:
    found = body.get("entry")
    if isinstance(found, list) and len(found) > limit:
        raise TooManyEntries(len(found), limit)


# ---- parsing ------------------------------------------------------------------------------------


def _parse(index: int, raw: Any, base: str) -> _Parsed:
    if not isinstance(raw, dict):
        return _Parsed(index, {}, error=BadRequest("A Bundle entry must be a JSON object"))
    parsed = _Parsed(index, raw)
    try:
        parsed.entry = _entry(index, raw, base)
    except FHIRError as error:
        parsed.error = error
    return parsed


def _entry(index: int, raw: dict[str, Any], base: str) -> Entry:
    request = raw.get("request")
    if not isinstance(request, dict):
        raise BadRequest("The entry has no request (method and url)", code="required")
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not isinstance(url, str) or not url:
        raise BadRequest("The entry's request needs a method and a url", code="required")
    entry = ops.parse_url(index, method, url, base)
    resource = raw.get("resource")
    if resource is not None and not isinstance(resource, dict):
        raise BadRequest("The entry's resource must be a JSON object", code="structure")
    if method in ("POST", "PUT") and resource is None:
        raise BadRequest(f"A {method} entry needs a resource", code="required")
    if method in ("POST", "PUT", "PATCH"):
        # A PATCH entry's resource is its patch (Binary or Parameters), for its handler.
        entry.resource = resource
    full_url = raw.get("fullUrl")
    entry.full_url = full_url if isinstance(full_url, str) else None
    for name in ("ifMatch", "ifNoneMatch", "ifNoneExist"):
        value = request.get(name)
        if value is not None and not isinstance(value, str):
            raise BadRequest(f"request.{name} must be a string")
    if_match = request.get("ifMatch")
    if if_match is not None:
        entry.if_match = etag_version(if_match, "ifMatch")
    entry.if_none_match = request.get("ifNoneMatch")
    entry.if_none_exist = request.get("ifNoneExist")
    if entry.if_none_match is not None and method not in ("GET", "HEAD"):
        raise BadRequest("ifNoneMatch is supported on GET entries only", code="not-supported")
    if request.get("ifModifiedSince") is not None:
        raise BadRequest("ifModifiedSince is not supported", code="not-supported")
    if entry.if_none_exist is not None and method != "POST":
        raise BadRequest("ifNoneExist applies to POST entries only")
    return entry


def _checked_transaction(parsed: list[_Parsed]) -> list[Entry]:
    """The entries of a transaction, each one sound, no resource written twice."""
    entries = []
    targets: dict[str, int] = {}
    full_urls: dict[str, int] = {}
    for p in parsed:
        if p.error is not None:
            raise EntryFailed(p.index, p.error)
        assert p.entry is not None
        entry = p.entry
        if entry.rid is not None and entry.method in ("PUT", "DELETE", "PATCH"):
            key = f"{entry.resource_type}/{entry.rid}"
            if key in targets:
                raise EntryFailed(
                    p.index,
                    BadRequest(f"{key} is also changed by Bundle.entry[{targets[key]}]"),
                )
            targets[key] = p.index
        if entry.full_url is not None and entry.resource is not None:
            if entry.full_url in full_urls:
                raise EntryFailed(
                    p.index,
                    BadRequest(
                        f"fullUrl '{entry.full_url[:200]}' is also that of "
                        f"Bundle.entry[{full_urls[entry.full_url]}]"
                    ),
                )
            full_urls[entry.full_url] = p.index
        entries.append(entry)
    return entries


# ---- batch --------------------------------------------------------------------------------------


async def _batch(
    ctx: EntryContext, parsed: list[_Parsed]
) -> list[tuple[int, EntryOutcome | FHIRError]]:
    answers: list[tuple[int, EntryOutcome | FHIRError]] = []
    for p in parsed:
        if p.error is not None:
            answers.append((p.error.status, p.error))
            continue
        assert p.entry is not None
        try:
            outcome = await ops.perform(ctx, p.entry)
        except FHIRError as error:
            answers.append((error.status, error))
            continue
        answers.append((outcome.status, outcome))
    return answers


# ---- transaction --------------------------------------------------------------------------------


async def _transaction(
    ctx: EntryContext, entries: list[Entry], journal: Journal
) -> dict[int, EntryOutcome]:
    # References are rewritten in copies: a retried transaction starts from the Bundle as sent.
    entries = [replace(e, resource=copy.deepcopy(e.resource)) for e in entries]
    ordered = sorted(entries, key=lambda e: (_ORDER[e.method], e.index))
    done: dict[int, EntryOutcome] = {}
    for entry in (e for e in ordered if e.method == "DELETE"):
        done[entry.index] = await _as_entry(entry, ops.perform(ctx, entry))
        journal.add(done[entry.index].written)
    # The ids every create and conditional update will have, so that references to them can be
    # rewritten before the first of them is written.
    ids: dict[int, str] = {}
    targets: dict[int, ops.Target] = {}
    for entry in ordered:
        if entry.method == "POST":
            ids[entry.index] = await _as_entry(entry, _planned_create_id(ctx, entry))
        elif entry.method == "PUT" and entry.conditional:
            targets[entry.index] = await _as_entry(entry, ops.conditional_target(ctx, entry))
            ids[entry.index] = targets[entry.index].rid
    assigned = {}
    for entry in entries:
        rid = ids.get(entry.index, entry.rid)
        if entry.full_url is not None and entry.resource is not None and rid is not None:
            assigned[entry.full_url] = f"{entry.resource_type}/{rid}"

    for entry in ordered:
        if entry.resource is not None:
            await _as_entry(entry, _rewrite(ctx, entry, assigned))
    for entry in ordered:
        if entry.method in ("DELETE", "GET", "HEAD"):
            continue
        if entry.method == "POST":
            step = ops.post(ctx, entry, rid=ids[entry.index])
        elif entry.method == "PUT":
            step = ops.put(ctx, entry, targets.get(entry.index))
        else:
            step = ops.perform(ctx, entry)
        done[entry.index] = await _as_entry(entry, step)
        journal.add(done[entry.index].written)
    if ctx.repository.session is not None:
        await _stamp_at_commit(ctx, done)
    for entry in (e for e in ordered if e.method in ("GET", "HEAD")):
        done[entry.index] = await _as_entry(entry, ops.perform(ctx, entry))
    return done


async def _stamp_at_commit(ctx: EntryContext, done: dict[int, EntryOutcome]) -> None:
    """Give every version the database transaction wrote one lastUpdated, taken after its last
    write (store.restamp: they become visible only at the commit), and answer with it."""
    moment = now()
    await restamp(ctx.repository, (o.written for o in done.values() if o.written), moment)
    for index, outcome in done.items():
        if outcome.written is None or outcome.stored is None:
            continue
        meta = {**outcome.stored.resource["meta"], "lastUpdated": format_instant(moment)}
        resource = {**outcome.stored.resource, "meta": meta}
        stored = replace(outcome.stored, resource=resource, last_updated=moment)
        done[index] = replace(outcome, stored=stored, body=resource)


async def _as_entry(entry: Entry, step: Awaitable[T]) -> T:
    """`step`, its failure named as the failure of `entry`."""
    try:
        return await step
    except FHIRError as error:
        raise EntryFailed(entry.index, error) from error


async def _planned_create_id(ctx: EntryContext, entry: Entry) -> str:
    """The id of a create: the one match of its If-None-Exist, else a new one."""
    if entry.if_none_exist is not None:
        params = parse_qsl(entry.if_none_exist.lstrip("?"), keep_blank_values=True)
        query = ops.condition(ctx, entry, params)
        match = await ops.single_match(ctx, query, f"ifNoneExist '{entry.if_none_exist}'")
        if match is not None:
            return match.id
    return str(uuid.uuid4())


async def _rewrite(ctx: EntryContext, entry: Entry, assigned: dict[str, str]) -> None:
    async def resolve(resource_type: str, query_string: str) -> str:
        spec = RESOURCE_TYPES[resource_type]
        params = parse_qsl(query_string, keep_blank_values=True)
        query = ops.search_query(ctx.request, spec, params)
        # A search like any other: the caller's right to search, within its compartment.
        guards.confine_search(ctx.request, query)
        what = f"The conditional reference '{resource_type}?{query_string[:200]}'"
        found = await ops.single_match(ctx, query, what) if query.criteria else None
        if found is None:
            raise PreconditionFailed(f"{what} matches no {resource_type}")
        return f"{resource_type}/{found.id}"

    assert entry.resource is not None
    await rewrite(entry.resource, assigned, resolve)


# ---- the response Bundle ------------------------------------------------------------------------


def _response_entry(
    request: Request,
    base: str,
    parsed: _Parsed,
    status: int,
    outcome: EntryOutcome | FHIRError,
) -> dict[str, Any]:
    response: dict[str, Any] = {"status": f"{status} {HTTPStatus(status).phrase}"}
    out: dict[str, Any] = {}
    if isinstance(outcome, FHIRError):
        response["outcome"] = operation_outcome(outcome.issues)
        out["response"] = response
        return out
    stored, entry = outcome.stored, parsed.entry
    assert entry is not None
    if stored is not None:
        rtype = stored.resource["resourceType"]
        out["fullUrl"] = f"{base}/{rtype}/{stored.id}"
        if entry.method in ("POST", "PUT", "PATCH"):
            response["location"] = f"{rtype}/{stored.id}/_history/{stored.version}"
        response["etag"] = f'W/"{stored.version}"'
        response["lastModified"] = format_instant(stored.last_updated)
    prefer = preferences(request).return_
    reads = entry.method in ("GET", "HEAD")
    shown = entry.method == "GET" or (not reads and prefer == "representation")
    if outcome.body is not None and shown and status != 304:
        out["resource"] = outcome.body
    if prefer == "OperationOutcome" and not reads:
        response["outcome"] = information(f"{entry.method} {entry.resource_type}: {status}")
    out["response"] = response
    return out
