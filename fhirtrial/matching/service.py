"""The state one process keeps over one database for matching, held in one explicit object.

`MatchService` is created where the database is opened (`runtime.open_database`), carried on the
server context (`api.context.ServerContext.matching`) and handed to whatever matches patients or
writes the catalog's studies: the matcher, the importer (whose hook indexes each batch), the CLI
commands. Nothing of it lives in module globals: two services over two databases share nothing,
and a test builds its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fhirtrial.matching.index.mirror import IndexMirror
from fhirtrial.matching.resource_cache import ResourceCache
from fhirtrial.store.database import Database

# A write becomes visible within this long after its lastUpdated stamp (transactions, clocks).
SETTLE_MARGIN = timedelta(seconds=5)


@dataclass
class IndexState:
    """This process's view of the match index (see `matching.index`)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Every watched write up to this moment is indexed (None: not read from the database yet).
    settled: datetime | None = None
    # The settled moment last saved in the database.
    persisted: datetime | None = None
    # The index collection's own indexes are ensured.
    ready: bool = False
    mirror: IndexMirror = field(default_factory=IndexMirror)
    # lastUpdated moments of batches the importer hook indexed and the sync has not settled yet.
    imported_moments: set[datetime] = field(default_factory=set)
    settle_margin: timedelta = SETTLE_MARGIN


@dataclass
class MatchService:
    """One database and what this process keeps over it to match quickly."""

    database: Database
    index: IndexState = field(default_factory=IndexState)
    resources: ResourceCache = field(default_factory=ResourceCache)
