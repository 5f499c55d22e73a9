"""The match index held in process memory, with posting lists per status and diagnosis key.

SecantusDB evaluates filters in Python, so a multi-key candidate query over a large catalog's index
documents costs far more there than the same selection from posting lists in memory (figures:
bench/README.md). The database collection stays the shared, durable index; each process mirrors
it (a small entry per study) and `sync.sync_index` keeps the mirror current.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from fhirtrial.matching.index.documents import IndexEntry


@dataclass
class IndexMirror:
    loaded: bool = False
    entries: dict[str, IndexEntry] = field(default_factory=dict)
    by_status: dict[str, set[str]] = field(default_factory=dict)
    by_diagnosis: dict[str, set[str]] = field(default_factory=dict)

    def replace_all(self, documents: Iterable[IndexEntry]) -> None:
        self.entries.clear()
        self.by_status.clear()
        self.by_diagnosis.clear()
        for document in documents:
            self.put(document)
        self.loaded = True

    def put(self, document: IndexEntry) -> None:
        self.remove(document["_id"])
        rid = document["_id"]
        self.entries[rid] = document
        for status in document.get("status") or ():
            self.by_status.setdefault(status, set()).add(rid)
        for key in document.get("dx") or ():
            self.by_diagnosis.setdefault(key, set()).add(rid)

    def remove(self, rid: str) -> None:
        old = self.entries.pop(rid, None)
        if old is None:
            return
        for status in old.get("status") or ():
            self.by_status.get(status, set()).discard(rid)
        for key in old.get("dx") or ():
            self.by_diagnosis.get(key, set()).discard(rid)

    def select(
        self,
        *,
        statuses: Iterable[str],
        diagnoses: Iterable[str] | None,
        age: int | None,
        sex: str | None,
        phases: frozenset[str],
        studies: frozenset[str],
        any_sex: str,
    ) -> list[IndexEntry]:
        """Index entries passing every given key (None / empty: not filtered on it)."""
        # The narrowest set first (the studies asked for, else the diagnoses), intersected with
        # each status's: a union of every open study (~25,000 ids at 30,000 studies) cost ~5 ms.
        wanted: set[str] | frozenset[str] | None = studies or None
        if diagnoses is not None:
            of_diagnoses: set[str] = set()
            for key in diagnoses:
                of_diagnoses |= self.by_diagnosis.get(key, set())
            wanted = of_diagnoses if wanted is None else of_diagnoses & wanted
        ids: set[str] = set()
        for status in statuses:
            with_status = self.by_status.get(status, set())
            ids |= with_status if wanted is None else with_status & wanted
        out = []
        # Unordered: the matcher ranks what it returns (`ranking.rank_key` ends on the study id),
        # and sorting ~25,000 ids cost ~6 ms of a request at 30,000 studies.
        for rid in ids:
            entry = self.entries[rid]
            # The bounds are widened already (keys.py); `age` is the oldest the birth date allows.
            if age is not None and not (entry["age_lo"] <= age and entry["age_hi"] >= age):
                continue
            if sex is not None and entry["sex"] not in (sex, any_sex):
                continue
            if phases and not phases.intersection(entry.get("phase") or ()):
                continue
            out.append(entry)
        return out
