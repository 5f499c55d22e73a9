"""All or nothing for a transaction Bundle.

Where the deployment has multi-document transactions (a replica set, a sharded cluster, and the
embedded SecantusDB), every read and write of the Bundle runs in one MongoDB transaction: a
failure aborts it and nothing of it was ever visible. On a standalone `mongod` the entries are
checked and resolved as they go and each version written is journaled; a failure takes them back
in reverse order (`Repository.undo`). See docs/adr/0012-transactions.md for what that second
way does not guarantee under concurrency.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.errors import OperationFailure

from fhirtrial.errors import Conflict
from fhirtrial.store.repository import Repository

log = logging.getLogger("fhirtrial.transaction")

T = TypeVar("T")
# A version written: (type, id, version).
Written = tuple[str, str, int]
_WRITE_CONFLICT = 112


class Journal:
    """The versions a transaction wrote so far, to take back if it fails (standalone only)."""

    def __init__(self) -> None:
        self.written: list[Written] = []

    def add(self, written: Written | None) -> None:
        if written is not None:
            self.written.append(written)


async def run_atomically(
    repository: Repository, work: Callable[[Repository, Journal], Awaitable[T]]
) -> T:
    """Run `work` so that its writes all happen or none does."""
    database = repository.database
    journal = Journal()
    if (await database.capabilities()).transactions:
        try:
            async with (
                database.client.start_session() as session,
                await session.start_transaction(),
            ):
                return await work(repository.in_session(session), journal)
        except OperationFailure as failure:
            if failure.code == _WRITE_CONFLICT or failure.has_error_label(
                "TransientTransactionError"
            ):
                raise Conflict(
                    "A concurrent write touched a resource of this transaction; nothing was "
                    "written: send it again"
                ) from failure
            raise
    try:
        return await work(repository, journal)
    except BaseException:
        await _undo(repository, journal)
        raise


async def _undo(repository: Repository, journal: Journal) -> None:
    for resource_type, rid, version in reversed(journal.written):
        try:
            if not await repository.undo(resource_type, rid, version):
                log.error(
                    "Transaction rollback: %s/%s version %d was superseded meanwhile; kept",
                    resource_type,
                    rid,
                    version,
                )
        except Exception:
            log.exception(
                "Transaction rollback failed for %s/%s version %d", resource_type, rid, version
            )
