"""FHIR search parameters of a request, parsed and checked against the registry."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fhirtrial.errors import BadRequest
from fhirtrial.resources.dates import parse_range
from fhirtrial.resources.extract import fold, normalize_reference
from fhirtrial.resources.geo import parse_near
from fhirtrial.resources.registry import (
    COMMON_SEARCH_PARAMS,
    CONTROL_PARAMS,
    ResourceType,
    SearchParameter,
)

DATE_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap")
_MODIFIERS = {
    "token": {"", "not", "missing", "text"},
    "string": {"", "exact", "contains", "missing"},
    "reference": {"", "missing", "identifier"},
    "uri": {"", "below", "missing"},
    "date": {"", "missing"},
    "special": {""},
}


@dataclass(frozen=True)
class DateBound:
    prefix: str
    lo: datetime
    hi: datetime


@dataclass(frozen=True)
class Criterion:
    """One `name[:modifier]=v1,v2` pair: values are OR-ed; criteria are AND-ed."""

    param: SearchParameter
    modifier: str
    # Encoded for the store: strings, DateBounds (date parameters, _lastUpdated), or one boolean
    # for :missing; the parameter's type and the modifier tell which.
    values: tuple[Any, ...]


# Limits on what a search may ask, so that no request is a 500 or an unbounded query: the
# parameters together (a larger query document is refused by the database), a value matched as a
# pattern (`:contains`, `:below`: the database compiles it), and `_offset` (skipped as a 64-bit
# integer).
MAX_PARAMETERS_LENGTH = 64 * 1024
MAX_PATTERN_LENGTH = 256
MAX_OFFSET = 2**53
# How many reference hops one chained parameter or `_has` may take
# (`ResearchSubject?study.site.name=x` is two).
MAX_JOIN_DEPTH = 3

# The spec's `_` parameters that filter what a search matches: one of these we do not support is
# never ignored without `Prefer: handling=lenient` (results would silently widen). Any other
# unknown `_` parameter controls the answer, not the matches (fhirpy's `_totalMethod`): it is
# ignored, and reported, unless `Prefer: handling=strict` (R5 search.html: servers SHOULD ignore
# unknown parameters).
FILTERING_SPECIAL_PARAMS = frozenset(
    {
        *("_content", "_filter", "_has", "_in", "_language", "_list", "_profile", "_query"),
        *("_security", "_source", "_tag", "_text", "_type"),
    }
)


@dataclass(frozen=True)
class Include:
    source_type: str
    param: SearchParameter
    target_type: str | None
    reverse: bool


@dataclass(frozen=True)
class Join:
    """A criterion on other resources, resolved by an inner search (fhirtrial.store.joins).

    Forward chaining (`study.title=x`): `param` is the searched type's reference parameter and
    each inner query searches one of its target types. Reverse chaining
    (`_has:ResearchSubject:study:status=x`): the inner query searches the referring type and
    `param` is that type's reference parameter pointing at the searched type.
    """

    reverse: bool
    param: SearchParameter
    inners: tuple["SearchQuery", ...]


@dataclass
class SearchQuery:
    resource_type: str
    criteria: list[Criterion] = field(default_factory=list)
    joins: list[Join] = field(default_factory=list)
    count: int = 20
    offset: int = 0
    sort: list[tuple[str, int]] = field(default_factory=list)  # (field, ±1)
    # `_after`: the page starts after this (order key, id) of the default order (store.keyset).
    after: tuple[int, str] | None = None
    # "" when `_total` was not given: the store counts only where it costs nothing extra.
    total: str = ""
    summary_count: bool = False
    summary: str = "false"  # _summary=true, text, data: what each match keeps
    elements: tuple[str, ...] = ()
    includes: list[Include] = field(default_factory=list)
    # `_include:iterate` and `_revinclude:iterate`: also applied to the included resources.
    iterate: list[Include] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    # The parameters as they were understood, for the self link.
    echoed: list[tuple[str, str]] = field(default_factory=list)


def parse_search(
    spec: ResourceType,
    params: list[tuple[str, str]],
    *,
    registry: dict[str, ResourceType],
    lenient: bool = False,
    strict: bool = False,
    default_count: int = 20,
    max_count: int = 1000,
    depth: int = 0,
) -> SearchQuery:
    query = SearchQuery(resource_type=spec.name, count=default_count)
    if sum(len(name) + len(value) for name, value in params) > MAX_PARAMETERS_LENGTH:
        raise BadRequest(
            f"The search parameters are longer than {MAX_PARAMETERS_LENGTH:,} characters",
            code="too-long",
        )
    for raw_name, raw_value in params:
        name, _, modifier = raw_name.partition(":")
        if name in ("_format", "_pretty"):
            continue
        if name == "_has" or "." in raw_name:
            join = _join(spec, raw_name, raw_value, registry, depth)
            if join is not None:
                query.joins.append(join)
                query.echoed.append((raw_name, raw_value))
                continue
        if name in CONTROL_PARAMS:
            _apply_control(query, spec, name, modifier, raw_value, registry, max_count)
            query.echoed.append((raw_name, raw_value))
            continue
        param = COMMON_SEARCH_PARAMS.get(name) or spec.search_params.get(name)
        if param is None:
            ignorable = name.startswith("_") and name not in FILTERING_SPECIAL_PARAMS
            if lenient or (ignorable and not strict):
                query.ignored.append(raw_name)
                continue
            raise BadRequest(
                f"Unknown search parameter '{name}' for {spec.name}. Supported: "
                + ", ".join(sorted([*COMMON_SEARCH_PARAMS, *spec.search_params])),
                code="not-supported",
            )
        if modifier not in _MODIFIERS[param.type] or (name == "_id" and modifier):
            if lenient:
                query.ignored.append(raw_name)
                continue
            raise BadRequest(
                f"Modifier ':{modifier}' is not supported for {param.type} parameter '{name}'",
                code="not-supported",
            )
        query.criteria.append(Criterion(param, modifier, _encode(param, modifier, raw_value)))
        query.echoed.append((raw_name, raw_value))
    _check_near(query)
    if query.after is not None and (query.sort or query.offset):
        raise BadRequest("_after pages the default order: it cannot go with _sort or _offset")
    return query


def _check_near(query: SearchQuery) -> None:
    near = [c for c in query.criteria if c.param.type == "special"]
    if len(near) > 1:
        raise BadRequest("near may be given once")
    by_distance = any(field == "near" for field, _ in query.sort)
    if by_distance and not near:
        raise BadRequest("_sort=near needs a near parameter")
    if near and any(field not in ("near", "_id", "lu") for field, _ in query.sort):
        raise BadRequest(
            "With near, results sort by near, _id or _lastUpdated only", code="not-supported"
        )


def _apply_control(
    query: SearchQuery,
    spec: ResourceType,
    name: str,
    modifier: str,
    value: str,
    registry: dict[str, ResourceType],
    max_count: int,
) -> None:
    if name == "_count":
        query.count = min(_non_negative_int(name, value), max_count)
    elif name == "_offset":
        # Past the end a page is empty; the cap keeps the number within what the database skips.
        query.offset = min(_non_negative_int(name, value), MAX_OFFSET)
    elif name == "_after":
        query.after = _after(value)
    elif name == "_total":
        if value not in ("none", "estimate", "accurate"):
            raise BadRequest("_total must be none, estimate or accurate")
        query.total = value
    elif name == "_summary":
        if value == "count":
            query.summary_count = True
        elif value not in ("false", "true", "text", "data"):
            raise BadRequest("_summary must be true, text, data, count or false")
        else:
            query.summary = value
    elif name == "_elements":
        query.elements = tuple(e.strip() for e in value.split(",") if e.strip())
    elif name == "_sort":
        query.sort = [_sort_key(spec, key.strip()) for key in value.split(",") if key.strip()]
    elif name in ("_include", "_revinclude"):
        if modifier not in ("", "iterate", "recurse"):
            raise BadRequest(f"Unknown modifier ':{modifier}' of {name}", code="not-supported")
        iterate = modifier in ("iterate", "recurse")  # `recurse` is R4's name for `iterate`
        include = _include(name == "_revinclude", value, iterate, spec, registry)
        (query.iterate if iterate else query.includes).append(include)


def _after(value: str) -> tuple[int, str]:
    """`<order key, hex>.<id>`, as the next links of this server carry it."""
    key, dot, rid = value.partition(".")
    try:
        position = int(key, 16)
    except ValueError:
        position = -1
    if not dot or not rid or position < 0 or not key.isalnum():
        raise BadRequest(
            f"_after must be a position from a next link of this server, got '{value}'"
        )
    return position, rid


def _non_negative_int(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a non-negative integer, got '{value}'") from None
    if number < 0:
        raise BadRequest(f"{name} must be a non-negative integer, got '{value}'")
    return number


def _sort_key(spec: ResourceType, key: str) -> tuple[str, int]:
    direction = -1 if key.startswith("-") else 1
    name = key.lstrip("-")
    if name == "_id":
        return ("_id", direction)
    if name == "_lastUpdated":
        return ("lu", direction)
    param = spec.search_params.get(name)
    if param is not None and param.type == "special":
        return (param.name, direction)  # by distance: fhirtrial.store.near
    if param is None or param.type not in ("string", "token", "date", "uri"):
        raise BadRequest(f"Cannot sort {spec.name} by '{name}'", code="not-supported")
    if param.stored_at:
        return (param.stored_at, direction)
    field = f"{param.field}.lo" if param.type == "date" else param.field
    return (field, direction)


def _include(
    reverse: bool, value: str, iterate: bool, spec: ResourceType, registry: dict[str, ResourceType]
) -> Include:
    parts = value.split(":")
    if len(parts) < 2:
        raise BadRequest(f"_include/_revinclude must be Type:param[:target], got '{value}'")
    source, pname = parts[0], parts[1]
    target = parts[2] if len(parts) > 2 else None
    source_spec = registry.get(source)
    if source_spec is None:
        raise BadRequest(f"Unknown resource type '{source}' in '{value}'", code="not-supported")
    param = source_spec.search_params.get(pname)
    if param is None or param.type != "reference":
        raise BadRequest(f"'{pname}' is not a reference parameter of {source}")
    if not reverse and not iterate and source != spec.name:
        raise BadRequest(f"_include must start with the searched type {spec.name}")
    if target is not None and target not in registry:
        raise BadRequest(f"Unknown resource type '{target}' in '{value}'", code="not-supported")
    return Include(source, param, target, reverse)


def _join(
    spec: ResourceType,
    raw_name: str,
    value: str,
    registry: dict[str, ResourceType],
    depth: int,
) -> Join | None:
    """A chained parameter or `_has`; None for a name that is neither (a dotted name that
    is not a reference parameter is left to the unknown-parameter check)."""
    if depth >= MAX_JOIN_DEPTH:
        raise BadRequest(
            f"'{raw_name}' chains more than {MAX_JOIN_DEPTH} references", code="too-costly"
        )
    if raw_name.startswith("_has:"):
        return _reverse_join(spec, raw_name, value, registry, depth)
    head, _, tail = raw_name.partition(".")
    pname, _, target = head.partition(":")
    param = spec.search_params.get(pname)
    if param is None or param.type != "reference" or not tail:
        if raw_name.startswith("_"):
            return None
        raise BadRequest(
            f"'{pname}' in '{raw_name}' is not a reference parameter of {spec.name}: only "
            "reference parameters can be chained",
            code="not-supported",
        )
    if target and target not in param.targets and param.targets:
        raise BadRequest(f"{spec.name}.{pname} does not refer to {target}", code="not-supported")
    candidates = [target] if target else [t for t in param.targets if t in registry]
    if not candidates or any(t not in registry for t in candidates):
        raise BadRequest(
            f"Chaining '{raw_name}' needs a served target type (e.g. {pname}:Type.{tail})",
            code="not-supported",
        )
    inners, first_error = [], None
    for name in candidates:
        try:
            inners.append(_inner(registry[name], tail, value, registry, depth))
        except BadRequest as error:  # the chained parameter may exist on some targets only
            first_error = first_error or error
    if not inners:
        assert first_error is not None
        raise first_error
    return Join(False, param, tuple(inners))


def _reverse_join(
    spec: ResourceType,
    raw_name: str,
    value: str,
    registry: dict[str, ResourceType],
    depth: int,
) -> Join:
    parts = raw_name.split(":", 3)
    if len(parts) < 4 or not all(parts[1:]):
        raise BadRequest(f"_has must be _has:Type:reference:parameter, got '{raw_name}'")
    _, source, pname, rest = parts
    source_spec = registry.get(source)
    if source_spec is None:
        raise BadRequest(f"Unknown resource type '{source}' in '{raw_name}'", code="not-supported")
    param = source_spec.search_params.get(pname)
    if param is None or param.type != "reference":
        raise BadRequest(
            f"'{pname}' in '{raw_name}' is not a reference parameter of {source}",
            code="not-supported",
        )
    if param.targets and spec.name not in param.targets:
        raise BadRequest(f"{source}.{pname} does not refer to {spec.name}", code="not-supported")
    return Join(True, param, (_inner(source_spec, rest, value, registry, depth),))


def _inner(
    spec: ResourceType, name: str, value: str, registry: dict[str, ResourceType], depth: int
) -> "SearchQuery":
    if name.partition(":")[0] in CONTROL_PARAMS:
        raise BadRequest(f"'{name}' cannot be chained: it is not a search parameter")
    return parse_search(spec, [(name, value)], registry=registry, depth=depth + 1)


def _encode(param: SearchParameter, modifier: str, raw: str) -> tuple[Any, ...]:
    if modifier == "missing":
        if raw not in ("true", "false"):
            raise BadRequest(f":missing takes true or false, got '{raw}'")
        return (raw == "true",)
    values = [v.replace("\\,", ",") for v in _split_commas(raw)]
    if not values or any(v == "" for v in values):
        raise BadRequest(f"Empty value for search parameter '{param.name}'")
    if modifier in ("contains", "below") and any(len(v) > MAX_PATTERN_LENGTH for v in values):
        raise BadRequest(
            f"A ':{modifier}' value of '{param.name}' is longer than "
            f"{MAX_PATTERN_LENGTH} characters",
            code="too-long",
        )
    if param.name == "_id":
        return tuple(values)
    if param.type == "token" and modifier == "text":
        return tuple(fold(v) for v in values)
    if param.type == "token":
        return tuple(_encode_token(v) for v in values)
    if param.type == "string":
        return tuple(v if modifier == "exact" else fold(v) for v in values)
    if param.type == "reference" and modifier == "identifier":
        return tuple(_encode_token(v) for v in values)
    if param.type == "reference":
        return tuple(normalize_reference(v) or v for v in values)
    if param.type == "uri":
        return tuple(values)
    if param.type == "date":
        return tuple(_encode_date(param.name, v) for v in values)
    if param.type == "special":
        if len(values) > 1:
            raise BadRequest("near takes one position (no comma-separated alternatives)")
        return (parse_near(values[0]),)
    raise BadRequest(f"Unsupported search parameter type {param.type}")


def _split_commas(raw: str) -> list[str]:
    out, current, escaped = [], "", False
    for ch in raw:
        if escaped:
            current += ch
            escaped = False
        elif ch == "\\":
            current += ch
            escaped = True
        elif ch == ",":
            out.append(current)
            current = ""
        else:
            current += ch
    out.append(current)
    return out


def _encode_token(value: str) -> str:
    if "|" not in value:
        return f"c:{value}"
    system, _, code = value.partition("|")
    if not system:
        return f"n:{code}"
    if not code:
        return f"s:{system}"
    return f"sc:{system}|{code}"


def _encode_date(name: str, value: str) -> DateBound:
    prefix = value[:2] if value[:2] in DATE_PREFIXES else "eq"
    text = value[2:] if value[:2] in DATE_PREFIXES else value
    bounds = parse_range(text)
    if bounds is None:
        raise BadRequest(f"Invalid date '{text}' for search parameter '{name}'")
    return DateBound(prefix, bounds[0], bounds[1])
