"""Where the patient is (US ZIP centroid, offline table from the `zipcodes` package) and how far
each study site is (great-circle distance in miles)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

EARTH_RADIUS_MILES = 3958.8
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def is_us_zip(value: str) -> bool:
    return _ZIP.match(value) is not None


@lru_cache(maxsize=4096)
def zip_centroid(value: str) -> Point | None:
    """The centroid of a US ZIP code (ZIP+4 accepted), None when the table does not know it."""
    found = _ZIP.match(value)
    if found is None:
        return None
    try:
        rows = zipcodes.matching(found.group(1))
    except (ValueError, TypeError):
        return None
    for row in rows:
        try:
            return Point(float(row["lat"]), float(row["long"]))
        except (KeyError, TypeError, ValueError):
            continue
    return None


def miles_between(a: Point, b: Point) -> float:
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def nearest_miles(origin: Point, sites: Iterable[Sequence[float]]) -> float | None:
    """`miles_between` the origin and its nearest site: the sites are compared by the haversine
    term alone (distance grows with it), and only the nearest one is turned into miles."""
    lat1 = math.radians(origin.latitude)
    cos_lat1 = math.cos(lat1)
    nearest: float | None = None
    for latitude, longitude in sites:
        lat2 = math.radians(latitude)
        dlon = math.radians(longitude - origin.longitude)
        h = math.sin((lat2 - lat1) / 2) ** 2 + cos_lat1 * math.cos(lat2) * math.sin(dlon / 2) ** 2
        if nearest is None or h < nearest:
            nearest = h
    if nearest is None:
        return None
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(nearest)))
