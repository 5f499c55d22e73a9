"""The per-process cache of catalog resources: a copy per read, bounded by the bytes it holds."""

from __future__ import annotations

import orjson

from fhirtrial.matching.resource_cache import ResourceCache


def test_gives_back_an_equal_copy_by_type_id_and_version() -> None:
    cache = ResourceCache()
    resource = {"resourceType": "ResearchStudy", "id": "s1", "title": "A"}
    cache.put(("ResearchStudy", "s1", 1), resource)
    found = cache.get(("ResearchStudy", "s1", 1))
    assert found == resource
    assert found is not resource
    assert cache.get(("ResearchStudy", "s1", 2)) is None


def test_holds_at_most_its_limit_in_json_bytes() -> None:
    resource = {"resourceType": "ResearchStudy", "id": "s", "title": "x" * 100}
    size = len(orjson.dumps(resource))
    cache = ResourceCache(limit_bytes=2 * size)
    for version in (1, 2, 3):
        cache.put(("ResearchStudy", "s", version), resource)
    held = [v for v in (1, 2, 3) if cache.get(("ResearchStudy", "s", v)) is not None]
    assert held == [2, 3]
