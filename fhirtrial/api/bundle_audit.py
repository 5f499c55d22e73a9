"""The audit trail of a batch or transaction: one AuditEvent per entry, as if each had been sent
on its own (the audit middleware sees the base URL only, which names no interaction).

Recorded: every write entry (whatever its outcome in a batch; in a failed transaction only the
entry that failed, as an attempt, since the others were never written) and every read or search
entry of patient data. If an event cannot be written it is logged (fhirtrial.audit); a Bundle
that wrote nothing and read patient data is then refused with 503, as a single read is.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.requests import Request

from fhirtrial.api.audit import caller_of, touches_patients
from fhirtrial.api.context import context
from fhirtrial.api.entries import Entry, EntryOutcome
from fhirtrial.audit.event import Activity
from fhirtrial.audit.log import AUDIT_TYPE
from fhirtrial.audit.patients import patient_of, searched_patient
from fhirtrial.errors import FHIRError

log = logging.getLogger("fhirtrial.audit")

_WRITES = {"POST": ("create", "C"), "PUT": ("update", "U"), "DELETE": ("delete", "D")}
_WRITES["PATCH"] = ("patch", "U")


@dataclass
class EntryRecord:
    entry: Entry | None  # None: the entry could not be parsed
    status: int
    outcome: EntryOutcome | FHIRError | None


class AuditUnavailable(FHIRError):
    def __init__(self) -> None:
        super().__init__(
            503,
            "transient",
            "The access could not be recorded in the audit trail, so nothing was returned; "
            "try again shortly",
            headers={"Retry-After": "5"},
        )


async def record_entries(request: Request, records: list[EntryRecord], started: datetime) -> None:
    activities = [a for a in (_activity(request, r, started) for r in records) if a is not None]
    audit = context(request).audit
    lost = False
    for activity in activities:
        try:
            await audit.record(activity)
        except Exception:
            log.critical("No AuditEvent recorded for a Bundle entry", exc_info=True)
            lost = True
    wrote = any(isinstance(r.outcome, EntryOutcome) and r.outcome.written for r in records)
    if lost and not wrote:
        raise AuditUnavailable()


def _activity(request: Request, record: EntryRecord, started: datetime) -> Activity | None:
    entry = record.entry
    if entry is None:
        return None
    outcome = record.outcome if isinstance(record.outcome, EntryOutcome) else None
    resource = outcome.stored.resource if outcome and outcome.stored else None
    patient = patient_of(resource) if resource else None
    if entry.method in _WRITES:
        interaction, action = _WRITES[entry.method]
        if patient is None and entry.resource is not None:
            patient = patient_of(entry.resource)
    elif entry.rid is not None:
        if not touches_patients(entry.resource_type, []):
            return None
        interaction, action = ("vread" if entry.version else "read"), "R"
    else:
        if not touches_patients(entry.resource_type, entry.params):
            return None
        interaction, action = "search-type", "E"
        patient = searched_patient(entry.resource_type, entry.params)
    entity = None
    if outcome is not None and outcome.stored is not None:
        stored = outcome.stored
        entity = f"{entry.resource_type}/{stored.id}/_history/{stored.version}"
    elif entry.rid is not None:
        entity = f"{entry.resource_type}/{entry.rid}"
    return Activity(
        interaction=interaction,
        action=action,
        resource_type=entry.resource_type,
        status=record.status,
        started=started,
        ended=datetime.now(UTC),
        caller=caller_of(request),
        entities=(entity,) if entity else (),
        patient={"reference": patient} if patient else None,
        query=None,
        audit_log_used=entry.resource_type == AUDIT_TYPE and action in ("R", "E"),
    )
