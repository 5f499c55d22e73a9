"""Where AuditEvents are kept: the store's AuditEvent collection, one document per event, with
the same search fields as every other type, so reads and searches go through the ordinary
repository. Events are never updated (no history documents) and are kept for good unless a
retention is configured (`FHIRTRIAL_AUDIT_RETENTION_DAYS`): then what is older is deleted at
start and every hour.
"""

import asyncio
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

import orjson

from fhirtrial.audit.event import Activity, Server, audit_event
from fhirtrial.audit.writer import BatchWriter
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.documents import new_version, now

log = logging.getLogger("fhirtrial.audit")

AUDIT_TYPE = "AuditEvent"
_PURGE_INTERVAL_SECONDS = 3600.0


class AuditLog:
    def __init__(
        self, database: Database, server: Server, *, retention_days: int | None = None
    ) -> None:
        self.server = server
        self.retention_days = retention_days
        self._events = database.collections(AUDIT_TYPE).current
        self._writer = BatchWriter(self._events)
        self._retention: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start writing events in groups (fhirtrial.audit.writer) and, with a retention,
        deleting expired ones.

        Searches need no index of their own: patient, agent, entity, action, outcome and code
        use the type's key index, `date` (the moment the event was stored) its `lu` index
        (store.database, resources.registry)."""
        self._writer.start()
        if self.retention_days is not None:
            self._retention = asyncio.create_task(self.keep_retention())

    async def stop(self) -> None:
        await self._writer.stop()
        if self._retention is not None:
            self._retention.cancel()
            self._retention = None

    async def record(self, activity: Activity) -> dict[str, Any]:
        """Store the AuditEvent of `activity` (journaled, like every write) and return it.
        Raises what the database raises: the caller decides what a lost event means."""
        moment = now()
        event = audit_event(activity, self.server, recorded=moment)
        rid = str(uuid.uuid4())
        document, stored = new_version(
            event, rid, RESOURCE_TYPES[AUDIT_TYPE], previous=None, moment=moment, method="POST"
        )
        try:
            await self._writer.insert({"_id": rid, **document})
        except Exception:
            # Loud, and with the whole event: an operator can still put it where it belongs.
            log.critical("AuditEvent NOT STORED: %s", orjson.dumps(stored.resource).decode())
            raise
        return stored.resource

    async def purge(self, moment: datetime) -> int:
        """Delete the events recorded more than the retention before `moment`."""
        if self.retention_days is None:
            return 0
        cutoff = moment - timedelta(days=self.retention_days)
        result = await self._events.delete_many({"lu": {"$lt": cutoff}})
        if result.deleted_count:
            log.info(
                "Deleted %d AuditEvents older than %d days",
                result.deleted_count,
                self.retention_days,
            )
        return result.deleted_count

    async def keep_retention(self) -> None:
        while True:
            try:
                await self.purge(now())
            except Exception:  # the next round tries again
                log.exception("Could not delete expired AuditEvents")
            await asyncio.sleep(_PURGE_INTERVAL_SECONDS)
