"""Where the patient is (US ZIP centroid, offline table from the `zipcodes` package) and how far
each study site is (great-circle distance in miles)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import zipcodes

EARTH_RADIUS_MILES = 3958.8
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def is_us_zip(value: str) -> bool:
    return _ZIP.match(value) is not None


_ZIP_TABLE: dict[str, Point] | None = None


def load_zip_table() -> dict[str, Point]:
    """Every ZIP code's centroid, read once per process. The `zipcodes` package decompresses its
    whole table on its first look-up (~250 ms, measured), which a `$match` paid on the event
    loop, every request waiting: `match_patient` loads it in the CPU worker first."""
    global _ZIP_TABLE
    if _ZIP_TABLE is None:
        table: dict[str, Point] = {}
        for row in zipcodes.list_all():
            code = row.get("zip_code")
            if not isinstance(code, str) or code in table:
                continue  # the first row of a code with a position, as `zipcodes.matching`
            try:
                table[code] = Point(float(row["lat"]), float(row["long"]))
            except (KeyError, TypeError, ValueError):
                continue
        _ZIP_TABLE = table
    return _ZIP_TABLE


def zip_table_loaded() -> bool:
    return _ZIP_TABLE is not None


def zip_centroid(value: str) -> Point | None:
    """The centroid of a US ZIP code (ZIP+4 accepted), None when the table does not know it."""
    found = _ZIP.match(value)
    if found is None:
        return None
    return load_zip_table().get(found.group(1))


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
