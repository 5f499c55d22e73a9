"""Giving the versions a database transaction wrote one lastUpdated: the moment it ends.

Inside a transaction each version is stamped when it is written but becomes visible only at the
commit. Readers that follow writes by their stamp (`_history?_since`, `_lastUpdated`, the match
index's sync: docs/adr/0003) trust that a write is visible soon after its stamp; a long
transaction would break that. Stamping its versions again just before the commit keeps it true.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from fhirtrial.resources.dates import format_instant
from fhirtrial.store.repository import Repository

# A version written: (type, id, version).
Written = tuple[str, str, int]


async def restamp(repository: Repository, written: Iterable[Written], moment: datetime) -> None:
    """Set `moment` (stored precision: `documents.now()`) as the lastUpdated of the current
    versions `written`, in the repository's session (a transaction that wrote them)."""
    ids: dict[str, list[str]] = defaultdict(list)
    for resource_type, rid, _version in written:
        ids[resource_type].append(rid)
    for resource_type, rids in ids.items():
        current = repository.database.collections(resource_type).current
        session = repository.session
        await current.update_many(
            {"_id": {"$in": rids}, "del": False},
            {"$set": {"lu": moment, "res.meta.lastUpdated": format_instant(moment)}},
            session=session,
        )
        # A deletion has no resource, only its stamp.
        await current.update_many(
            {"_id": {"$in": rids}, "del": True}, {"$set": {"lu": moment}}, session=session
        )
