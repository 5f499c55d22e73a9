"""System-level interactions: search over several types (`GET [base]?_type=…`,
`POST [base]/_search`) and the history of all types (`GET [base]/_history`)."""

from starlette.requests import Request
from starlette.responses import Response

from fhirtrial.api import bundles
from fhirtrial.api.audit import note_search
from fhirtrial.api.bodies import search_params
from fhirtrial.api.caps import search_outcome
from fhirtrial.api.context import base_url, context
from fhirtrial.api.headers import preferences
from fhirtrial.api.history_params import history_params
from fhirtrial.api.limits import search_admission
from fhirtrial.api.responses import check_format, fhir_response
from fhirtrial.api.smart import guards
from fhirtrial.errors import BadRequest
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.resources.search_query import SearchQuery, parse_search
from fhirtrial.store.system import check_window, history_system, search_system

_PAGING = ("_count", "_offset")


async def search(request: Request) -> Response:
    check_format(request)
    params = await search_params(request, context(request).settings.max_body_bytes)
    note_search(request, params)
    asked = _types(params)
    rest = [(k, v) for k, v in params if k != "_type"]
    sort = _sort(rest)
    types = guards.searchable_types(request, asked)
    queries = [_query(request, name, rest) for name in types]
    if any(c.param.type == "special" for q in queries for c in q.criteria):
        raise BadRequest(
            "near is searched at the type level: Location?near=…", code="not-supported"
        )
    for query in queries:
        guards.confine_search(request, query)
    first = queries[0] if queries else _query(request, "Patient", rest)
    if first.after is not None:  # positions are per type (store.keyset)
        raise BadRequest("_after pages a search of one type; across types page with _offset")
    check_window(first.offset, first.count)
    settings = context(request).settings
    async with search_admission(request).admitted():
        result = await search_system(
            context(request).repository,
            queries,
            count=0 if first.summary_count else first.count,
            offset=first.offset,
            sort=sort,
            total=first.summary_count or first.total != "none",
            include_limit=settings.max_included,
        )
    ignored = list(dict.fromkeys(name for q in queries for name in q.ignored))
    outcome = search_outcome(ignored, result.includes_truncated, settings.max_included)
    echoed = [(k, v) for k, v in params if k not in ("_format", "_pretty")]
    bundle = bundles.searchset(
        base_url(request),
        "",
        result,
        params=echoed,
        count=first.count,
        offset=first.offset,
        elements=first.elements,
        outcome=outcome,
        summary_count=first.summary_count,
    )
    return fhir_response(request, bundle)


def _types(params: list[tuple[str, str]]) -> list[str] | None:
    """The types `_type` names (one or more `_type` parameters, comma-separated), None without."""
    named = [t.strip() for k, v in params if k == "_type" for t in v.split(",")]
    if not any(k == "_type" for k, _ in params):
        return None
    unknown = [t for t in named if t not in RESOURCE_TYPES]
    if unknown or not named:
        raise BadRequest(
            f"_type names types this server does not serve: {', '.join(unknown) or '(none)'}",
            code="not-supported",
        )
    return list(dict.fromkeys(named))


def _sort(params: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """A system-level page is ordered by `_id` or `_lastUpdated`, the fields every type has."""
    fields = {"_id": "_id", "_lastUpdated": "lu"}
    sort = []
    for key in (k.strip() for name, v in params if name == "_sort" for k in v.split(",")):
        if key.lstrip("-") not in fields:
            raise BadRequest(
                f"A system-level search sorts by _id or _lastUpdated only, not '{key}'",
                code="not-supported",
            )
        sort.append((fields[key.lstrip("-")], -1 if key.startswith("-") else 1))
    return sort or [("_id", 1)]


def _query(request: Request, resource_type: str, params: list[tuple[str, str]]) -> SearchQuery:
    """The search of one type: parameters it does not define are refused (400), as the spec
    asks of parameters that are not common to every type in `_type`. An `_include` applies to
    the types it starts with."""
    spec = RESOURCE_TYPES[resource_type]
    own = [(k, v) for k, v in params if k != "_include" or v.partition(":")[0] == resource_type]
    settings = context(request).settings
    return parse_search(
        spec,
        own,
        registry=RESOURCE_TYPES,
        lenient=preferences(request).lenient,
        default_count=settings.default_page_size,
        max_count=settings.max_page_size,
    )


async def history(request: Request) -> Response:
    check_format(request)
    asked = history_params(request, type_param=lambda value: _types([("_type", value)]))
    check_window(asked.offset, asked.count)
    types = guards.searchable_types(request, asked.types)
    guards.refuse_confined_system_history(request, types)
    async with search_admission(request).admitted():
        page = await history_system(
            context(request).repository,
            types,
            since=asked.since,
            count=asked.count,
            offset=asked.offset,
        )
    bundle = bundles.history(
        base_url(request),
        "_history",
        page,
        params=asked.echoed,
        count=asked.count,
        offset=asked.offset,
    )
    return fhir_response(request, bundle)
