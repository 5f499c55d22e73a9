"""The bounded LRU behind the plan, concept and date caches: its bound and its eviction order."""

from __future__ import annotations

import pytest

from fhirtrial.lru import LRU


def test_holds_at_most_maxsize_entries() -> None:
    cache: LRU[int, str] = LRU(3)
    for n in range(10):
        cache.put(n, str(n))
        assert len(cache) == min(n + 1, 3)
    assert [n for n in range(10) if n in cache] == [7, 8, 9]


def test_drops_the_least_recently_written_first() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)
    assert "a" not in cache
    assert cache.get("b") == 2
    assert cache.get("c") == 3


def test_a_read_makes_an_entry_recent() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert "b" not in cache
    assert cache.get("a") == 1


def test_rewriting_an_entry_makes_it_recent_and_keeps_the_count() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 10)
    assert len(cache) == 2
    cache.put("c", 3)
    assert "b" not in cache
    assert cache.get("a") == 10


def test_membership_does_not_make_an_entry_recent() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert "a" in cache
    cache.put("c", 3)
    assert "a" not in cache


def test_a_miss_gives_the_default_and_a_stored_none_is_a_hit() -> None:
    missing = object()
    cache: LRU[str, int | None] = LRU(2)
    assert cache.get("x") is None
    assert cache.get("x", missing) is missing
    cache.put("x", None)
    assert cache.get("x", missing) is None


def test_the_bound_must_allow_one_entry() -> None:
    with pytest.raises(ValueError):
        LRU(0)
