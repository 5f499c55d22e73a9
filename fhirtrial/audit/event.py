"""One AuditEvent (FHIR R5) from what the server saw of a request, shaped after IHE BALP
(Basic Audit Log Patterns): category `rest`, the RESTful interaction as `code`, the client as
the DICOM "Source Role ID" agent with its network address, the user (when the token names one)
as the requesting agent, this server as the "Destination Role ID" agent and the `source`, the
resources touched and the patient as entities, a search's query string as `entity.query`.

Nothing of a request body goes in: not the posted Bundle of a `$match`, not a created resource,
not an OperationOutcome's diagnostics. A `$match` that does not store its patient names that
patient by identifier only (the Bundle's id means nothing on this server).
"""

import base64
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any

from fhirtrial import __version__
from fhirtrial.resources.dates import format_instant

DCM = "http://dicom.nema.org/resources/ontology/DCM"
EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
INTERACTION = "http://hl7.org/fhir/restful-interaction"
OUTCOME = "http://terminology.hl7.org/CodeSystem/audit-event-outcome"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass"

# How agents are identified: a client by its OAuth client id, a user by the token's `sub` under
# its issuer (this system when the token names no issuer), an anonymous caller as such.
CLIENT_ID_SYSTEM = "https://fhirtrial.org/fhir/sid/client-id"
USER_SYSTEM = "https://fhirtrial.org/fhir/sid/user"
ANONYMOUS_SYSTEM = "https://fhirtrial.org/fhir/sid/anonymous"

# A request that touches more resources (an `$import` of thousands of studies) lists this many.
MAX_ENTITIES = 100

_OUTCOMES = {
    "0": "Success",
    "4": "Minor failure",
    "8": "Serious failure",
}


@dataclass(frozen=True)
class Caller:
    """Who made the request: the authorization layer's principal and the socket's address."""

    client_id: str | None = None
    subject: str | None = None
    fhir_user: str | None = None
    issuer: str | None = None
    token_id: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Activity:
    """What happened in one request, as much as the audit trail keeps of it."""

    interaction: str  # a code of http://hl7.org/fhir/restful-interaction
    action: str  # C, R, U, D or E
    resource_type: str
    status: int
    started: datetime
    ended: datetime
    caller: Caller
    # "<Type>/<id>[/_history/<version>]" of each resource read or written.
    entities: tuple[str, ...] = ()
    # The one patient concerned, as a Reference (by reference, by identifier or both).
    patient: dict[str, Any] | None = None
    # A search's query string (URL and form body), kept base64-encoded as BALP asks.
    query: str | None = None
    operation: str | None = None  # "match", "import" for `code` = operation
    # A read or search of the audit trail itself (DICOM 110101 "Audit Log Used").
    audit_log_used: bool = False


@dataclass(frozen=True)
class Server:
    """This server as the audit trail names it: never from the request's Host header."""

    base_url: str | None = None

    @property
    def reference(self) -> dict[str, Any]:
        who: dict[str, Any] = {"display": f"fhirtrial {__version__}"}
        if self.base_url:
            who["identifier"] = {"system": "urn:ietf:rfc:3986", "value": self.base_url}
        return who


def audit_event(activity: Activity, server: Server, *, recorded: datetime) -> dict[str, Any]:
    """The AuditEvent resource (no id, no meta) recording `activity`."""
    event: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "category": _categories(activity),
        "code": _code(activity),
        "action": activity.action,
        "occurredPeriod": {
            "start": format_instant(activity.started),
            "end": format_instant(activity.ended),
        },
        "recorded": format_instant(recorded),
        "outcome": _outcome(activity),
        "agent": _agents(activity, server),
        "source": {
            "observer": server.reference,
            "type": [_concept(SOURCE_TYPE, "4", "Application Server")],
        },
    }
    if activity.patient is not None:
        event["patient"] = activity.patient
    entities = _entities(activity)
    if entities:
        event["entity"] = entities
    return event


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _categories(activity: Activity) -> list[dict[str, Any]]:
    categories = [_concept(EVENT_TYPE, "rest", "RESTful Operation")]
    if activity.audit_log_used:
        categories.append(_concept(DCM, "110101", "Audit Log Used"))
    return categories


def _code(activity: Activity) -> dict[str, Any]:
    code: dict[str, Any] = {"coding": [{"system": INTERACTION, "code": activity.interaction}]}
    if activity.operation:
        code["text"] = f"${activity.operation}"
    return code


def _outcome(activity: Activity) -> dict[str, Any]:
    status = activity.status
    code = "0" if status < 400 else ("4" if status < 500 else "8")
    try:
        phrase = f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        phrase = f"HTTP {status}"
    detail = [{"text": phrase}]
    if len(activity.entities) > MAX_ENTITIES:
        detail.append({"text": f"{MAX_ENTITIES} of {len(activity.entities)} resources listed"})
    return {
        "code": {"system": OUTCOME, "code": code, "display": _OUTCOMES[code]},
        "detail": detail,
    }


def _agents(activity: Activity, server: Server) -> list[dict[str, Any]]:
    caller = activity.caller
    has_user = caller.subject is not None or caller.fhir_user is not None
    client: dict[str, Any] = {
        "type": _concept(DCM, "110153", "Source Role ID"),
        "who": _client_reference(caller),
        "requestor": not has_user,
    }
    if caller.address:
        client["networkString"] = caller.address
    agents = [client]
    if has_user:
        user: dict[str, Any] = {
            "type": _user_type(activity.action),
            "who": _user_reference(caller),
            "requestor": True,
        }
        agents.append(user)
    if caller.token_id:
        agents[-1]["policy"] = [caller.token_id]
    destination: dict[str, Any] = {
        "type": _concept(DCM, "110152", "Destination Role ID"),
        # By display only: the same on every event, so not worth its keys in the search index.
        "who": {"display": server.reference["display"]},
        "requestor": False,
    }
    if server.base_url:
        destination["networkUri"] = server.base_url
    agents.append(destination)
    return agents


def _client_reference(caller: Caller) -> dict[str, Any]:
    if caller.client_id is not None:
        return {"identifier": {"system": CLIENT_ID_SYSTEM, "value": caller.client_id}}
    if caller.subject is None and caller.fhir_user is None:
        return {
            "identifier": {"system": ANONYMOUS_SYSTEM, "value": "anonymous"},
            "display": "anonymous caller (no access token)",
        }
    return {"display": "client not named by the access token"}


def _user_type(action: str) -> dict[str, Any]:
    # BALP's user agent types: the recipient of what is read, the agent of what is written.
    if action in ("R", "E"):
        return _concept(PARTICIPATION, "IRCP", "information recipient")
    return _concept(ROLE_CLASS, "AGNT", "agent")


def _user_reference(caller: Caller) -> dict[str, Any]:
    who: dict[str, Any] = {}
    if caller.fhir_user:
        who["reference"] = caller.fhir_user
    if caller.subject:
        who["identifier"] = {"system": caller.issuer or USER_SYSTEM, "value": caller.subject}
    return who


def _entities(activity: Activity) -> list[dict[str, Any]]:
    entities: list[dict[str, Any]] = [
        {"what": {"reference": reference}, "role": _concept(OBJECT_ROLE, "4", "Domain Resource")}
        for reference in activity.entities[:MAX_ENTITIES]
    ]
    if activity.patient is not None:
        entities.append({"what": activity.patient, "role": _concept(OBJECT_ROLE, "1", "Patient")})
    if activity.query is not None:
        entities.append(
            {
                "role": _concept(OBJECT_ROLE, "24", "Query"),
                "query": base64.b64encode(activity.query.encode()).decode(),
            }
        )
    return entities
