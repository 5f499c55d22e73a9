"""`Location?near=latitude|longitude|distance|units` (FHIR R5 special parameter): parsing,
great-circle distance, and the grid cells that index positions.

A position is kept under two grid cells, 0.1° and 1° of latitude and longitude; a search looks
for the cells of the finest grid whose cells covering the bounding box of its circle number at
most MAX_CELLS, then keeps the positions whose exact distance is within the radius.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fhirtrial.errors import BadRequest

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
# Cells per degree of each grid, finest first.
GRIDS = (10, 1)
MAX_CELLS = 256
# Without a distance, "near" is this close (the spec leaves it to the server).
DEFAULT_DISTANCE_KM = 50.0
UNITS_KM = {"km": 1.0, "[mi_i]": 1.609344, "mi": 1.609344}
UCUM = "http://unitsofmeasure.org"


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    km: float


def parse_near(value: str) -> Near:
    parts = value.split("|")
    if len(parts) < 2 or len(parts) > 4:
        raise BadRequest(
            f"near must be latitude|longitude|distance|units, got '{value}'", code="value"
        )
    latitude = _number("latitude", parts[0], -90, 90)
    longitude = _number("longitude", parts[1], -180, 180)
    unit = parts[3] if len(parts) > 3 and parts[3] else "km"
    if unit not in UNITS_KM:
        raise BadRequest(f"near units must be km or [mi_i], got '{unit}'", code="value")
    if len(parts) > 2 and parts[2]:
        distance = _number("distance", parts[2], 0, math.inf)
        if distance <= 0:
            raise BadRequest("near distance must be greater than 0", code="value")
        km = distance * UNITS_KM[unit]
    else:
        km = DEFAULT_DISTANCE_KM
    near = Near(latitude, longitude, km)
    search_cells(near)  # refuses a circle too large to look up
    return near


def _number(name: str, text: str, low: float, high: float) -> float:
    try:
        number = float(text)
    except ValueError:
        raise BadRequest(f"near {name} must be a number, got '{text}'", code="value") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise BadRequest(f"near {name} must be between {low} and {high}, got '{text}'")
    return number


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance on the mean Earth sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def position_of(resource: dict[str, Any]) -> tuple[float, float] | None:
    position = resource.get("position")
    if not isinstance(position, dict):
        return None
    lat, lon = position.get("latitude"), position.get("longitude")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        return None
    latitude, longitude = float(lat), float(lon)  # type: ignore[arg-type]
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def position_cells(latitude: float, longitude: float) -> list[str]:
    """The cells of one position, one per grid."""
    return [
        _cell(grid, math.floor(latitude * grid), math.floor(longitude * grid)) for grid in GRIDS
    ]


def search_cells(near: Near) -> list[str]:
    """The cells of the finest grid that covers the circle's bounding box in MAX_CELLS or
    fewer; 400 when even the coarsest grid needs more."""
    dlat = near.km / KM_PER_DEGREE
    lat_lo, lat_hi = max(near.latitude - dlat, -90.0), min(near.latitude + dlat, 90.0)
    widest = max(abs(lat_lo), abs(lat_hi))
    cos = math.cos(math.radians(widest))
    dlon = 180.0 if cos <= 1e-9 else min(near.km / (KM_PER_DEGREE * cos), 180.0)
    for grid in GRIDS:
        rows = range(math.floor(lat_lo * grid), math.floor(lat_hi * grid) + 1)
        if dlon >= 180.0:
            columns = list(range(-180 * grid, 180 * grid))
        else:
            first = math.floor((near.longitude - dlon) * grid)
            columns = list(range(first, math.floor((near.longitude + dlon) * grid) + 1))
        if len(rows) * len(columns) <= MAX_CELLS:
            return list(dict.fromkeys(_cell(grid, r, c) for r in rows for c in columns))
    raise BadRequest(
        f"near: a distance of {near.km:,.0f} km covers too large an area to search; "
        "ask for a smaller distance",
        code="too-costly",
    )


def _cell(grid: int, row: int, column: int) -> str:
    # Columns wrap around the antimeridian: 180° is -180°.
    wrapped = (column + 180 * grid) % (360 * grid) - 180 * grid
    return f"g{grid}:{row}:{wrapped}"


def cells_key_values(resource: dict[str, Any]) -> Iterator[str]:
    found = position_of(resource)
    if found is not None:
        yield from position_cells(*found)
