"""A bounded least-recently-used cache for the process-wide memo tables (compiled plans, concept
lookups, parsed dates).

`LRU(maxsize)` holds at most ``maxsize`` entries: `put` beyond that drops the entry least
recently read or written. It takes no lock: fhirtrial fills these tables from the event loop's
thread only (an import's parallel workers are processes, each with its own tables). Imports
nothing of fhirtrial.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D")

_MISSING = object()


class LRU(Generic[K, V]):
    """At most ``maxsize`` entries; the least recently used one is dropped first."""

    __slots__ = ("_entries", "maxsize")

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("an LRU holds at least one entry")
        self.maxsize = maxsize
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
        entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        """Store ``value`` as the most recently used entry, dropping the oldest beyond the bound."""
        entries = self._entries
        if key in entries:
            entries.move_to_end(key)
        entries[key] = value
        if len(entries) > self.maxsize:
            entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is held (without making it recently used)."""
        return key in self._entries
