"""What one process keeps of the match index: its mirror, the settled moment and the lock that
orders the sync and the importer hook. Held by a `matching.service.MatchService`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fhirtrial.matching.index.mirror import IndexMirror
from fhirtrial.store.documents import WRITE_VISIBLE_WITHIN


@dataclass
class IndexState:
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
    settle_margin: timedelta = WRITE_VISIBLE_WITHIN
