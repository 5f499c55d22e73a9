"""The bounded LRU behind the plan, concept and date caches and the resource cache: its bounds
(entries, total weight) and its eviction order."""

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


def test_items_lists_the_least_recent_first_without_making_any_recent() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    assert cache.items() == [("b", 2), ("a", 1)]
    cache.put("c", 3)
    assert cache.items() == [("a", 1), ("c", 3)]


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


def test_a_weight_bound_drops_the_least_recently_used_until_within_it() -> None:
    cache: LRU[str, bytes] = LRU(max_weight=10, weigh=len)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"
    cache.put("c", b"1234")
    assert "b" not in cache
    assert ("a" in cache, "c" in cache, cache.weight) == (True, True, 8)


def test_rewriting_an_entry_replaces_its_weight() -> None:
    cache: LRU[str, bytes] = LRU(max_weight=10, weigh=len)
    cache.put("a", b"123456")
    cache.put("a", b"12")
    assert cache.weight == 2
    cache.put("b", b"12345678")
    assert ("a" in cache, "b" in cache, cache.weight) == (True, True, 10)


def test_an_entry_heavier_than_the_bound_is_not_kept() -> None:
    cache: LRU[str, bytes] = LRU(max_weight=10, weigh=len)
    cache.put("a", b"12")
    cache.put("big", b"12345678901")
    assert len(cache) == 0
    assert cache.weight == 0


def test_both_bounds_hold() -> None:
    cache: LRU[str, bytes] = LRU(2, max_weight=10, weigh=len)
    for key in "abc":
        cache.put(key, b"1")
    assert [key for key in "abc" if key in cache] == ["b", "c"]
    assert cache.weight == 2


def test_a_weight_bound_and_a_weigh_function_go_together() -> None:
    with pytest.raises(ValueError):
        LRU(max_weight=10)
    with pytest.raises(ValueError):
        LRU(10, weigh=len)
    with pytest.raises(ValueError):
        LRU(max_weight=0, weigh=len)
    with pytest.raises(ValueError):
        LRU()


def test_a_discarded_entry_gives_back_its_weight() -> None:
    cache: LRU[str, bytes] = LRU(max_weight=10, weigh=len)
    cache.put("a", b"1234")
    cache.put("b", b"123456")
    cache.discard("a")
    cache.discard("missing")
    assert ("a" in cache, cache.weight) == (False, 6)
    cache.put("c", b"1234")  # fits now that "a" is gone: "b" stays
    assert ("b" in cache, "c" in cache, cache.weight) == (True, True, 10)
