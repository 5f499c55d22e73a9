"""Chains, `_has` and long `_id` lists that join more ids than one `$in` piece (32): searched in
pieces (fhirtrial.store.pieced) with the same answers, totals, order and paging as one query."""

from urllib.parse import urlsplit

import pytest

from fhirtrial.store.search_keys import order_key
from tests.helpers import FHIR_JSON, research_study


@pytest.fixture
async def many(client):
    for n in range(40):
        await client.put(f"/ResearchStudy/s{n}", json=research_study(id=f"s{n}"), headers=FHIR_JSON)
    for n in range(80):
        body = {
            "resourceType": "ResearchSubject",
            "id": f"r{n}",
            "status": "active",
            "study": {"reference": f"ResearchStudy/s{n % 40}"},
            "subject": {"reference": f"Patient/p{n}"},
        }
        assert (
            await client.put(f"/ResearchSubject/r{n}", json=body, headers=FHIR_JSON)
        ).status_code == 201
    assert (await client.delete("/ResearchStudy/s39")).status_code in (200, 204)
    assert (await client.delete("/ResearchSubject/r0")).status_code in (200, 204)
    return client


async def _all_pages(client, path, params) -> tuple[list[str], int]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    page = response.json()
    total, seen = page["total"], [e["resource"]["id"] for e in page["entry"]]
    while following := [link["url"] for link in page["link"] if link["relation"] == "next"]:
        parts = urlsplit(following[0])
        page = (await client.get(f"{parts.path}?{parts.query}")).json()
        seen += [e["resource"]["id"] for e in page["entry"]]
    return seen, total


async def test_a_chain_over_many_ids_pages_through_every_match(many):
    # 39 live studies; their 78 subjects less the deleted r0.
    seen, total = await _all_pages(
        many, "/ResearchSubject", {"study.status": "active", "_count": 25}
    )
    assert total == 77
    assert len(seen) == 77
    # The default order, as the one query would give it (store.keyset).
    assert seen == sorted(seen, key=lambda rid: (order_key(rid), rid))
    assert "r0" not in seen
    assert not {"r39", "r79"} & set(seen)  # subjects of the deleted study


async def test_has_over_many_ids_skips_deleted_targets(many):
    seen, total = await _all_pages(
        many, "/ResearchStudy", {"_has:ResearchSubject:study:status": "active", "_count": 10}
    )
    assert total == 39
    assert sorted(seen) == sorted(f"s{n}" for n in range(39))


async def test_long_id_lists_sort_by_last_updated(many):
    ids = ",".join(f"r{n}" for n in range(60))
    response = await many.get(
        "/ResearchSubject", params={"_id": ids, "_sort": "-_lastUpdated", "_count": 3}
    )
    bundle = response.json()
    assert bundle["total"] == 59
    assert [e["resource"]["id"] for e in bundle["entry"]] == ["r59", "r58", "r57"]
    # Other orders take the one query, with the same matches.
    by_status = await many.get("/ResearchSubject", params={"_id": ids, "_sort": "status"})
    assert by_status.json()["total"] == 59
