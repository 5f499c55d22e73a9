"""The audit trail of the HTTP API: which requests are recorded, what handlers tell it, and the
middleware that records one AuditEvent (fhirtrial.audit) after each of them.

Recorded: every write attempt (create, update, patch, delete, `$import`, `$match`), whatever its
outcome, and every read, search or history of patient data (Patient, ResearchSubject, Group,
AuditEvent itself, and searches of other types that `_include`/`_revinclude` them). Catalog
reads are not: the public trial catalog is not patient data.

The event is written after the interaction and before its response leaves, in the same request.
If it cannot be written, the event is logged in full at CRITICAL level (`fhirtrial.audit`) and:
- a request that changed nothing (a read, a search, a `$match` without `persist`) answers 503
  instead of its data: nothing is disclosed that the trail does not show;
- a write that was stored answers as it would have: its change is durable, and a 5xx would make
  a client retry a write that happened (see docs/adr/0009-audit-events-in-the-request.md).

Handlers add what only they know (`note_resource`, `note_search`, `note_match`,
`note_written`); the rest — the caller, the client's socket address, the status — the
middleware takes from the request and the response.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fhirtrial.api.responses import fhir_response
from fhirtrial.audit.event import Activity, Caller
from fhirtrial.audit.log import AUDIT_TYPE, AuditLog
from fhirtrial.audit.patients import PATIENT_TYPES, patient_of, searched_patient
from fhirtrial.auth.classify import classify, route_path
from fhirtrial.auth.principal import principal
from fhirtrial.errors import FHIRError, Issue
from fhirtrial.resources.outcome import operation_outcome
from fhirtrial.resources.registry import RESOURCE_TYPES

log = logging.getLogger("fhirtrial.audit")

_NOTES = "audit_notes"
# AuditEvent.action of each interaction (http://hl7.org/fhir/audit-event-action).
_ACTIONS = {
    **dict.fromkeys(("read", "vread", "history-instance", "history-type"), "R"),
    **dict.fromkeys(("search", "operation", "search-system"), "E"),
    "history-system": "R",
    **{"create": "C", "update": "U", "patch": "U", "delete": "D"},
}
# Operations that change stored data whatever their parameters (an export kick-off stores a
# job, a cancel deletes one).
_WRITING_OPERATIONS = frozenset({"import", "export", "export-cancel"})
# Operations that only read: recorded like a read, when they touch patient data (an export file
# of a catalog type is not; one of a patient type or of no type named is).
_READING_OPERATIONS = frozenset({"export-status", "export-file"})
# Reading these is an access to patient data (AuditEvents name patients and their readers).
_AUDITED_READS = PATIENT_TYPES | {AUDIT_TYPE}


@dataclass(frozen=True)
class Target:
    """The FHIR interaction a request asks for, read from its method and path alone."""

    resource_type: str
    interaction: str
    action: str
    rid: str | None = None
    version: str | None = None
    operation: str | None = None

    @property
    def reads(self) -> bool:
        return self.action in ("R", "E") and (
            self.interaction != "operation" or self.operation in _READING_OPERATIONS
        )


def target_of(method: str, path: str) -> Target | None:
    """The interaction of `method path` on a served type, None for anything else (`/metadata`,
    `/health`, unknown types): `auth.classify`, named and coded as AuditEvents name them."""
    found = classify(method, path)
    if found is None:
        return None
    name = "search-type" if found.name == "search" else found.name
    return Target(
        found.resource_type,
        name,
        _ACTIONS[found.name],
        rid=found.rid,
        version=found.version,
        operation=found.operation,
    )


def touches_patients(resource_type: str, params: list[tuple[str, str]]) -> bool:
    """Whether a search returns patient data: its type holds it, an `_include` /
    `_revinclude` may bring such resources in, or a chained parameter or `_has` selects by
    them."""
    if resource_type in _AUDITED_READS:
        return True
    if not resource_type:  # system level: the types `_type` names, else every type
        named = {t.strip() for k, v in params if k == "_type" for t in v.split(",")}
        if not named or named & _AUDITED_READS:
            return True
    if any(joins_patients(resource_type, name) for name, _ in params):
        return True
    for name, value in params:
        kind = name.partition(":")[0]
        if kind not in ("_include", "_revinclude"):
            continue
        source, _, rest = value.partition(":")
        param_name, _, target = rest.partition(":")
        if kind == "_revinclude":
            if source in _AUDITED_READS:
                return True
            continue
        spec = RESOURCE_TYPES.get(source)
        param = spec.search_params.get(param_name) if spec else None
        included = {target} if target else set(param.targets if param else ())
        if not included or included & _AUDITED_READS:  # no targets: any type
            return True
    return False


def joins_patients(resource_type: str, name: str, depth: int = 0) -> bool:
    """Whether the parameter `name` of a search of `resource_type` is a chain or `_has` that
    reaches a type holding patient data (any type, for a reference that may point anywhere)."""
    if depth > 4:  # deeper than parsing accepts: refused anyway
        return False
    if name.startswith("_has:"):
        parts = name.split(":", 3)
        if len(parts) < 4:
            return False
        return parts[1] in _AUDITED_READS or joins_patients(parts[1], parts[3], depth + 1)
    head, dot, rest = name.partition(".")
    if not dot:
        return False
    param_name, _, typed = head.partition(":")
    spec = RESOURCE_TYPES.get(resource_type) if resource_type else None
    param = spec.search_params.get(param_name) if spec else None
    reachable = {typed} if typed else set(param.targets if param else ())
    if not reachable or reachable & _AUDITED_READS:
        return True
    return any(joins_patients(t, rest, depth + 1) for t in reachable)


# ---- what handlers tell the audit trail ---------------------------------------------------------


@dataclass
class AuditNotes:
    entities: list[str] = field(default_factory=list)
    patient: dict[str, Any] | None = None
    # A search's parameters as received (URL and form body).
    params: list[tuple[str, str]] | None = None
    wrote: bool = False


def _notes(request: Request) -> AuditNotes | None:
    notes = getattr(request.state, _NOTES, None)
    return notes if isinstance(notes, AuditNotes) else None


def note_resource(request: Request, resource: dict[str, Any]) -> None:
    """The resource a read returned or a write stored: an entity, and its patient."""
    notes = _notes(request)
    if notes is None:
        return
    reference = f"{resource['resourceType']}/{resource['id']}"
    version = (resource.get("meta") or {}).get("versionId")
    notes.entities.append(f"{reference}/_history/{version}" if version else reference)
    patient = patient_of(resource)
    if patient is not None:
        notes.patient = {"reference": patient}


def note_search(request: Request, params: list[tuple[str, str]]) -> None:
    notes = _notes(request)
    if notes is not None:
        notes.params = list(params)


def note_match(request: Request, patient: dict[str, Any], stored: list[str]) -> None:
    """A `$match`: its patient (a Reference) and, with `persist`, the resources it stored.
    A patient that is not stored is named by identifier only."""
    notes = _notes(request)
    if notes is None:
        return
    kept = ("reference", "identifier") if stored else ("identifier",)
    named = {key: patient[key] for key in kept if key in patient}
    notes.patient = named or None
    notes.entities += stored
    notes.wrote = bool(stored)


def note_written(request: Request, references: list[str]) -> None:
    notes = _notes(request)
    if notes is not None:
        notes.entities += references
        notes.wrote = True


# ---- the middleware -----------------------------------------------------------------------------


class _HeldResponse:
    """The response of the inner app, held until the AuditEvent is written."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.status = 500
        self.headers: dict[str, str] = {}

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {
                key.decode("latin-1").lower(): value.decode("latin-1")
                for key, value in message.get("headers", ())
            }
        self.messages.append(message)

    async def forward(self, send: Send) -> None:
        for message in self.messages:
            await send(message)


class AuditMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        target = target_of(scope["method"], route_path(scope))
        if target is None:
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        url_params = parse_qsl(query, keep_blank_values=True)
        maybe = (
            not target.reads
            or touches_patients(target.resource_type, url_params)
            or scope["method"] == "POST"  # `_search`: its body may `_include` patient data
        )
        if not maybe:
            await self.app(scope, receive, send)
            return
        notes = AuditNotes()
        scope.setdefault("state", {})[_NOTES] = notes
        held = _HeldResponse()
        started = datetime.now(UTC)
        try:
            await self.app(scope, receive, held.send)
        except Exception:
            await self._record(scope, target, notes, url_params, 500, started, {})
            raise
        params = notes.params if notes.params is not None else url_params
        if target.reads and not touches_patients(target.resource_type, params):
            await held.forward(send)
            return
        recorded = await self._record(
            scope, target, notes, params, held.status, started, held.headers
        )
        changed = not target.reads and (
            target.interaction != "operation"
            or target.operation in _WRITING_OPERATIONS
            or notes.wrote
        )
        if recorded or changed or held.status >= 400:
            await held.forward(send)
            return
        refusal = fhir_response(
            None,
            operation_outcome(
                [
                    Issue(
                        "error",
                        "transient",
                        "The access could not be recorded in the audit trail, so nothing was "
                        "returned; try again shortly",
                    )
                ]
            ),
            status=503,
            headers={"Retry-After": "5"},
        )
        await refusal(scope, receive, send)

    async def _record(
        self,
        scope: Scope,
        target: Target,
        notes: AuditNotes,
        params: list[tuple[str, str]],
        status: int,
        started: datetime,
        headers: dict[str, str],
    ) -> bool:
        """Write the AuditEvent; False (after logging it) if it could not be written."""
        request = Request(scope)
        try:
            audit: AuditLog = scope["app"].state.context.audit
            activity = Activity(
                interaction=target.interaction,
                action=target.action,
                resource_type=target.resource_type,
                status=status,
                started=started,
                ended=datetime.now(UTC),
                caller=caller_of(request),
                entities=tuple(notes.entities or _path_entities(target)),
                patient=notes.patient or await _patient(request, target, params, status, headers),
                query=_query(target, params),
                operation=target.operation,
                audit_log_used=target.resource_type == AUDIT_TYPE and target.reads,
            )
            await audit.record(activity)
        except Exception:  # AuditLog.record has logged the event itself when it got that far
            log.critical(
                "No AuditEvent recorded for %s %s (status %d)",
                scope["method"],
                scope["path"],
                status,
                exc_info=True,
            )
            return False
        return True


def caller_of(request: Request) -> Caller:
    """Who made the request, as an AuditEvent names them."""
    caller = principal(request)
    # The socket's peer, never a forwarded header: `fhirtrial serve` runs uvicorn without
    # proxy headers, so a client cannot put another address here.
    client = request.scope.get("client")
    return Caller(
        client_id=caller.client_id,
        subject=caller.subject,
        fhir_user=caller.fhir_user,
        issuer=caller.issuer,
        token_id=caller.token_id,
        address=client[0] if client else None,
    )


def _path_entities(target: Target) -> list[str]:
    if target.rid is None or target.interaction == "operation":
        return []
    reference = f"{target.resource_type}/{target.rid}"
    return [f"{reference}/_history/{target.version}" if target.version else reference]


def _query(target: Target, params: list[tuple[str, str]]) -> str | None:
    if target.operation == "export":
        return urlencode(params) or None
    if target.interaction not in (
        *("search-type", "search-system"),
        *("history-type", "history-instance", "history-system"),
    ):
        return None
    return urlencode(params) or None


async def _patient(
    request: Request,
    target: Target,
    params: list[tuple[str, str]],
    status: int,
    headers: dict[str, str],
) -> dict[str, Any] | None:
    """The patient of a request the handler said nothing about: from its path or its search
    parameters, or, for a deleted ResearchSubject or Group, from the version it deleted."""
    if target.resource_type == AUDIT_TYPE:
        return None  # the audit trail of a patient is not patient data of its own
    if target.resource_type == "Patient" and target.rid is not None:
        return {"reference": f"Patient/{target.rid}"}
    if target.interaction == "search-type":
        found = searched_patient(target.resource_type, params)
        return {"reference": found} if found else None
    deleted = headers.get("etag", "").removeprefix('W/"').removesuffix('"')
    if target.interaction == "delete" and target.rid and status < 300 and deleted.isdigit():
        try:
            previous = await request.app.state.context.repository.vread(
                target.resource_type, target.rid, str(int(deleted) - 1)
            )
        except FHIRError:
            return None
        found = patient_of(previous.resource)
        return {"reference": found} if found else None
    return None
