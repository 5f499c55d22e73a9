"""The newest versions of a resource type, read by ranges of `lu` from the present backwards.

A type's history is newest first. `find({}).sort(lu).limit(n)` would read every version on
SecantusDB (0.7): it reads, decodes and tests every document a query matches before it sorts
or limits (docs/adr/0018); a type's history at 30,000 studies took 38-56 s a page and held the
database for everyone meanwhile. A query on a range of `lu` (indexed in both collections) reads
only the versions in the range, so a page is read range by range, from the present backwards,
until it is full or `since` (or the beginning) is reached. Every version at or after the last
range's start has then been read, so the newest of them are the newest of all, whatever the
ranges were.

How wide a range should be depends on how densely versions were written, which time alone does
not tell: a catalog imported in a few minutes holds thousands of versions a minute (the 30,000-
study bench catalog: 2,400 in 10 s), a live one a few an hour. So where the type has enough
resources the ranges are cut at the times of a sample of its current versions: those whose
order key `o` (a hash of the id: uniform, indexed, docs/adr/0018) falls in the first
1/`per_time` of its space, about 2·√n of n. Each sampled time stands for `per_time` versions, so
a range ending at the k-th newest holds about k·`per_time`. A sample is kept a few minutes:
versions written since are newer than all of it, so they fall in the first range, which has no
upper bound (correct, only slower). Without a sample (few resources) the ranges are timed: the
first from a minute ago, each next one wider by the density seen (8x after an empty one).

Ranges read only what orders the versions (`lu`, `v`); the page's own resources are read after,
by id.
"""

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from fhirtrial.store.database import MongoCollection
from fhirtrial.store.documents import STORED_FIELDS
from fhirtrial.store.lookup import find_in
from fhirtrial.store.search_keys import ORDER, ORDER_SPACE

FIRST_RANGE = timedelta(minutes=1)
# Before this, the last timed range has no lower bound: whatever `lu` the oldest versions carry.
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_EMPTY_GROWTH = 8
_LONGEST = 1e11  # seconds (~3,000 years): wider reaches past any `since` and before 2000
_MARGIN = 1.25
# Up to this many current resources (as last estimated), a type's versions are read at once: a
# type never written (most, in a system-level history) costs one query per collection instead of
# the ~10 timed ranges that reach back to 2000. A stale estimate costs time, never versions.
READ_WHOLE_UP_TO = 50
# Fewer current resources than this are read by timed ranges: all of them cost less than a sample.
SAMPLED_FROM = 500
SAMPLE_TTL_SECONDS = 300.0
_CURRENT_ORDERING = {"v": 1, "lu": 1, "del": 1, "m": 1}
_ARCHIVED_ORDERING = {"rid": 1, "v": 1, "lu": 1, "del": 1, "method": 1}


@dataclass(frozen=True)
class VersionTimes:
    """The `lu` of a sample of a type's current versions, newest first."""

    times: tuple[datetime, ...]
    per_time: float
    """How many versions each sampled time stands for."""


class SampledTimes:
    """Each type's `VersionTimes`, taken again after `SAMPLE_TTL_SECONDS` (one per process)."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[float, VersionTimes | None]] = {}

    async def of(
        self, resource_type: str, current: MongoCollection, size_estimate: int
    ) -> VersionTimes | None:
        moment = time.monotonic()
        kept = self._kept.get(resource_type)
        if kept is not None and moment - kept[0] < SAMPLE_TTL_SECONDS:
            return kept[1]
        sample = await sample_times(current, size_estimate)
        self._kept[resource_type] = (moment, sample)
        return sample


async def sample_times(current: MongoCollection, size_estimate: int) -> VersionTimes | None:
    """About 2·√n of the n current versions' times; None below `SAMPLED_FROM`."""
    if size_estimate < SAMPLED_FROM:
        return None
    width = math.ceil(ORDER_SPACE * 2 / math.sqrt(size_estimate))
    docs = await current.find({ORDER: {"$lt": width}}, {"lu": 1}).to_list(None)
    if not docs:
        return None
    return VersionTimes(tuple(sorted((d["lu"] for d in docs), reverse=True)), ORDER_SPACE / width)


async def newest_versions(
    current: MongoCollection,
    history: MongoCollection,
    *,
    need: int,
    since: datetime | None,
    sample: VersionTimes | None = None,
    whole: bool = False,
    session: AsyncClientSession | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """At least the `need` newest versions, fewer only when there are no more, and whether
    every version (at or after `since`) was read; all of them at once when `whole`. Each
    document has its resource's id in `rid` and no `res` (see `with_resources`); one archived
    has `archived` set."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    ranges = _Ranges(sample, since, whole=whole)
    while True:
        low, high, last = ranges.next(need - len(found))
        bounds: dict[str, datetime] = {}
        if low is not None:
            bounds["$gte"] = low
        if high is not None:
            bounds["$lt"] = high
        flt = {"lu": bounds} if bounds else {}
        seen = 0
        # Current before history: a version archived between the two reads is seen twice
        # (kept once), never missed.
        async for doc in current.find(flt, _CURRENT_ORDERING, session=session):
            seen += _keep(found, doc["_id"], doc, archived=False)
        async for doc in history.find(flt, _ARCHIVED_ORDERING, session=session):
            seen += _keep(found, doc["rid"], doc, archived=True)
        if last or len(found) >= need:
            return list(found.values()), last
        ranges.saw(seen)


async def with_resources(
    current: MongoCollection,
    history: MongoCollection,
    versions: list[dict[str, Any]],
    session: AsyncClientSession | None = None,
) -> list[dict[str, Any]]:
    """`versions` (from `newest_versions`) with their resources, each as its collection stores
    it; a current version superseded since it was read is read from history."""
    wanted_current = [v["rid"] for v in versions if not v["archived"] and not v["del"]]
    stored = {
        doc["_id"]: doc
        async for doc in find_in(current, "_id", wanted_current, STORED_FIELDS, session=session)
    }
    archived_ids = [
        f"{v['rid']}/{v['v']}"
        for v in versions
        if not v["del"] and (v["archived"] or stored.get(v["rid"], {}).get("v") != v["v"])
    ]
    archived = {
        doc["_id"]: doc async for doc in find_in(history, "_id", archived_ids, session=session)
    }
    complete = []
    for version in versions:
        doc = None
        if not version["del"]:
            doc = stored.get(version["rid"]) if not version["archived"] else None
            if doc is None or doc["v"] != version["v"]:
                doc = archived.get(f"{version['rid']}/{version['v']}")
            if doc is None:
                continue  # removed meanwhile (an undo)
        complete.append({**version, "res": doc["res"] if doc else None})
    return complete


class _Ranges:
    """The next range of `lu` to read: [low, high), `last` when it reaches `since` (or has no
    lower bound). Consecutive ranges meet: together they cover everything from `since` on."""

    def __init__(
        self, sample: VersionTimes | None, since: datetime | None, *, whole: bool = False
    ) -> None:
        self.since = since
        self.whole = whole
        self.high: datetime | None = None
        self.sample = sample
        self.times = (
            [t for t in sample.times if since is None or t > since] if sample is not None else []
        )
        self.used = 0  # sampled times already passed
        self.width = FIRST_RANGE
        self.top = datetime.now(UTC)
        self.seen: int | None = None  # versions in the last range

    def next(self, missing: int) -> tuple[datetime | None, datetime | None, bool]:
        if self.whole:
            return self._to(self.since, last=True)
        if self.sample is not None:
            self.used += max(1, math.ceil(missing * _MARGIN / self.sample.per_time))
            if self.used <= len(self.times):
                return self._to(self.times[self.used - 1])
            return self._to(self.since, last=True)
        if self.seen is not None:
            growth = _EMPTY_GROWTH if self.seen == 0 else max(1.0, missing / self.seen * _MARGIN)
            # in seconds: a deep page after a sparse range would overflow a timedelta
            self.width = timedelta(seconds=min(self.width.total_seconds() * growth, _LONGEST))
        if self.width >= self.top - (self.since or _EARLIEST):
            return self._to(self.since, last=True)  # no `since`: no lower bound
        low = self.top - self.width
        self.top = low
        return self._to(low)

    def saw(self, seen: int) -> None:
        """How many versions the last range held: the next timed range is sized by it."""
        self.seen = seen

    def _to(
        self, low: datetime | None, *, last: bool = False
    ) -> tuple[datetime | None, datetime | None, bool]:
        high, self.high = self.high, low
        return low, high, last


def _keep(
    found: dict[tuple[str, int], dict[str, Any]],
    rid: str,
    doc: dict[str, Any],
    *,
    archived: bool,
) -> int:
    key = (rid, doc["v"])
    if key in found:
        return 0
    found[key] = {**doc, "rid": rid, "archived": archived}
    return 1
