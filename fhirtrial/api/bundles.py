"""searchset and history Bundles."""

from typing import Any
from urllib.parse import urlencode

from fhirtrial.resources.dates import format_instant
from fhirtrial.resources.summary import elements_subset, summarize
from fhirtrial.store.repository import HistoryPage, SearchResult

_PAGING = ("_count", "_offset", "_after")


def searchset(
    base: str,
    resource_type: str,
    result: SearchResult,
    *,
    params: list[tuple[str, str]],
    count: int,
    offset: int,
    elements: tuple[str, ...] = (),
    outcome: dict[str, Any] | None = None,
    summary_count: bool = False,
    summary: str = "false",
) -> dict[str, Any]:
    entries = [_entry(base, summarize(r, summary), "match", elements) for r in result.matches]
    for entry, resource in zip(entries, result.matches, strict=True):
        km = result.distances.get(f"{resource['resourceType']}/{resource['id']}")
        if km is not None:
            entry["search"]["extension"] = [_distance(km)]
    entries += [_entry(base, r, "include", ()) for r in result.included]
    if outcome is not None:
        entries.append({"resource": outcome, "search": {"mode": "outcome"}})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset"}
    if result.total is not None:
        bundle["total"] = result.total
    if result.keyset:
        links = _keyset_links(f"{base}/{resource_type}", params, count, result)
    else:
        links = _page_links(
            f"{base}/{resource_type}", params, count, offset, len(result.matches), result.total
        )
    bundle["link"] = links[:1] if summary_count else links
    bundle["entry"] = entries
    return bundle


def _distance(km: float) -> dict[str, Any]:
    """The `location-distance` extension of a `near` match (R5 Bundle.entry.search)."""
    return {
        "url": "http://hl7.org/fhir/StructureDefinition/location-distance",
        "valueDistance": {
            "value": round(km, 3),
            "unit": "km",
            "system": "http://unitsofmeasure.org",
            "code": "km",
        },
    }


def history(
    base: str,
    path: str,
    page: HistoryPage,
    *,
    params: list[tuple[str, str]],
    count: int,
    offset: int,
) -> dict[str, Any]:
    entries = []
    for e in page.entries:
        entry: dict[str, Any] = {"fullUrl": f"{base}/{e.resource_type}/{e.id}"}
        if e.resource is not None:
            entry["resource"] = e.resource
        url = e.resource_type if e.method == "POST" else f"{e.resource_type}/{e.id}"
        entry["request"] = {"method": e.method, "url": url}
        entry["response"] = {
            "status": {"POST": "201 Created", "DELETE": "204 No Content"}.get(e.method, "200 OK"),
            "etag": f'W/"{e.version}"',
            "lastModified": format_instant(e.last_updated),
        }
        entries.append(entry)
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "history"}
    if page.total is not None:
        bundle["total"] = page.total
    bundle["link"] = _page_links(
        f"{base}/{path}", params, count, offset, len(entries), page.total, more=page.more
    )
    bundle["entry"] = entries
    return bundle


def _entry(
    base: str, resource: dict[str, Any], mode: str, elements: tuple[str, ...]
) -> dict[str, Any]:
    if elements:
        resource = elements_subset(resource, elements)
    return {
        "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
        "search": {"mode": mode},
    }


def _keyset_links(
    url: str, params: list[tuple[str, str]], count: int, result: SearchResult
) -> list[dict[str, Any]]:
    """`self` and `next` of a page read by ranges (store.keyset): the next one starts after the
    position of this page's last match. There is no `previous`: a client goes back to `self`
    of the pages it has seen."""
    base_params = [(k, v) for k, v in params if k not in _PAGING]

    def link(relation: str, after: tuple[int, str] | None) -> dict[str, Any]:
        at = [] if after is None else [("_after", f"{after[0]:012x}.{after[1]}")]
        return {
            "relation": relation,
            "url": f"{url}?{urlencode([*base_params, *at, ('_count', str(count))])}",
        }

    links = [link("self", result.after)]
    if result.next_after is not None:
        links.append(link("next", result.next_after))
    return links


def _page_links(
    url: str,
    params: list[tuple[str, str]],
    count: int,
    offset: int,
    returned: int,
    total: int | None,
    *,
    more: bool | None = None,
) -> list[dict[str, Any]]:
    """`self`, `next` and `previous` of an offset page; `more` says whether matches follow it
    (when not given: the total, or else whether the page is full)."""
    base_params = [(k, v) for k, v in params if k not in _PAGING]

    def link(relation: str, at: int) -> dict[str, Any]:
        query = urlencode([*base_params, ("_count", str(count)), ("_offset", str(at))])
        return {"relation": relation, "url": f"{url}?{query}"}

    links = [link("self", offset)]
    if more is not None:
        has_more = more
    else:
        has_more = (offset + returned < total) if total is not None else returned >= count > 0
    if has_more:
        links.append(link("next", offset + count))
    if offset > 0:
        links.append(link("previous", max(offset - count, 0)))
    return links
