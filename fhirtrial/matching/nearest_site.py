"""Which open site of a returned study is the nearest one: the `site` of the assessment, so that
a reader of the answer can show where to refer the patient (address and contact are on the
Location, public like the rest of the catalog)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fhirtrial.matching.distance import Point, miles_between
from fhirtrial.matching.study_facets import open_site


def nearest_open_site(origin: Point, locations: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The reference (with the site's name) of the nearest open Location that has a position."""
    best: tuple[float, dict[str, Any]] | None = None
    for location in locations:
        position = location.get("position") or {}
        latitude, longitude = position.get("latitude"), position.get("longitude")
        if not (isinstance(latitude, int | float) and isinstance(longitude, int | float)):
            continue
        if not open_site(location):
            continue
        miles = miles_between(origin, Point(float(latitude), float(longitude)))
        if best is None or miles < best[0]:
            best = (miles, location)
    if best is None:
        return None
    location = best[1]
    reference: dict[str, Any] = {"reference": f"Location/{location['id']}"}
    if isinstance(location.get("name"), str):
        reference["display"] = location["name"]
    return reference
