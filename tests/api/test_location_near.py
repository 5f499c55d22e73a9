"""`Location?near=latitude|longitude|distance|units` (FHIR R5 Location search parameter
`near`, special): within the distance on the WGS84 sphere, km unless `[mi_i]`, sorted by
distance with `_sort=near`, each match's distance in the `location-distance` extension."""

from urllib.parse import urlsplit

import pytest

from tests.helpers import FHIR_JSON, assert_valid_fhir

MGH = (42.3626, -71.0685)
SITES = {
    "mgh": MGH,
    "cambridge": (42.3736, -71.1097),  # 3.6 km from MGH
    "worcester": (42.2626, -71.8023),  # 61 km
    "nyc": (40.7128, -74.0060),  # 306 km
    "east-of-the-line": (0.0, 179.95),  # across the antimeridian from the next
    "west-of-the-line": (0.0, -179.95),
}


@pytest.fixture
async def sites(client):
    for rid, (lat, lon) in SITES.items():
        body = {
            "resourceType": "Location",
            "id": rid,
            "name": rid,
            "position": {"latitude": lat, "longitude": lon},
        }
        assert (
            await client.put(f"/Location/{rid}", json=body, headers=FHIR_JSON)
        ).status_code == 201
    unplaced = {"resourceType": "Location", "id": "unplaced", "name": "mgh annex"}
    assert (
        await client.put("/Location/unplaced", json=unplaced, headers=FHIR_JSON)
    ).status_code == 201
    return client


async def _search(client, params) -> dict:
    response = await client.get("/Location", params=params)
    assert response.status_code == 200, response.text
    bundle = response.json()
    assert_valid_fhir(bundle)
    return bundle


def _ids(bundle) -> list[str]:
    return [e["resource"]["id"] for e in bundle["entry"]]


async def test_within_a_distance_in_km_and_miles(sites):
    near = f"{MGH[0]}|{MGH[1]}"
    assert sorted(_ids(await _search(sites, {"near": f"{near}|10|km"}))) == ["cambridge", "mgh"]
    assert sorted(_ids(await _search(sites, {"near": f"{near}|100"}))) == [
        "cambridge",
        "mgh",
        "worcester",
    ]
    # 200 miles is 322 km: New York (306 km) is in, 180 km would not be.
    assert "nyc" in _ids(await _search(sites, {"near": f"{near}|200|[mi_i]"}))
    assert "nyc" not in _ids(await _search(sites, {"near": f"{near}|180|km"}))
    # No distance: 50 km.
    assert sorted(_ids(await _search(sites, {"near": near}))) == ["cambridge", "mgh"]


async def test_sorted_by_distance_with_the_distance_of_each_match(sites):
    bundle = await _search(sites, {"near": f"{MGH[0]}|{MGH[1]}|400|km", "_sort": "near"})
    assert _ids(bundle) == ["mgh", "cambridge", "worcester", "nyc"]
    assert bundle["total"] == 4
    distances = [e["search"]["extension"][0]["valueDistance"]["value"] for e in bundle["entry"]]
    assert distances[0] == 0
    assert 3 < distances[1] < 4.5
    assert 55 < distances[2] < 65
    assert 300 < distances[3] < 312
    farthest = await _search(sites, {"near": f"{MGH[0]}|{MGH[1]}|400|km", "_sort": "-near"})
    assert _ids(farthest)[0] == "nyc"


async def test_paging_in_distance_order(sites):
    params = {"near": f"{MGH[0]}|{MGH[1]}|400|km", "_sort": "near", "_count": 3}
    first = await _search(sites, params)
    following = next(link["url"] for link in first["link"] if link["relation"] == "next")
    parts = urlsplit(following)
    second = (await sites.get(f"{parts.path}?{parts.query}")).json()
    assert _ids(first) + _ids(second) == ["mgh", "cambridge", "worcester", "nyc"]


async def test_near_combines_with_other_criteria_and_crosses_the_antimeridian(sites):
    assert _ids(await _search(sites, {"near": f"{MGH[0]}|{MGH[1]}|10", "name": "camb"})) == [
        "cambridge"
    ]
    across = await _search(sites, {"near": "0|-179.99|20|km"})
    assert sorted(_ids(across)) == ["east-of-the-line", "west-of-the-line"]


@pytest.mark.parametrize(
    "params",
    [
        {"near": "91|0|10|km"},
        {"near": "0|181|10|km"},
        {"near": "abc|0|10|km"},
        {"near": "0|0|0|km"},
        {"near": "0|0|-5|km"},
        {"near": "0|0|10|furlong"},
        {"near": "0"},
        {"near": "0|0|20000|km"},  # too large an area to search
        {"near": "0|0|10|km,1|1|10|km"},
        {"_sort": "near"},  # no near to sort by
        {"near": "0|0|10", "_sort": "name"},
        {"near:exact": "0|0|10"},
    ],
)
async def test_bad_near_values_are_400(sites, params):
    response = await sites.get("/Location", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["resourceType"] == "OperationOutcome"
