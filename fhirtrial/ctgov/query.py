"""Query parameters of the API v2 `/studies` search, validated before anything is sent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from fhirtrial.ctgov.study import normalize_nct_id

MAX_PAGE_SIZE = 1000

# The `overallStatus` enumeration of the API v2 data model.
OVERALL_STATUSES = frozenset(
    {
        "ACTIVE_NOT_RECRUITING",
        "COMPLETED",
        "ENROLLING_BY_INVITATION",
        "NOT_YET_RECRUITING",
        "RECRUITING",
        "SUSPENDED",
        "TERMINATED",
        "WITHDRAWN",
        "AVAILABLE",
        "NO_LONGER_AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
        "APPROVED_FOR_MARKETING",
        "WITHHELD",
        "UNKNOWN",
    }
)


@dataclass(frozen=True)
class GeoDistance:
    """Studies with a site within `radius` of a point: `filter.geo=distance(lat,lon,50mi)`."""

    latitude: float
    longitude: float
    radius: float
    unit: Literal["mi", "km"] = "mi"

    def __post_init__(self) -> None:
        if not -90 <= self.latitude <= 90:
            raise ValueError(f"latitude {self.latitude} is outside -90..90")
        if not -180 <= self.longitude <= 180:
            raise ValueError(f"longitude {self.longitude} is outside -180..180")
        if not self.radius > 0:
            raise ValueError(f"radius must be positive, got {self.radius}")
        if self.unit not in ("mi", "km"):
            raise ValueError(f"unit must be 'mi' or 'km', got {self.unit!r}")

    def __str__(self) -> str:
        point = f"{_decimal(self.latitude)},{_decimal(self.longitude)}"
        return f"distance({point},{_decimal(self.radius)}{self.unit})"


def study_search_params(
    *,
    condition: str | None = None,
    term: str | None = None,
    location: str | None = None,
    overall_status: Iterable[str] | str | None = None,
    geo: GeoDistance | str | None = None,
    nct_ids: Iterable[str] | None = None,
    updated_since: date | None = None,
) -> dict[str, str]:
    """The `query.*` / `filter.*` parameters for these criteria (empty ones left out).

    `updated_since`: studies whose LastUpdatePostDate (a day) is that day or later (an Essie
    `AREA[...]RANGE[...]` expression in `filter.advanced`)."""
    params: dict[str, str] = {}
    for name, value in (("query.cond", condition), ("query.term", term), ("query.locn", location)):
        if value is not None and value.strip():
            params[name] = value.strip()
    statuses = normalize_statuses(overall_status)
    if statuses:
        params["filter.overallStatus"] = ",".join(statuses)
    if geo is not None:
        params["filter.geo"] = str(geo)
    if nct_ids is not None:
        ids = normalize_nct_ids(nct_ids)
        if ids:
            params["filter.ids"] = ",".join(ids)
    if updated_since is not None:
        since = updated_since.isoformat()
        params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since},MAX]"
    return params


def normalize_statuses(statuses: Iterable[str] | str | None) -> list[str]:
    if statuses is None:
        return []
    if isinstance(statuses, str):
        statuses = [statuses]
    normalized = [status.strip().upper() for status in statuses]
    unknown = [status for status in normalized if status not in OVERALL_STATUSES]
    if unknown:
        allowed = ", ".join(sorted(OVERALL_STATUSES))
        raise ValueError(f"unknown overall status {', '.join(unknown)}; expected one of {allowed}")
    return list(dict.fromkeys(normalized))


def normalize_nct_ids(nct_ids: Iterable[str]) -> list[str]:
    """Validated NCT numbers, duplicates removed, order kept."""
    if isinstance(nct_ids, str):
        nct_ids = [nct_ids]
    return list(dict.fromkeys(normalize_nct_id(nct_id) for nct_id in nct_ids))


def validate_page_size(page_size: int) -> int:
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise ValueError(f"page_size must be an integer, got {page_size!r}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
    return page_size


def _decimal(value: float) -> str:
    """Plain decimal notation, no exponent, at most 6 decimals (≈ 0.1 m for coordinates)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
