"""One interaction described as a Bundle entry's `request` (method, url, resource, the
conditional headers) and performed on a repository: what a batch or transaction entry runs, and
what the REST conditional update and delete run too.

Each method has one handler in `ENTRY_HANDLERS` (PATCH: `api.patched`, as the REST PATCH).
Every handler authorises its interaction as
the REST layer does for the same request on its own (SMART scopes, the launch patient's
compartment) and writes through the `Repository`, which validates.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.requests import Request

from fhirtrial.api import bundles
from fhirtrial.api.context import base_url, context
from fhirtrial.api.headers import etag_version
from fhirtrial.api.limits import search_admission
from fhirtrial.api.patched import patch_stored
from fhirtrial.api.smart import guards
from fhirtrial.api.smart.authority import authority
from fhirtrial.auth.policy import authorize
from fhirtrial.auth.principal import principal
from fhirtrial.errors import (
    BadRequest,
    Conflict,
    Gone,
    MethodNotAllowed,
    NotFound,
    PreconditionFailed,
)
from fhirtrial.resources.patching import bundle_patch
from fhirtrial.resources.registry import READ_ONLY_TYPES, RESOURCE_TYPES, ResourceType
from fhirtrial.resources.search_query import SearchQuery, parse_search
from fhirtrial.resources.summary import read_subsetting, subsetted
from fhirtrial.resources.validation import FHIR_ID, check_id
from fhirtrial.store.documents import Stored
from fhirtrial.store.repository import Repository

METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")


@dataclass
class Entry:
    """The request of one entry, parsed; `index` is its position in the Bundle."""

    index: int
    method: str
    resource_type: str
    rid: str | None = None
    version: str | None = None
    params: list[tuple[str, str]] = field(default_factory=list)
    resource: dict[str, Any] | None = None
    full_url: str | None = None
    if_match: int | None = None
    if_none_match: str | None = None
    if_none_exist: str | None = None

    @property
    def spec(self) -> ResourceType:
        return RESOURCE_TYPES[self.resource_type]

    @property
    def conditional(self) -> bool:
        """A PUT or DELETE addressed by a search (`Patient?identifier=…`), not by id."""
        return self.rid is None and self.method in ("PUT", "DELETE")


@dataclass
class EntryOutcome:
    """What an entry did: its status and, as the case may be, the resource version it stored
    or read, a searchset, or an OperationOutcome."""

    status: int
    stored: Stored | None = None
    body: dict[str, Any] | None = None
    # The version this entry wrote as (type, id, version); None when it wrote nothing
    # (unchanged, found by If-None-Exist, already deleted, or a read).
    written: tuple[str, str, int] | None = None


@dataclass
class EntryContext:
    """What a handler works with: the HTTP request (caller, settings, Prefer) and the repository
    (inside a transaction, one bound to its session)."""

    request: Request
    repository: Repository


Handler = Callable[[EntryContext, Entry], Awaitable[EntryOutcome]]


def parse_url(index: int, method: str, url: str, base: str) -> Entry:
    """`request.url` of an entry: relative (`Patient/1`, `Patient?name=x`) or absolute on this
    server's base."""
    if method not in METHODS:
        raise BadRequest(f"request.method '{method[:20]}' is not an HTTP verb")
    if url.startswith(base + "/"):
        url = url[len(base) + 1 :]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        raise BadRequest(f"request.url '{url[:200]}' is not on this server")
    path = [p for p in parts.path.split("/") if p]
    if not path:
        raise BadRequest("request.url names no resource type")
    resource_type = path[0]
    if resource_type not in RESOURCE_TYPES:
        raise NotFound(f"Resource type '{resource_type}' is not supported by this server")
    entry = Entry(
        index, method, resource_type, params=parse_qsl(parts.query, keep_blank_values=True)
    )
    rest = path[1:]
    if len(rest) == 1 and not rest[0].startswith(("$", "_")):
        entry.rid = rest[0]
    elif len(rest) == 3 and rest[1] == "_history" and method in ("GET", "HEAD"):
        entry.rid, entry.version = rest[0], rest[2]
    elif rest:
        raise BadRequest(
            f"request.url '{url[:200]}' is not an interaction a Bundle entry can carry here "
            "(read, vread, search, create, update, delete)",
            code="not-supported",
        )
    if entry.rid is not None and method == "POST":
        raise BadRequest(
            f"request.url '{url[:200]}': a POST creates on the type ({resource_type}), "
            "the server assigns the id"
        )
    if entry.rid is not None:
        check_id(entry.rid)
    return entry


def search_query(
    request: Request,
    spec: ResourceType,
    params: list[tuple[str, str]],
    *,
    lenient: bool = False,
    strict: bool = False,
) -> SearchQuery:
    """The search `params` ask of `spec`, with the server's page sizes (also for the search
    interaction, `api.interactions.search`)."""
    settings = context(request).settings
    return parse_search(
        spec,
        params,
        registry=RESOURCE_TYPES,
        lenient=lenient,
        strict=strict,
        default_count=settings.default_page_size,
        max_count=settings.max_page_size,
    )


def condition(ctx: EntryContext, entry: Entry, params: list[tuple[str, str]]) -> SearchQuery:
    """The search of a conditional interaction; it must have criteria, and the caller the right
    to search (within the launch patient's compartment)."""
    query = search_query(ctx.request, entry.spec, params)
    if not query.criteria:
        raise BadRequest(
            f"The condition of a conditional {entry.method} on {entry.resource_type} must "
            "contain at least one search parameter"
        )
    guards.confine_search(ctx.request, query)
    return query


async def single_match(ctx: EntryContext, query: SearchQuery, what: str) -> Stored | None:
    """The one resource `query` finds, None for none; 412 for several."""
    found = await ctx.repository.matches(query, limit=2)
    if len(found) > 1:
        raise PreconditionFailed(f"{what} matches more than one {query.resource_type}")
    return found[0] if found else None


def _allow(request: Request, resource_type: str, permission: str) -> None:
    """The scope check of the authorization gate, for an interaction it did not see."""
    if authority(request).required:
        authorize(principal(request), resource_type, permission)


def check_writable(entry: Entry) -> None:
    if entry.resource_type in READ_ONLY_TYPES:
        raise MethodNotAllowed(
            f"{entry.resource_type} is read-only: the server records it itself", allow="GET"
        )


def _body(entry: Entry) -> dict[str, Any]:
    resource = entry.resource
    if resource is None:
        raise BadRequest(f"A {entry.method} of {entry.resource_type} needs a resource")
    found = resource.get("resourceType")
    if found != entry.resource_type:
        what = found or "JSON object without resourceType"
        raise BadRequest(f"The resource is a {what}, but the URL is for {entry.resource_type}")
    return resource


# ---- the handlers -----------------------------------------------------------------------------


async def get(ctx: EntryContext, entry: Entry) -> EntryOutcome:
    request, repository = ctx.request, ctx.repository
    if entry.rid is None:
        return await _search(ctx, entry)
    _allow(request, entry.resource_type, "r")
    shape = read_subsetting(entry.params)
    if entry.version is not None:
        stored = await repository.vread(entry.resource_type, entry.rid, entry.version)
    else:
        stored = await repository.read(entry.resource_type, entry.rid)
    guards.confine_read(request, stored.resource)
    unchanged = entry.if_none_match is not None and entry.version is None
    if unchanged and etag_version(entry.if_none_match or "", "ifNoneMatch") == stored.version:
        return EntryOutcome(304, stored)
    return EntryOutcome(200, stored, subsetted(stored.resource, *shape))


async def _search(ctx: EntryContext, entry: Entry) -> EntryOutcome:
    request = ctx.request
    query = search_query(request, entry.spec, entry.params)
    guards.confine_search(request, query)
    settings = context(request).settings
    async with search_admission(request).admitted():
        result = await ctx.repository.search(query, include_limit=settings.max_included)
    bundle = bundles.searchset(
        base_url(request),
        entry.resource_type,
        result,
        params=query.echoed,
        count=query.count,
        offset=query.offset,
        elements=query.elements,
        summary=query.summary,
        summary_count=query.summary_count,
    )
    return EntryOutcome(200, body=bundle)


async def post(ctx: EntryContext, entry: Entry, rid: str | None = None) -> EntryOutcome:
    """A create; `rid` is the id a transaction chose for it (references were rewritten to it)."""
    check_writable(entry)
    body = _body(entry)
    await guards.confine_write(ctx.request, entry.resource_type, "c", body=body)
    query = None
    if entry.if_none_exist is not None:
        params = parse_qsl(entry.if_none_exist.lstrip("?"), keep_blank_values=True)
        query = condition(ctx, entry, params)
    result = await ctx.repository.create(body, if_none_exist=query, rid=rid)
    if rid is not None and result.stored.id != rid:
        # A concurrent request created a match after this transaction looked.
        raise PreconditionFailed(
            f"If-None-Exist '{entry.if_none_exist}' found a {entry.resource_type} created "
            "concurrently; send the transaction again"
        )
    return _written(entry, result.stored, result.created, wrote=result.created)


@dataclass(frozen=True)
class Target:
    """What a conditional update writes: the resource the condition matched (`exists`), or the
    id of the resource it creates."""

    rid: str
    exists: bool


async def put(ctx: EntryContext, entry: Entry, target: Target | None = None) -> EntryOutcome:
    """An update by id, or a conditional update (`target`: what a transaction resolved it to
    before writing anything; resolved here otherwise)."""
    check_writable(entry)
    body = _body(entry)
    if entry.conditional:
        planned = target is not None
        target = target or await conditional_target(ctx, entry)
        if not target.exists and "id" not in body:
            outcome = await _create_unless_matched(ctx, entry, target.rid)
            if outcome is not None or planned:
                if outcome is None:
                    raise PreconditionFailed(
                        f"The conditional update '{_criteria(entry)}' found a "
                        f"{entry.resource_type} created concurrently; send the transaction again"
                    )
                return outcome
            target = await conditional_target(ctx, entry)  # the match created meanwhile
        rid = target.rid
    else:
        assert entry.rid is not None
        rid = entry.rid
        if "id" not in body:
            raise BadRequest(f"The resource in a PUT must carry its id ({entry.rid})")
    if body.get("id", rid) != rid:
        raise BadRequest(f"The resource id '{body['id']}' does not match the URL id '{rid}'")
    await guards.confine_write(ctx.request, entry.resource_type, "u", body=body, rid=rid)
    result = await ctx.repository.update(
        entry.resource_type, rid, {**body, "id": rid}, if_match=entry.if_match
    )
    return _written(entry, result.stored, result.created, wrote=result.changed)


async def _create_unless_matched(ctx: EntryContext, entry: Entry, rid: str) -> EntryOutcome | None:
    """The create of a conditional update that matched nothing, guarded like a conditional
    create: of concurrent identical requests one creates, the others update what it created.
    None when a concurrent request created a match first."""
    body = _body(entry)
    await guards.confine_write(ctx.request, entry.resource_type, "u", body=body)
    if entry.if_match is not None:
        raise PreconditionFailed(
            f"If-Match expected version {entry.if_match}, but the conditional update "
            f"'{_criteria(entry)}' matches no {entry.resource_type}"
        )
    query = condition(ctx, entry, entry.params)
    result = await ctx.repository.create(body, if_none_exist=query, rid=rid)
    if result.stored.id != rid:
        return None
    return _written(entry, result.stored, True, wrote=True)


async def conditional_target(ctx: EntryContext, entry: Entry) -> Target:
    """What a conditional update writes (R5 http.html#cond-update): the one match; with no
    match, the resource's own id if it names one that does not exist (409 if it does), else a
    new one; 412 for several matches."""
    query = condition(ctx, entry, entry.params)
    match = await single_match(ctx, query, f"The conditional update '{_criteria(entry)}'")
    body = _body(entry)
    own = body.get("id")
    if match is not None:
        if own is not None and own != match.id:
            raise BadRequest(
                f"The resource id '{own}' is not the id of the resource the condition "
                f"matches ({entry.resource_type}/{match.id})"
            )
        return Target(match.id, exists=True)
    if own is None:
        return Target(str(uuid.uuid4()), exists=False)
    if not isinstance(own, str) or not FHIR_ID.fullmatch(own):
        raise BadRequest(f"'{str(own)[:80]}' is not a FHIR id")
    try:
        await ctx.repository.read(entry.resource_type, own)
    except (NotFound, Gone):
        return Target(own, exists=False)
    raise Conflict(
        f"The conditional update '{_criteria(entry)}' matches no {entry.resource_type}, but "
        f"{entry.resource_type}/{own}, the resource's id, exists and does not match it"
    )


async def delete(ctx: EntryContext, entry: Entry) -> EntryOutcome:
    check_writable(entry)
    if entry.conditional:
        return await _conditional_delete(ctx, entry)
    assert entry.rid is not None
    await guards.confine_write(ctx.request, entry.resource_type, "d", rid=entry.rid)
    return await _delete(ctx, entry, entry.rid)


async def _conditional_delete(ctx: EntryContext, entry: Entry) -> EntryOutcome:
    """Single conditional delete: no match deletes nothing (204), several are 412."""
    query = condition(ctx, entry, entry.params)
    match = await single_match(ctx, query, f"The conditional delete '{_criteria(entry)}'")
    if match is None:
        return EntryOutcome(204)
    await guards.confine_write(ctx.request, entry.resource_type, "d", rid=match.id)
    return await _delete(ctx, entry, match.id)


async def _delete(ctx: EntryContext, entry: Entry, rid: str) -> EntryOutcome:
    version = await ctx.repository.delete(entry.resource_type, rid)
    written = None if version is None else (entry.resource_type, rid, version)
    return EntryOutcome(204, written=written)


def _written(entry: Entry, stored: Stored, created: bool, *, wrote: bool) -> EntryOutcome:
    written = (entry.resource_type, stored.id, stored.version) if wrote else None
    return EntryOutcome(201 if created else 200, stored, stored.resource, written=written)


async def patch(ctx: EntryContext, entry: Entry) -> EntryOutcome:
    """A patch by id: its resource is the patch (`resources.patching.bundle_patch`)."""
    check_writable(entry)
    if entry.rid is None:
        raise BadRequest("A PATCH entry names the resource it patches: [type]/[id]")
    document, media_type = bundle_patch(entry.resource)
    result = await patch_stored(
        ctx.request,
        ctx.repository,
        entry.resource_type,
        entry.rid,
        document,
        media_type,
        if_match=entry.if_match,
    )
    return _written(entry, result.stored, result.created, wrote=result.changed)


def _criteria(entry: Entry) -> str:
    return urlencode(entry.params)


ENTRY_HANDLERS: dict[str, Handler] = {
    "GET": get,
    "HEAD": get,
    "POST": post,
    "PUT": put,
    "DELETE": delete,
    "PATCH": patch,
}


async def perform(ctx: EntryContext, entry: Entry) -> EntryOutcome:
    return await ENTRY_HANDLERS[entry.method](ctx, entry)
