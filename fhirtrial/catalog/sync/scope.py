"""What a sync keeps current: a condition and/or free-text scope and the overall statuses the
operator wants in the catalog."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fhirtrial.ctgov.query import normalize_statuses

# Studies that take (or will take) patients: what a matching catalog is for.
DEFAULT_SYNC_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")


@dataclass(frozen=True)
class SyncScope:
    condition: str | None = None
    term: str | None = None
    statuses: tuple[str, ...] = DEFAULT_SYNC_STATUSES

    @classmethod
    def of(
        cls,
        condition: str | None = None,
        term: str | None = None,
        statuses: Iterable[str] | str | None = None,
    ) -> "SyncScope":
        """Blank values dropped; statuses checked against the API's (ValueError names a bad
        one) and sorted, so that one scope always has one key."""
        chosen = normalize_statuses(statuses) if statuses else list(DEFAULT_SYNC_STATUSES)
        return cls(
            (condition or "").strip() or None,
            (term or "").strip() or None,
            tuple(sorted(chosen)),
        )

    @property
    def key(self) -> str:
        """Names the scope's watermark: a scope's progress says nothing of another's."""
        text = "\x1f".join([self.condition or "", self.term or "", ",".join(self.statuses)])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def document(self) -> dict[str, Any]:
        return {"condition": self.condition, "term": self.term, "statuses": list(self.statuses)}

    def __str__(self) -> str:
        parts = [f"condition={self.condition!r}"] if self.condition else []
        parts += [f"term={self.term!r}"] if self.term else []
        return " ".join([*parts, "statuses=" + ",".join(self.statuses)])
