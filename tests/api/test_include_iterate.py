"""`_include:iterate` and `_revinclude:iterate` (FHIR R5 search.html#revinclude): applied again
to the included resources, bounded in depth and by FHIRTRIAL_MAX_INCLUDED."""

from tests.helpers import (
    FHIR_JSON,
    assert_valid_fhir,
    make_settings,
    research_study,
    running_client,
)

RESOURCES = [
    {"resourceType": "Organization", "id": "org"},
    {
        "resourceType": "Location",
        "id": "site",
        "name": "Site",
        "managingOrganization": {"reference": "Organization/org"},
    },
    research_study(id="s1", site=[{"reference": "Location/site"}]),
    {"resourceType": "Patient", "id": "p1"},
    {
        "resourceType": "ResearchSubject",
        "id": "r1",
        "status": "active",
        "study": {"reference": "ResearchStudy/s1"},
        "subject": {"reference": "Patient/p1"},
    },
]


async def _load(client) -> None:
    for body in RESOURCES:
        url = f"/{body['resourceType']}/{body['id']}"
        assert (await client.put(url, json=body, headers=FHIR_JSON)).status_code == 201


async def _entries(client, resource_type, params) -> list[tuple[str, str]]:
    response = await client.get(f"/{resource_type}", params=params)
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_fhir(bundle)
    return sorted(
        (f"{e['resource']['resourceType']}/{e['resource']['id']}", e["search"]["mode"])
        for e in bundle["entry"]
    )


async def test_include_iterate_follows_references_of_included_resources(client):
    await _load(client)
    params = [
        ("_include", "ResearchSubject:study"),
        ("_include:iterate", "ResearchStudy:site"),
        ("_include:iterate", "Location:organization"),
    ]
    assert await _entries(client, "ResearchSubject", params) == [
        ("Location/site", "include"),
        ("Organization/org", "include"),
        ("ResearchStudy/s1", "include"),
        ("ResearchSubject/r1", "match"),
    ]
    # Without :iterate, an include of another type than the searched one is refused.
    response = await client.get("/ResearchSubject", params=[("_include", "ResearchStudy:site")])
    assert response.status_code == 400
    # Without the :iterate step, only the first hop.
    plain = [("_include", "ResearchSubject:study")]
    assert await _entries(client, "ResearchSubject", plain) == [
        ("ResearchStudy/s1", "include"),
        ("ResearchSubject/r1", "match"),
    ]


async def test_revinclude_iterate_walks_back_from_included_resources(client):
    await _load(client)
    params = [
        ("_revinclude", "Location:organization"),
        ("_revinclude:iterate", "ResearchStudy:site"),
        ("_revinclude:iterate", "ResearchSubject:study"),
    ]
    assert await _entries(client, "Organization", params) == [
        ("Location/site", "include"),
        ("Organization/org", "match"),
        ("ResearchStudy/s1", "include"),
        ("ResearchSubject/r1", "include"),
    ]


async def test_iterated_includes_stop_at_the_included_limit(mongo_url):
    async with running_client(make_settings(mongo_url, max_included=2)) as client:
        await _load(client)
        params = [
            ("_include", "ResearchSubject:study"),
            ("_include:iterate", "ResearchStudy:site"),
            ("_include:iterate", "Location:organization"),
        ]
        bundle = (await client.get("/ResearchSubject", params=params)).json()
        modes = [e["search"]["mode"] for e in bundle["entry"]]
        assert modes.count("include") == 2
        outcome = bundle["entry"][-1]
        assert outcome["search"]["mode"] == "outcome"
        assert outcome["resource"]["issue"][0]["severity"] == "warning"


async def test_iteration_depth_is_bounded(client):
    # ResearchStudy.site may refer to another ResearchStudy: six studies, each the site of the
    # one before.
    for n in range(6):
        site = [{"reference": f"ResearchStudy/c{n + 1}"}] if n < 5 else []
        body = research_study(id=f"c{n}", site=site)
        assert (
            await client.put(f"/ResearchStudy/c{n}", json=body, headers=FHIR_JSON)
        ).status_code == 201
    params = [("_id", "c0"), ("_include:iterate", "ResearchStudy:site")]
    found = await _entries(client, "ResearchStudy", params)
    # The first round and three iterations reach c1..c4; c5, a fifth hop away, is left out.
    assert found == [
        ("ResearchStudy/c0", "match"),
        ("ResearchStudy/c1", "include"),
        ("ResearchStudy/c2", "include"),
        ("ResearchStudy/c3", "include"),
        ("ResearchStudy/c4", "include"),
    ]
