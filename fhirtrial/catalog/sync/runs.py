"""The record of each sync run (`sync_runs`, read by `fhirtrial sync --history`) and each
scope's watermark (`sync_state`): the LastUpdatePostDate up to which everything is imported."""

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from pymongo import DESCENDING

from fhirtrial.catalog.sync.scope import SyncScope
from fhirtrial.store.database import Database

RUNS = "sync_runs"
STATE = "sync_state"
# A run keeps at most this many failures in its record (all are counted): one document stays
# small even when a mapper bug fails a whole registry.
MAX_RECORDED_FAILURES = 500

Outcome = Literal["running", "succeeded", "partial", "failed"]


@dataclass
class SyncCounts:
    fetched: int = 0  # entries of the pages read
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0  # of the updated: enrolling before, not any more
    skipped: int = 0  # outside the statuses and not in the catalog
    failed: int = 0


@dataclass(frozen=True)
class SyncFailure:
    nct_id: str | None
    reason: str


@dataclass
class SyncRun:
    id: str
    scope: SyncScope
    started: datetime
    window_from: date | None  # None: the scope's first run, every update
    watermark_before: date | None
    watermark: date | None = None  # where the next run starts (less a day of overlap)
    finished: datetime | None = None
    outcome: Outcome = "running"
    error: str | None = None  # why a failed run stopped
    counts: SyncCounts = field(default_factory=SyncCounts)
    failures: list[SyncFailure] = field(default_factory=list)

    def add_failure(self, failure: SyncFailure) -> None:
        self.counts.failed += 1
        if len(self.failures) < MAX_RECORDED_FAILURES:
            self.failures.append(failure)

    def document(self) -> dict[str, Any]:
        return {
            "_id": self.id,
            "scope": self.scope.document(),
            "scopeKey": self.scope.key,
            "started": self.started,
            "finished": self.finished,
            "window": {"from": _day(self.window_from)},
            "watermarkBefore": _day(self.watermark_before),
            "watermark": _day(self.watermark),
            "outcome": self.outcome,
            "error": self.error,
            "counts": asdict(self.counts),
            "failures": [asdict(f) for f in self.failures],
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> "SyncRun":
        scope = doc["scope"]
        return cls(
            id=doc["_id"],
            scope=SyncScope(scope["condition"], scope["term"], tuple(scope["statuses"])),
            started=_utc(doc["started"]),
            finished=_utc(doc["finished"]) if doc.get("finished") else None,
            window_from=_from_day(doc["window"]["from"]),
            watermark_before=_from_day(doc.get("watermarkBefore")),
            watermark=_from_day(doc.get("watermark")),
            outcome=doc["outcome"],
            error=doc.get("error"),
            counts=SyncCounts(**doc["counts"]),
            failures=[SyncFailure(**f) for f in doc.get("failures", [])],
        )

    def lines(self) -> list[str]:
        c = self.counts
        window = f"updated since {self.window_from}" if self.window_from else "every update"
        end = f"{self.finished:%Y-%m-%d %H:%M:%S}" if self.finished else "…"
        out = [
            f"{self.started:%Y-%m-%d %H:%M:%S} → {end} UTC  {self.outcome}  {self.scope}  "
            f"({window}; watermark {self.watermark_before or '-'} → {self.watermark or '-'})",
            f"  fetched {c.fetched}: {c.created} created, {c.updated} updated "
            f"({c.closed} closed), {c.unchanged} unchanged, {c.skipped} skipped "
            f"(out of scope), {c.failed} failed",
        ]
        if self.error:
            out.append(f"  stopped: {self.error}")
        out += [f"  FAILED {f.nct_id or '?'}: {f.reason}" for f in self.failures]
        if c.failed > len(self.failures):
            out.append(f"  … and {c.failed - len(self.failures)} more failures")
        return out


async def prepare_runs(database: Database) -> None:
    """The index `recent_runs` reads by (creating an existing index is a no-op)."""
    await database.db[RUNS].create_index([("started", DESCENDING)])


async def close_abandoned_runs(database: Database) -> int:
    """Mark `failed` the runs still `running`: called by the lease's holder, so none of them is
    running any more (their process was killed or crashed before it could say so)."""
    result = await database.db[RUNS].update_many(
        {"outcome": "running"},
        {"$set": {"outcome": "failed", "error": "abandoned: its process ended before the run did"}},
    )
    return result.modified_count


async def save_run(database: Database, run: SyncRun) -> None:
    await database.db[RUNS].replace_one({"_id": run.id}, run.document(), upsert=True)


async def recent_runs(database: Database, limit: int = 20) -> list[SyncRun]:
    """The latest runs, newest first."""
    cursor = database.db[RUNS].find({}).sort("started", DESCENDING).limit(limit)
    return [SyncRun.from_document(doc) async for doc in cursor]


async def load_watermark(database: Database, scope: SyncScope) -> date | None:
    state = await database.db[STATE].find_one({"_id": scope.key})
    return _from_day(state.get("watermark")) if state else None


async def save_watermark(database: Database, scope: SyncScope, watermark: date) -> None:
    await database.db[STATE].replace_one(
        {"_id": scope.key},
        {"scope": scope.document(), "watermark": watermark.isoformat(), "saved": datetime.now(UTC)},
        upsert=True,
    )


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _from_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
