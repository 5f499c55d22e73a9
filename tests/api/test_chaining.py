"""Forward chaining (`study.title=x`) and reverse chaining (`_has`), per FHIR R5 search.html
#chaining and #has: resolved by bounded inner searches, 400 when an inner search is too large."""

import pytest

from tests.helpers import (
    FHIR_JSON,
    assert_valid_fhir,
    make_settings,
    research_study,
    running_client,
)

RESOURCES = [
    {"resourceType": "Location", "id": "boston", "name": "Boston Medical Center"},
    {"resourceType": "Location", "id": "paris", "name": "Institut Curie"},
    {"resourceType": "Organization", "id": "acme", "name": "Boston Oncology Group"},
    research_study(
        id="melanoma",
        title="PD-1 Knockout TIL in Melanoma",
        status="active",
        site=[{"reference": "Location/boston"}],
    ),
    research_study(
        id="lung",
        title="Lifileucel in Lung Cancer",
        status="retired",
        site=[{"reference": "Location/paris"}, {"reference": "Organization/acme"}],
    ),
    research_study(id="other", title="Melanoma Vaccine", status="active"),
    {"resourceType": "Patient", "id": "p1", "gender": "female"},
    {"resourceType": "Patient", "id": "p2", "gender": "male"},
]
SUBJECTS = [
    ("a", "melanoma", "p1", "active"),
    ("b", "lung", "p1", "retired"),
    ("c", "melanoma", "p2", "retired"),
]


async def _load(client) -> None:
    subjects = [
        {
            "resourceType": "ResearchSubject",
            "id": rid,
            "status": status,
            "study": {"reference": f"ResearchStudy/{study}"},
            "subject": {"reference": f"Patient/{patient}"},
        }
        for rid, study, patient, status in SUBJECTS
    ]
    for body in [*RESOURCES, *subjects]:
        url = f"/{body['resourceType']}/{body['id']}"
        assert (await client.put(url, json=body, headers=FHIR_JSON)).status_code == 201


@pytest.fixture
async def loaded(client):
    await _load(client)
    return client


async def _ids(client, resource_type: str, params) -> list[str]:
    response = await client.get(f"/{resource_type}", params=params)
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_fhir(bundle)
    return sorted(e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == "match")


async def test_forward_chain_on_a_single_target_type(loaded):
    assert await _ids(loaded, "ResearchSubject", {"study.title": "pd-1"}) == ["a", "c"]
    assert await _ids(loaded, "ResearchSubject", {"study:ResearchStudy.status": "retired"}) == ["b"]
    assert await _ids(loaded, "ResearchSubject", {"study.title": "nothing like it"}) == []
    # AND with the searched type's own criteria, and between two chains.
    both = {"study.title": "pd-1", "status": "retired"}
    assert await _ids(loaded, "ResearchSubject", both) == ["c"]
    twice = [("study.status", "active"), ("patient.gender", "male")]
    assert await _ids(loaded, "ResearchSubject", twice) == ["c"]


async def test_forward_chain_over_several_target_types_and_typed(loaded):
    # `site` refers to Location, ResearchStudy or Organization: `name` is searched on each
    # target type that has it (Location and Organization).
    assert await _ids(loaded, "ResearchStudy", {"site.name": "boston"}) == ["lung", "melanoma"]
    assert await _ids(loaded, "ResearchStudy", {"site:Location.name": "boston"}) == ["melanoma"]
    assert await _ids(loaded, "ResearchStudy", {"site:Organization.name": "boston"}) == ["lung"]


async def test_multi_level_chain(loaded):
    two_hops = {"study.site:Location.name": "institut"}
    assert await _ids(loaded, "ResearchSubject", two_hops) == ["b"]


async def test_reverse_chain_has(loaded):
    retired = {"_has:ResearchSubject:study:status": "retired"}
    assert await _ids(loaded, "ResearchStudy", retired) == ["lung", "melanoma"]
    active = {"_has:ResearchSubject:study:status": "active"}
    assert await _ids(loaded, "ResearchStudy", active) == ["melanoma"]
    patients = {"_has:ResearchSubject:patient:status": "active"}
    assert await _ids(loaded, "Patient", patients) == ["p1"]
    # `_has` nested, and combined with a chain inside.
    nested = {"_has:ResearchSubject:patient:study.title": "lifileucel"}
    assert await _ids(loaded, "Patient", nested) == ["p1"]
    assert await _ids(loaded, "ResearchStudy", {"_has:ResearchSubject:study:status": "x"}) == []


async def test_chained_results_page_with_working_links(loaded):
    response = await loaded.get(
        "/ResearchSubject", params={"study.status": "active", "_count": 1, "_total": "accurate"}
    )
    bundle = response.json()
    assert bundle["total"] == 2
    following = next(link["url"] for link in bundle["link"] if link["relation"] == "next")
    assert "study.status=active" in following
    second = (await loaded.get(following)).json()
    seen = {bundle["entry"][0]["resource"]["id"], second["entry"][0]["resource"]["id"]}
    assert seen == {"a", "c"}


@pytest.mark.parametrize(
    "params",
    [
        {"status.code": "x"},  # not a reference parameter
        {"study.nope": "x"},  # no such parameter on the target
        {"study:Patient.gender": "male"},  # not a target of `study`
        {"_has:ResearchSubject:study": "x"},  # no parameter
        {"_has:Nope:study:status": "x"},
        {"_has:ResearchSubject:patient:status": "x"},  # patient does not refer to studies
        {"study._count": "3"},
        # Four hops: more than a chain may take.
        {"study.site:ResearchStudy.site:ResearchStudy.site:ResearchStudy.title": "x"},
    ],
)
async def test_bad_chains_are_400_with_an_outcome(loaded, params):
    resource_type = "ResearchStudy" if "_has" in str(params) else "ResearchSubject"
    response = await loaded.get(f"/{resource_type}", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["resourceType"] == "OperationOutcome"


async def test_an_inner_search_larger_than_the_limit_is_refused(mongo_url):
    async with running_client(make_settings(mongo_url, max_joined=2)) as client:
        await _load(client)
        ok = await client.get("/ResearchSubject", params={"study.status": "active"})
        assert ok.status_code == 200  # two studies: within the limit
        response = await client.get("/ResearchSubject", params={"study.title": "l"})
        assert response.status_code == 200  # "lifileucel" only
        wide = await client.get("/ResearchSubject", params={"patient.gender": "female,male,other"})
        assert wide.status_code == 200
        three = await client.get(
            "/ResearchSubject", params={"study:ResearchStudy.status": "active,retired"}
        )
        assert three.status_code == 400
        assert three.json()["issue"][0]["code"] == "too-costly"
        response = await client.get(
            "/ResearchStudy", params={"_has:ResearchSubject:study:status": "active,retired"}
        )
        assert response.status_code == 400
        outcome = response.json()
        assert outcome["resourceType"] == "OperationOutcome"
        assert outcome["issue"][0]["code"] == "too-costly"
        assert "more than 2" in outcome["issue"][0]["diagnostics"]


async def test_conditional_create_by_a_chain(loaded):
    body = {
        "resourceType": "ResearchSubject",
        "status": "active",
        "study": {"reference": "ResearchStudy/lung"},
        "subject": {"reference": "Patient/p2"},
    }
    # One subject of a study titled "Lifileucel…" exists: no create, 200 with it.
    found = await loaded.post(
        "/ResearchSubject",
        json=body,
        headers={**FHIR_JSON, "If-None-Exist": "study.title=lifileucel"},
    )
    assert found.status_code == 200
    assert found.json()["id"] == "b"
    created = await loaded.post(
        "/ResearchSubject",
        json=body,
        headers={**FHIR_JSON, "If-None-Exist": "study.title=lifileucel&patient=Patient/p2"},
    )
    assert created.status_code == 201
