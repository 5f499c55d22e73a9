"""What the trial finder app shows without scraping the catalog: each criterion's text, and the
nearest open site of each study (the Location its distance is measured to)."""

from fhirtrial.matching.assessment import ASSESSMENT_URL
from fhirtrial.matching.distance import Point, miles_between, zip_centroid
from tests.matching.match_answers import match_ok
from tests.matching.match_patients import melanoma_patient, parameters

LIFILEUCEL = "NCT05361174"


def assessment(answer: dict, study: str) -> list[dict]:
    for entry in answer["entry"]:
        resource = entry["resource"]
        if entry["search"]["mode"] == "match" and resource["study"]["reference"].endswith(study):
            return next(e for e in resource["extension"] if e["url"] == ASSESSMENT_URL)["extension"]
    raise AssertionError(f"{study} not matched")


def value(parts: list[dict], url: str) -> object:
    found = next((p for p in parts if p["url"] == url), None)
    return None if found is None else next(v for k, v in found.items() if k.startswith("value"))


async def test_the_nearest_open_site_is_named_with_its_distance(seeded):
    # 90025 is West Los Angeles: NCT05361174 recruits at The Angeles Clinic there.
    answer = await match_ok(
        seeded,
        parameters(melanoma_patient(), {"name": "zipCode", "valueString": "90025"}),
    )
    parts = assessment(answer, LIFILEUCEL)
    site = value(parts, "site")
    assert isinstance(site, dict) and site["reference"].startswith("Location/")
    location = (await seeded.get(f"/{site['reference']}")).json()
    assert site["display"] == location["name"]
    assert "Angeles" in location["name"]
    position = Point(location["position"]["latitude"], location["position"]["longitude"])
    origin = zip_centroid("90025")
    assert origin is not None
    from_zip = miles_between(origin, position)
    distance = value(parts, "distance")
    assert isinstance(distance, dict)
    assert abs(distance["value"] - from_zip) < 2


async def test_without_a_location_no_site_is_named(seeded):
    answer = await match_ok(seeded, parameters(melanoma_patient()))  # no address, no ZIP
    parts = assessment(answer, LIFILEUCEL)
    assert value(parts, "site") is None and value(parts, "distance") is None


async def test_every_criterion_carries_its_text(seeded):
    answer = await match_ok(seeded, parameters(melanoma_patient()))
    criteria = [p["extension"] for p in assessment(answer, LIFILEUCEL) if p["url"] == "criterion"]
    texts = {value(c, "linkId"): value(c, "text") for c in criteria}
    assert texts["age"] == "Age: 18 Years and older"
    top_level = [t for link, t in texts.items() if "-p" not in str(link)]
    assert top_level and all(isinstance(t, str) and t.strip() for t in top_level)
