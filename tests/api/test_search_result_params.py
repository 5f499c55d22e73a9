"""`_total` variants, and unknown `_` parameters: ignored and reported unless
`Prefer: handling=strict` (R5 search.html); unknown filters stay refused."""

import pytest

from tests.helpers import FHIR_JSON, research_study


@pytest.fixture
async def studies(client):
    for title in ("One", "Two", "Three"):
        response = await client.post(
            "/ResearchStudy", json=research_study(title=title), headers=FHIR_JSON
        )
        assert response.status_code == 201
    return client


@pytest.mark.parametrize(("total", "expected"), [("none", None), ("estimate", 3), ("accurate", 3)])
async def test_total_variants(studies, total, expected):
    response = await studies.get("/ResearchStudy", params={"_total": total, "_count": 1})
    assert response.status_code == 200
    assert response.json().get("total") == expected
    assert len(response.json()["entry"]) == 1


async def test_an_unknown_result_parameter_is_ignored_and_reported(studies):
    response = await studies.get("/ResearchStudy", params={"_count": 0, "_totalMethod": "count"})
    assert response.status_code == 200
    bundle = response.json()
    assert bundle["total"] == 3
    outcome = next(e for e in bundle["entry"] if e["search"]["mode"] == "outcome")
    assert "_totalMethod" in outcome["resource"]["issue"][0]["diagnostics"]
    assert "_totalMethod" not in bundle["link"][0]["url"]  # the self link shows what was used


async def test_strict_handling_refuses_it(studies):
    response = await studies.get(
        "/ResearchStudy", params={"_totalMethod": "count"}, headers={"Prefer": "handling=strict"}
    )
    assert response.status_code == 400
    assert "_totalMethod" in response.json()["issue"][0]["diagnostics"]


@pytest.mark.parametrize("name", ["_tag", "_profile", "_security", "colour"])
async def test_unknown_filters_are_refused_by_default(studies, name):
    # Ignoring a filter would silently widen the results.
    response = await studies.get("/ResearchStudy", params={name: "x"})
    assert response.status_code == 400
    lenient = await studies.get(
        "/ResearchStudy", params={name: "x"}, headers={"Prefer": "handling=lenient"}
    )
    assert lenient.status_code == 200
