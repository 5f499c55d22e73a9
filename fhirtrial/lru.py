"""A bounded least-recently-used cache for the process-wide memo tables (compiled plans, concept
lookups, parsed dates) and the per-process resource cache.

`LRU(maxsize)` holds at most ``maxsize`` entries: `put` beyond that drops the entry least
recently read or written. Given a ``weigh`` function, `LRU(max_weight=..., weigh=...)` also (or
only) bounds the total weight of the entries (e.g. bytes: ``weigh=len``), dropping the least
recently used ones until the total is within it; an entry heavier than the bound alone is
dropped too. ``weigh`` must give the same weight for a value every time. It takes no lock:
each dict operation is atomic under the interpreter lock, and `get` tolerates an entry dropped
by another thread between its lookup and its move, so a count-bounded table may be filled from
the event loop and the CPU worker thread (fhirtrial.offload) at once; keep a weighted table on
one thread (its running weight is not updated atomically). An import's parallel workers are
processes, each with its own tables. Imports nothing of fhirtrial.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D")

_MISSING = object()


class LRU(Generic[K, V]):
    """At most ``maxsize`` entries (and ``max_weight`` in total, given ``weigh``); the least
    recently used one is dropped first."""

    __slots__ = ("_entries", "_max_entries", "_max_weight", "_weigh", "weight")

    def __init__(
        self,
        maxsize: int | None = None,
        *,
        max_weight: int | None = None,
        weigh: Callable[[V], int] | None = None,
    ) -> None:
        if maxsize is not None and maxsize < 1:
            raise ValueError("an LRU holds at least one entry")
        if max_weight is not None and max_weight < 1:
            raise ValueError("a weight bound is at least 1")
        if (max_weight is None) != (weigh is None):
            raise ValueError("a weight bound needs a weigh function, and the other way round")
        if maxsize is None and max_weight is None:
            raise ValueError("an LRU needs a bound: maxsize, max_weight or both")
        self._max_entries = sys.maxsize if maxsize is None else maxsize
        self._max_weight = 0 if max_weight is None else max_weight
        self._weigh = weigh
        self.weight = 0
        """The total weight of the entries held (0 without ``weigh``)."""
        self._entries: OrderedDict[K, V] = OrderedDict()

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        """The value stored for ``key`` (now the most recently used), or ``default``."""
        entries = self._entries
        value = entries.get(key, _MISSING)
        if value is _MISSING:
            return default
        try:  # noqa: SIM105 - a hot path: suppress() costs a context manager per lookup
            entries.move_to_end(key)
        except KeyError:  # dropped by a `put` in another thread since the lookup
            pass
        return value

    def put(self, key: K, value: V) -> None:
        """Store ``value`` as the most recently used entry, dropping the oldest beyond the
        bounds."""
        entries = self._entries
        weigh = self._weigh
        if key in entries:
            entries.move_to_end(key)
            if weigh is not None:
                self.weight -= weigh(entries[key])
        entries[key] = value
        if weigh is None:
            if len(entries) > self._max_entries:
                entries.popitem(last=False)
            return
        self.weight += weigh(value)
        while len(entries) > self._max_entries or self.weight > self._max_weight:
            _, dropped = entries.popitem(last=False)
            self.weight -= weigh(dropped)

    def discard(self, key: K) -> None:
        """Drop the entry of ``key``, if held."""
        value = self._entries.pop(key, _MISSING)
        if value is not _MISSING and self._weigh is not None:
            self.weight -= self._weigh(value)  # type: ignore[arg-type]

    def items(self) -> list[tuple[K, V]]:
        """The entries held, least recently used first (without making them recently used)."""
        return list(self._entries.items())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is held (without making it recently used)."""
        return key in self._entries
