from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir, research_study

PHASE = "http://terminology.hl7.org/CodeSystem/research-study-phase"
MESH = "http://id.nlm.nih.gov/mesh"


def _coding(system, code, display=None):
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding], "text": display or code}


STUDIES = [
    research_study(
        id="melanoma",
        title="PD-1 Knockout TIL in Melanoma",
        status="active",
        identifier=[{"system": "https://clinicaltrials.gov", "value": "NCT05361174"}],
        condition=[_coding(MESH, "D008545", "Melanoma")],
        keyword=[{"text": "TIL"}, _coding("https://example.org/kw", "cell-therapy")],
        phase=_coding(PHASE, "phase-1-phase-2"),
    ),
    research_study(
        id="lung",
        title="Lifileucel in Lung Cancer",
        status="active",
        identifier=[{"system": "https://clinicaltrials.gov", "value": "NCT05398640"}],
        condition=[_coding(MESH, "D002289", "Carcinoma, Non-Small-Cell Lung")],
        phase=_coding(PHASE, "phase-2"),
    ),
    research_study(
        id="old",
        title="Ménière Trial",
        status="retired",
        identifier=[{"system": "urn:oid:1.2.3", "value": "NCT05361174"}],
    ),
]


@pytest.fixture
async def catalog(client):
    for study in STUDIES:
        response = await client.put(f"/ResearchStudy/{study['id']}", json=study, headers=FHIR_JSON)
        assert response.status_code == 201
    return client


async def ids(client, **params) -> list[str]:
    response = await client.get("/ResearchStudy", params=params)
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_fhir(bundle)
    return sorted(e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == "match")


async def test_search_by_token_parameters(catalog):
    assert await ids(catalog, status="active") == ["lung", "melanoma"]
    assert await ids(catalog, status="retired,unknown") == ["old"]
    assert await ids(catalog, **{"status:not": "active"}) == ["old"]
    assert await ids(catalog, condition=f"{MESH}|D008545") == ["melanoma"]
    assert await ids(catalog, condition="D002289") == ["lung"]
    assert await ids(catalog, phase=f"{PHASE}|phase-2") == ["lung"]
    assert await ids(catalog, phase="phase-1-phase-2") == ["melanoma"]
    assert await ids(catalog, keyword="cell-therapy") == ["melanoma"]
    assert await ids(catalog, **{"keyword:missing": "true"}) == ["lung", "old"]


async def test_search_by_identifier_forms(catalog):
    assert await ids(catalog, identifier="NCT05361174") == ["melanoma", "old"]
    assert await ids(catalog, identifier="https://clinicaltrials.gov|NCT05361174") == ["melanoma"]
    assert await ids(catalog, identifier="urn:oid:1.2.3|") == ["old"]
    assert await ids(catalog, identifier="https://clinicaltrials.gov|NCT00000000") == []


async def test_token_system_code_and_no_system_forms_each_find_their_resources(catalog):
    extra = research_study(
        id="local",
        status="active",
        identifier=[{"value": "LOCAL-7"}, {"system": "urn:oid:1.2.34", "value": "X"}],
    )
    assert (
        await catalog.put("/ResearchStudy/local", json=extra, headers=FHIR_JSON)
    ).status_code == 201
    assert await ids(catalog, identifier="LOCAL-7") == ["local"]
    assert await ids(catalog, identifier="|LOCAL-7") == ["local"]
    assert await ids(catalog, identifier="|NCT05361174") == []  # it has a system
    # "system|" is any code in exactly that system, not in one whose URI starts the same.
    assert await ids(catalog, identifier="urn:oid:1.2.3|") == ["old"]
    assert await ids(catalog, identifier="urn:oid:1.2.34|") == ["local"]
    assert await ids(catalog, identifier="urn:oid:1.2.3|,LOCAL-7") == ["local", "old"]
    assert await ids(catalog, **{"identifier:not": "urn:oid:1.2.3|"}) == [
        "local",
        "lung",
        "melanoma",
    ]
    assert await ids(catalog, **{"identifier:not": "urn:oid:1.2.3|,LOCAL-7"}) == [
        "lung",
        "melanoma",
    ]


async def test_search_by_string_is_prefix_case_and_accent_insensitive(catalog):
    assert await ids(catalog, title="pd-1") == ["melanoma"]
    assert await ids(catalog, title="meniere") == ["old"]
    assert await ids(catalog, title="lung") == []
    assert await ids(catalog, **{"title:contains": "lung"}) == ["lung"]
    assert await ids(catalog, **{"title:exact": "Lifileucel in Lung Cancer"}) == ["lung"]
    assert await ids(catalog, **{"title:exact": "lifileucel in lung cancer"}) == []


async def test_search_by_id_and_last_updated(catalog):
    assert await ids(catalog, _id="lung,old") == ["lung", "old"]
    now = datetime.now(UTC)
    later = (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    earlier = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert await ids(catalog, _lastUpdated=f"gt{earlier}") == ["lung", "melanoma", "old"]
    assert await ids(catalog, _lastUpdated=f"ge{later}") == []
    assert await ids(catalog, _lastUpdated=f"lt{later}") == ["lung", "melanoma", "old"]
    assert await ids(catalog, _lastUpdated=f"lt{earlier}") == []
    today = now.strftime("%Y-%m-%d")
    assert await ids(catalog, _lastUpdated=today) == ["lung", "melanoma", "old"]
    assert len(await ids(catalog, _lastUpdated=[f"ge{earlier}", f"le{later}"])) == 3


async def test_criteria_combine_with_and_between_parameters(catalog):
    assert await ids(catalog, identifier="NCT05361174", status="retired") == ["old"]


async def test_paging_follows_next_links_to_the_end_with_total(client):
    for n in range(45):
        await client.post(
            "/ResearchStudy", json=research_study(title=f"Study {n:02d}"), headers=FHIR_JSON
        )
    asked = {"_count": 20, "status": "active", "_total": "accurate"}
    page = (await client.get("/ResearchStudy", params=asked)).json()
    assert page["total"] == 45
    titles = [e["resource"]["title"] for e in page["entry"]]
    pages = 1
    while nxt := next((li["url"] for li in page["link"] if li["relation"] == "next"), None):
        parts = urlsplit(nxt)
        page = (await client.get(f"{parts.path}?{parts.query}")).json()
        titles += [e["resource"]["title"] for e in page["entry"]]
        pages += 1
    assert pages == 3
    assert sorted(titles) == [f"Study {n:02d}" for n in range(45)]


async def test_default_and_maximum_page_size(client):
    for _ in range(25):
        await client.post("/ResearchStudy", json=research_study(), headers=FHIR_JSON)
    assert len((await client.get("/ResearchStudy")).json()["entry"]) == 20
    capped = (await client.get("/ResearchStudy", params={"_count": 5000})).json()
    assert len(capped["entry"]) == 25
    assert "_count=1000" in capped["link"][0]["url"]


async def test_summary_count_returns_only_the_total(catalog):
    bundle = (await catalog.get("/ResearchStudy", params={"_summary": "count"})).json()
    assert bundle["total"] == 3
    assert bundle["entry"] == []
    assert [link["relation"] for link in bundle["link"]] == ["self"]


async def test_sort_by_title_descending(catalog):
    bundle = (await catalog.get("/ResearchStudy", params={"_sort": "-title"})).json()
    assert [e["resource"]["id"] for e in bundle["entry"]] == ["melanoma", "old", "lung"]


async def test_elements_returns_a_marked_subset(catalog):
    bundle = (
        await catalog.get("/ResearchStudy", params={"_id": "lung", "_elements": "title"})
    ).json()
    resource = bundle["entry"][0]["resource"]
    assert resource["title"] == "Lifileucel in Lung Cancer"
    assert "condition" not in resource
    assert any(t["code"] == "SUBSETTED" for t in resource["meta"]["tag"])


async def test_unknown_parameter_is_rejected_unless_lenient(catalog):
    strict = await catalog.get("/ResearchStudy", params={"colour": "blue"})
    assert strict.status_code == 400
    assert "colour" in strict.json()["issue"][0]["diagnostics"]
    lenient = await catalog.get(
        "/ResearchStudy",
        params={"colour": "blue", "status": "retired"},
        headers={"Prefer": "handling=lenient"},
    )
    assert lenient.status_code == 200
    bundle = lenient.json()
    assert [e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == "match"] == [
        "old"
    ]
    outcome = next(e for e in bundle["entry"] if e["search"]["mode"] == "outcome")
    assert "colour" in outcome["resource"]["issue"][0]["diagnostics"]


async def test_bad_values_are_rejected(catalog):
    assert (
        await catalog.get("/ResearchStudy", params={"_lastUpdated": "gtsoon"})
    ).status_code == 400
    assert (await catalog.get("/ResearchStudy", params={"_count": "many"})).status_code == 400
    assert (await catalog.get("/ResearchStudy", params={"title:below": "x"})).status_code == 400


async def test_post_search_accepts_form_parameters(catalog):
    response = await catalog.post("/ResearchStudy/_search", data={"status": "retired"})
    assert response.status_code == 200
    assert [e["resource"]["id"] for e in response.json()["entry"]] == ["old"]
    json_body = await catalog.post("/ResearchStudy/_search", json={"status": "retired"})
    assert json_body.status_code == 415


async def test_research_subject_search_by_study_subject_patient_and_status(client):
    subjects = [
        ("a", "ResearchStudy/melanoma", "Patient/p1", "active"),
        ("b", "ResearchStudy/lung", "Patient/p1", "retired"),
        ("c", "ResearchStudy/melanoma", "Group/g1", "active"),
    ]
    for rid, study, subject, status in subjects:
        body = {
            "resourceType": "ResearchSubject",
            "id": rid,
            "status": status,
            "study": {"reference": study},
            "subject": {"reference": subject},
        }
        assert (
            await client.put(f"/ResearchSubject/{rid}", json=body, headers=FHIR_JSON)
        ).status_code == 201

    async def found(**params):
        bundle = (await client.get("/ResearchSubject", params=params)).json()
        return sorted(e["resource"]["id"] for e in bundle["entry"])

    assert await found(study="ResearchStudy/melanoma") == ["a", "c"]
    assert await found(study="lung") == ["b"]
    assert await found(subject="Patient/p1") == ["a", "b"]
    assert await found(patient="p1") == ["a", "b"]
    assert await found(patient="g1") == []
    assert await found(subject="Group/g1") == ["c"]
    assert await found(status="active", study="melanoma") == ["a", "c"]
    assert await found(study="http://fhir.test/ResearchStudy/lung") == ["b"]


async def test_include_and_revinclude_bring_related_resources(client):
    await client.put(
        "/PlanDefinition/p1",
        json={"resourceType": "PlanDefinition", "id": "p1", "status": "active"},
        headers=FHIR_JSON,
    )
    await client.put(
        "/ResearchStudy/s1",
        json=research_study(id="s1", protocol=[{"reference": "PlanDefinition/p1"}]),
        headers=FHIR_JSON,
    )
    await client.put(
        "/ResearchSubject/r1",
        json={
            "resourceType": "ResearchSubject",
            "id": "r1",
            "status": "active",
            "study": {"reference": "ResearchStudy/s1"},
            "subject": {"reference": "Patient/x"},
        },
        headers=FHIR_JSON,
    )
    bundle = (
        await client.get(
            "/ResearchStudy",
            params={"_include": "ResearchStudy:protocol", "_revinclude": "ResearchSubject:study"},
        )
    ).json()
    modes = {(e["resource"]["resourceType"], e["search"]["mode"]) for e in bundle["entry"]}
    assert modes == {
        ("ResearchStudy", "match"),
        ("PlanDefinition", "include"),
        ("ResearchSubject", "include"),
    }
    assert bundle["total"] == 1

    assert (await client.delete("/ResearchSubject/r1")).status_code in (200, 204)
    bundle = (
        await client.get("/ResearchStudy", params={"_revinclude": "ResearchSubject:study"})
    ).json()
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["ResearchStudy"]


@pytest.mark.parametrize(
    ("resource_type", "extra"),
    [
        (
            "PlanDefinition",
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/plan-definition-type",
                            "code": "clinical-protocol",
                        }
                    ]
                }
            },
        ),
        (
            "EvidenceVariable",
            {"characteristic": [{"description": "x", "definitionCodeableConcept": {"text": "x"}}]},
        ),
    ],
)
async def test_canonical_resources_search_by_identifier_title_status_url(
    client, resource_type, extra
):
    url = f"https://fhirtrial.org/fhir/{resource_type}/NCT05361174"
    body = {
        "resourceType": resource_type,
        "id": "one",
        "url": url,
        "status": "active",
        "title": "IOV-4001 protocol",
        "identifier": [{"system": "https://clinicaltrials.gov", "value": "NCT05361174"}],
        **extra,
    }
    await client.put(f"/{resource_type}/one", json=body, headers=FHIR_JSON)
    await client.put(
        f"/{resource_type}/two",
        json={
            **body,
            "id": "two",
            "url": url + "x",
            "status": "draft",
            "title": "Other",
            "identifier": [],
        },
        headers=FHIR_JSON,
    )

    async def found(**params):
        bundle = (await client.get(f"/{resource_type}", params=params)).json()
        return sorted(e["resource"]["id"] for e in bundle["entry"])

    assert await found(identifier="NCT05361174") == ["one"]
    assert await found(title="iov") == ["one"]
    assert await found(status="draft") == ["two"]
    assert await found(url=url) == ["one"]
    assert await found(**{"url:below": "https://fhirtrial.org/fhir/"}) == ["one", "two"]


async def test_location_address_search_matches_any_part_of_the_address(client):
    sites = {
        "sheridan": {
            "text": "Sheridan, Wyoming 82801, United States",
            "city": "Sheridan",
            "state": "Wyoming",
            "postalCode": "82801",
            "country": "United States",
        },
        "paris": {"line": ["1 Rue de Rivoli"], "city": "Paris", "country": "France"},
        "lyon": {"city": "Lyon", "country": "France"},
    }
    for rid, address in sites.items():
        body = {"resourceType": "Location", "id": rid, "name": rid.title(), "address": address}
        response = await client.put(f"/Location/{rid}", json=body, headers=FHIR_JSON)
        assert response.status_code == 201, response.text

    async def found(**params) -> list[str]:
        response = await client.get("/Location", params=params)
        assert response.status_code == 200, response.text
        return sorted(e["resource"]["id"] for e in response.json().get("entry", []))

    assert await found(address="wyoming") == ["sheridan"]  # the state
    assert await found(address="8280") == ["sheridan"]  # the postal code, by prefix
    assert await found(address="sheridan, wyo") == ["sheridan"]  # the text
    assert await found(address="france") == ["lyon", "paris"]  # the country
    assert await found(address="1 rue") == ["paris"]  # a line
    assert await found(address="lyon,paris") == ["lyon", "paris"]
    assert await found(address="rivoli") == []  # prefix, not contains
    assert await found(**{"address:contains": "rivoli"}) == ["paris"]
    assert await found(**{"address-city": "par"}) == ["paris"]
    assert await found(**{"address-country": "united"}) == ["sheridan"]
    assert await found(**{"address-state": "france"}) == []
    assert await found(address="france", name="lyon") == ["lyon"]


async def test_include_and_revinclude_bring_every_related_resource_of_a_large_study(client):
    """A study with more sites than one database lookup takes (they are looked up in pieces)
    brings all of them, live ones only; and every subject of it comes with _revinclude."""
    sites = [f"site-{n:03d}" for n in range(75)]
    for site in sites:
        await client.put(
            f"/Location/{site}",
            json={"resourceType": "Location", "id": site, "name": f"Hospital {site}"},
            headers=FHIR_JSON,
        )
    await client.put(
        "/ResearchStudy/big",
        json=research_study(id="big", site=[{"reference": f"Location/{s}"} for s in sites]),
        headers=FHIR_JSON,
    )
    for n in range(70):
        await client.put(
            f"/ResearchSubject/subject-{n}",
            json={
                "resourceType": "ResearchSubject",
                "id": f"subject-{n}",
                "status": "active",
                "study": {"reference": "ResearchStudy/big"},
                "subject": {"reference": f"Patient/p{n}"},
            },
            headers=FHIR_JSON,
        )
    assert (await client.delete("/Location/site-040")).status_code in (200, 204)

    bundle = (
        await client.get(
            "/ResearchStudy",
            params={
                "_id": "big",
                "_include": "ResearchStudy:site",
                "_revinclude": "ResearchSubject:study",
            },
        )
    ).json()
    included = {
        (e["resource"]["resourceType"], e["resource"]["id"])
        for e in bundle["entry"]
        if e["search"]["mode"] == "include"
    }
    assert {rid for rtype, rid in included if rtype == "Location"} == set(sites) - {"site-040"}
    assert {rid for rtype, rid in included if rtype == "ResearchSubject"} == {
        f"subject-{n}" for n in range(70)
    }
    assert len(bundle["entry"]) == 1 + 74 + 70
