"""All or nothing for a transaction Bundle.

Where the deployment has multi-document transactions (a replica set, a sharded cluster, and the
embedded SecantusDB), every read and write of the Bundle runs in one MongoDB transaction: a
failure aborts it and nothing of it was ever visible. On a standalone `mongod` the entries are
checked and resolved as they go and each version written is journaled; a failure takes them back
in reverse order (`Repository.undo`). See docs/adr/0012-transactions.md for what that second
way does not guarantee under concurrency.
"""

import asyncio
import logging
import random
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
# Tries of a transaction that a concurrent one made abort (MongoDB's TransientTransactionError).
_ATTEMPTS = 4


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
    """Run `work` so that its writes all happen or none does. With database transactions,
    `work` may run more than once (after a write conflict aborted it): it must start afresh."""
    database = repository.database
    journal = Journal()
    if (await database.capabilities()).transactions:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                async with (
                    database.client.start_session() as session,
                    await session.start_transaction(),
                ):
                    return await work(repository.in_session(session), journal)
            except OperationFailure as failure:
                transient = failure.code == _WRITE_CONFLICT or failure.has_error_label(
                    "TransientTransactionError"
                )
                if not transient:
                    raise
                if attempt == _ATTEMPTS:
                    raise Conflict(
                        "Concurrent writes kept touching the resources of this transaction; "
                        "nothing was written: send it again"
                    ) from failure
                # Aborted whole: running it again is safe. Spread the retries of the losers.
                await asyncio.sleep(random.uniform(0.01, 0.05) * attempt)
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
