"""Parsed FHIR search criteria → MongoDB filters over the search fields stored at write time.

The fields and their keys are described in fhirtrial.store.search_keys.
"""

import re
from datetime import timedelta
from typing import Any

from fhirtrial.resources.dates import shifted
from fhirtrial.resources.geo import search_cells
from fhirtrial.resources.search_query import Criterion, DateBound
from fhirtrial.store.search_keys import (
    KEYS,
    TEXT_KEYS,
    exact_search_keys,
    identifier_param,
    string_search_keys,
    token_text_search_keys,
)

LIVE = {"del": False}
# Sorts after every character a folded string can contain: the upper end of a prefix range.
_PREFIX_END = "\U0010ffff"


def mongo_filter(criteria: list[Criterion]) -> dict[str, Any]:
    """One filter for all criteria (AND). A criterion on the index keys alone needs no liveness
    test (deleted resources have no keys), and a single-predicate filter lets even simple query
    planners (SecantusDB's) use the index."""
    clauses = [_clause(c) for c in criteria]
    keyed = any(KEYS in clause or TEXT_KEYS in clause for clause in clauses)
    if not keyed:
        clauses.insert(0, LIVE)
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _clause(criterion: Criterion) -> dict[str, Any]:
    param, modifier, values = criterion.param, criterion.modifier, criterion.values
    if param.name == "_id":
        return {"_id": {"$in": list(values)}}
    field = param.field
    if modifier == "missing":
        return {field: {"$exists": not values[0]}}
    if param.stored_at:  # one instant per document (`lu`), not extracted ranges
        return _any([_point_clause(field, bound) for bound in values])
    if param.type == "special":  # near: the grid cells around; store.near keeps the circle
        return {KEYS: {"$in": exact_search_keys(param, search_cells(values[0]))}}
    if param.type == "token" and modifier == "text":
        return _any([_prefix(key) for key in token_text_search_keys(param, values)])
    if param.type == "reference" and modifier == "identifier":
        return {KEYS: {"$in": exact_search_keys(identifier_param(param), values)}}
    if param.type in ("token", "reference", "uri") and modifier in ("", "not"):
        keys = exact_search_keys(param, values)
        if modifier == "not":
            return {"$and": [LIVE, {KEYS: {"$nin": keys}}]}
        return {KEYS: {"$in": keys}}
    if param.type == "uri" and modifier == "below":
        return _any([{field: {"$regex": "^" + re.escape(v)}} for v in values])
    if param.type == "string":
        if modifier == "exact":
            return {f"{field}:exact": {"$in": list(values)}}
        if modifier == "contains":
            return _any([{field: {"$regex": re.escape(v)}} for v in values])
        return _any([_prefix(key) for key in string_search_keys(param, values)])
    if param.type == "date":
        return _any([_range_clause(field, bound) for bound in values])
    raise ValueError(f"cannot translate {param.type}:{modifier}")


def _prefix(key: str) -> dict[str, Any]:
    # $elemMatch: both bounds must hold for the same array element (index range scan on mongod).
    return {TEXT_KEYS: {"$elemMatch": {"$gte": key, "$lt": key + _PREFIX_END}}}


def _any(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


def _point_clause(field: str, b: DateBound) -> dict[str, Any]:
    """A single instant stored in `field` against a search value covering [b.lo, b.hi)."""
    conditions: dict[str, dict[str, Any]] = {
        "eq": {field: {"$gte": b.lo, "$lt": b.hi}},
        "ne": {"$or": [{field: {"$lt": b.lo}}, {field: {"$gte": b.hi}}]},
        "gt": {field: {"$gte": b.hi}},
        "sa": {field: {"$gte": b.hi}},
        "ge": {field: {"$gte": b.lo}},
        "lt": {field: {"$lt": b.lo}},
        "eb": {field: {"$lt": b.lo}},
        "le": {field: {"$lt": b.hi}},
    }
    if b.prefix == "ap":
        margin = _approximate_margin(b)
        return {field: {"$gte": shifted(b.lo, -margin), "$lt": shifted(b.hi, margin)}}
    return conditions[b.prefix]


def _range_clause(field: str, b: DateBound) -> dict[str, Any]:
    """Stored [lo, hi) ranges against a search value covering [b.lo, b.hi)."""
    if b.prefix == "ne":
        return {field: {"$not": {"$elemMatch": {"lo": {"$gte": b.lo}, "hi": {"$lte": b.hi}}}}}
    if b.prefix == "ap":
        margin = _approximate_margin(b)
        match = {"lo": {"$lt": shifted(b.hi, margin)}, "hi": {"$gt": shifted(b.lo, -margin)}}
    else:
        match = {
            "eq": {"lo": {"$gte": b.lo}, "hi": {"$lte": b.hi}},
            "gt": {"hi": {"$gt": b.hi}},
            "ge": {"hi": {"$gt": b.lo}},
            "lt": {"lo": {"$lt": b.lo}},
            "le": {"lo": {"$lt": b.hi}},
            "sa": {"lo": {"$gte": b.hi}},
            "eb": {"hi": {"$lte": b.lo}},
        }[b.prefix]
    return {field: {"$elemMatch": match}}


def _approximate_margin(b: DateBound) -> timedelta:
    # FHIR leaves "approximately" to the server: 10% of the value's own span, at least a day.
    return max((b.hi - b.lo) / 10, timedelta(days=1))
