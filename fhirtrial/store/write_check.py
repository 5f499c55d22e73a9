"""Which resources of a type were written since a process last looked: one range query on the
indexed `lu` stamp (docs/adr/0028).

Whoever writes (this process, another one on the same database, a transaction), the store stamps
`lu`, and a write is visible within `WRITE_VISIBLE_WITHIN` of its stamp (the match index relies on
the same: docs/adr/0003). So after a check that started at moment m, every write stamped before
m − margin has been seen, and the next check asks for the stamps from there on.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fhirtrial.store.database import MongoCollection
from fhirtrial.store.documents import WRITE_VISIBLE_WITHIN


@dataclass
class WriteCheck:
    margin: timedelta = WRITE_VISIBLE_WITHIN
    # Every write stamped before this moment has been seen (None: nothing looked at yet).
    checked: datetime | None = None

    async def written(
        self, current: MongoCollection, fields: dict[str, Any], *, limit: int | None = None
    ) -> list[dict[str, Any]] | None:
        """The documents of `current` (with `fields`) stamped since the last check; none at the
        first check, which only sets the moment from which later ones look; None when more than
        `limit` were (then what they were is not read)."""
        started = datetime.now(UTC)
        found: list[dict[str, Any]] = []
        if self.checked is not None:
            cursor = current.find({"lu": {"$gte": self.checked}}, fields)
            if limit is not None:
                cursor = cursor.limit(limit + 1)
            found = [doc async for doc in cursor]
        moment = started - self.margin
        if self.checked is None or moment > self.checked:
            self.checked = moment
        if limit is not None and len(found) > limit:
            return None
        return found
