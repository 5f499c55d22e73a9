"""System-level search (`GET [base]?_type=…`, `POST [base]/_search`) and history
(`GET [base]/_history`), per FHIR R5 http.html#search and #history."""

from urllib.parse import urlsplit

import pytest

from fhirtrial.resources.registry import RESOURCE_TYPES
from tests.helpers import (
    FHIR_JSON,
    assert_valid_fhir,
    make_settings,
    research_study,
    running_client,
)

FORM = {"content-type": "application/x-www-form-urlencoded"}


async def _put(client, body) -> None:
    url = f"/{body['resourceType']}/{body['id']}"
    assert (await client.put(url, json=body, headers=FHIR_JSON)).status_code in (200, 201)


@pytest.fixture
async def mixed(client):
    for n in range(3):
        await _put(client, research_study(id=f"s{n}", title=f"Study {n}"))
        await _put(client, {"resourceType": "Patient", "id": f"p{n}"})
    await _put(client, {"resourceType": "Location", "id": "l0", "name": "Site"})
    await _put(
        client,
        {
            "resourceType": "ResearchSubject",
            "id": "r0",
            "status": "active",
            "study": {"reference": "ResearchStudy/s0"},
            "subject": {"reference": "Patient/p0"},
        },
    )
    return client


def _keys(bundle, mode="match") -> list[str]:
    return [
        f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in bundle["entry"]
        if e["search"]["mode"] == mode
    ]


async def _get(client, url, params=None) -> dict:
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_fhir(bundle)
    return bundle


async def test_type_lists_the_types_searched(mixed):
    bundle = await _get(mixed, "/", {"_type": "ResearchStudy,Patient"})
    assert bundle["type"] == "searchset"
    assert bundle["total"] == 6
    # Ordered by _id by default, then by type.
    assert _keys(bundle) == [
        "Patient/p0",
        "Patient/p1",
        "Patient/p2",
        "ResearchStudy/s0",
        "ResearchStudy/s1",
        "ResearchStudy/s2",
    ]
    assert all(e["fullUrl"].startswith("http://fhir.test/") for e in bundle["entry"])


async def test_without_type_every_served_type_is_searched(mixed):
    bundle = await _get(mixed, "/", {"_count": 1000})
    assert len(bundle["entry"]) == bundle["total"]
    found = [k.partition("/")[0] for k in _keys(bundle)]
    # The server's own conformance resources (CodeSystems, …) are served too; AuditEvents are
    # left out of the comparison: the searches below write more of them.
    for name in sorted(set(RESOURCE_TYPES) - {"AuditEvent"}):
        each = await _get(mixed, f"/{name}", {"_summary": "count"})
        assert found.count(name) == each["total"], name
    assert found.count("Patient") == 3


async def test_common_parameters_and_parameters_every_listed_type_has(mixed):
    bundle = await _get(mixed, "/", {"_type": "ResearchStudy,Patient", "_id": "s1,p2"})
    assert _keys(bundle) == ["Patient/p2", "ResearchStudy/s1"]
    # `name` is a parameter of Location and Patient...
    bundle = await _get(mixed, "/", {"_type": "Location,Patient", "name": "sit"})
    assert _keys(bundle) == ["Location/l0"]
    # ...but not of ResearchStudy: 400, as the spec asks.
    response = await mixed.get("/", params={"_type": "Location,ResearchStudy", "name": "x"})
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_paging_links_walk_the_merged_order(mixed):
    page = await _get(mixed, "/", {"_type": "ResearchStudy,Patient", "_count": 4})
    seen = _keys(page)
    while True:
        following = [link["url"] for link in page["link"] if link["relation"] == "next"]
        if not following:
            break
        parts = urlsplit(following[0])
        assert parts.path == "/"
        page = await _get(mixed, f"{parts.path}?{parts.query}")
        seen += _keys(page)
    assert len(seen) == 6
    assert len(set(seen)) == 6


async def test_sort_by_last_updated_descending(mixed):
    await _put(mixed, research_study(id="s1", title="Touched last"))
    bundle = await _get(
        mixed, "/", {"_type": "ResearchStudy,Patient", "_sort": "-_lastUpdated", "_count": 2}
    )
    assert _keys(bundle)[0] == "ResearchStudy/s1"
    response = await mixed.get("/", params={"_type": "ResearchStudy", "_sort": "title"})
    assert response.status_code == 400


async def test_include_applies_to_its_own_type_and_post_search_works(mixed):
    form = "_type=ResearchSubject,Location&_include=ResearchSubject:study"
    response = await mixed.post("/_search", content=form, headers=FORM)
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert _keys(bundle) == ["Location/l0", "ResearchSubject/r0"]
    assert _keys(bundle, "include") == ["ResearchStudy/s0"]


async def test_summary_count_and_total_none(mixed):
    bundle = await _get(mixed, "/", {"_type": "Patient,Location", "_summary": "count"})
    assert bundle["total"] == 4
    assert "entry" not in bundle or bundle["entry"] == []
    bundle = await _get(mixed, "/", {"_type": "Patient", "_total": "none"})
    assert "total" not in bundle


@pytest.mark.parametrize(
    "params",
    [
        {"_type": "Nope"},
        {"_type": ""},
        {"_type": "Patient", "_count": "1000", "_offset": "9500"},
        {"_type": "Patient", "gender": "x", "unknown": "y"},
        {"_type": "Location", "near": "42|-71|10|km"},
    ],
)
async def test_bad_system_searches_are_400(mixed, params):
    response = await mixed.get("/", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_system_history_merges_every_type_newest_first(client):
    await _put(client, research_study(id="s0"))
    await _put(client, {"resourceType": "Patient", "id": "p0"})
    await _put(client, research_study(id="s0", title="Second version"))
    assert (await client.delete("/Patient/p0")).status_code in (200, 204)
    ours = {"_type": "ResearchStudy,Patient"}
    bundle = await _get(client, "/_history", ours)
    assert bundle["type"] == "history"
    assert bundle["total"] == 4
    expected = [
        ("DELETE", "Patient/p0"),
        ("PUT", "ResearchStudy/s0"),
        ("PUT", "Patient/p0"),
        ("PUT", "ResearchStudy/s0"),
    ]

    def versions(b):
        return [
            (e["request"]["method"], e["fullUrl"].split("fhir.test/")[1])
            for e in b["entry"]
            if e["fullUrl"].split("/")[-2] in ("Patient", "ResearchStudy")
        ]

    assert versions(bundle) == expected
    # Without _type: every type, the server's own conformance resources and AuditEvents too.
    everything = await _get(client, "/_history", {"_count": 1000})
    assert everything["total"] > 4
    assert versions(everything) == expected
    assert "CodeSystem" in {e["fullUrl"].split("/")[-2] for e in everything["entry"]}
    # Paging.
    first = await _get(client, "/_history", {**ours, "_count": 3})
    assert len(first["entry"]) == 3
    following = next(link["url"] for link in first["link"] if link["relation"] == "next")
    parts = urlsplit(following)
    assert parts.path == "/_history"
    rest = await _get(client, f"{parts.path}?{parts.query}")
    assert len(rest["entry"]) == 1
    # _since and _type.
    since = bundle["entry"][1]["response"]["lastModified"]
    newer = await _get(client, "/_history", {**ours, "_since": since})
    assert len(newer["entry"]) == 2
    only = await _get(client, "/_history", {"_type": "ResearchStudy"})
    assert only["total"] == 2
    bad = await client.get("/_history", params={"_since": "yesterday"})
    assert bad.status_code == 400
    assert bad.json()["resourceType"] == "OperationOutcome"


async def test_system_history_window_is_bounded(mongo_url):
    async with running_client(make_settings(mongo_url)) as client:
        response = await client.get("/_history", params={"_count": "1000", "_offset": "9001"})
        assert response.status_code == 400
        assert response.json()["issue"][0]["code"] == "too-costly"
