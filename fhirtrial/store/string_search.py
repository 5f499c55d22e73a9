"""A page of a single-parameter string search, read through the string rows (store.string_rows)
in the default order (`o`, `_id`), on SecantusDB (docs/adr/0025).

The rows are small and their fields are not arrays, so SecantusDB reads them by index ranges:
- by order key (`po`): the rows of the parameter in a range of `o`, their value tested on the
  row, range after range as store.keyset reads documents, until the page is full. This costs
  about page ÷ selectivity rows: cheap for a common prefix ("a study"), the whole parameter
  for a rare one;
- by value (`pv`): every row whose value starts with the prefix, whatever its order key. This
  costs the number of matches: cheap for a rare prefix ("metronomic"), large for a common one.
A prefix search reads by order key until it has read about 2·√(size × page) rows' worth of the
order-key space, then reads the rest of the space by value: neither way costs more than a few
thousand small rows, whatever the selectivity. `:exact` reads by value (the folded value is the
row's); `:contains` can only read by order key.

A process may keep a parameter's values itself (store.string_values, docs/adr/0031): a
`:contains` then tests them in memory instead of reading every row (`kept_candidates`), and so
does a token's `:text` (a prefix of any word of its display texts), which rows cannot serve.

Rows are candidates: each match is checked against its document (the `t` keys and `s` values
the old query tested), so a row a write left behind is never a result.
"""

import heapq
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from fhirtrial.resources.extract import fold
from fhirtrial.resources.registry import SearchParameter
from fhirtrial.resources.search_query import SearchQuery
from fhirtrial.store.database import MongoCollection
from fhirtrial.store.keyset import Position, first_width, next_width, position
from fhirtrial.store.lookup import find_in
from fhirtrial.store.search_keys import (
    ORDER,
    ORDER_SPACE,
    SHARED_STRING_KEYS,
    TEXT_KEYS,
    string_key,
    string_search_keys,
    token_text_search_keys,
)
from fhirtrial.store.string_rows import ORDERED, ROW_ID, TEXTS_SEPARATOR, VALUE, ordered_key
from fhirtrial.store.string_values import Kept

MODIFIERS = ("", "exact", "contains")
# Sorts after every character a folded string can contain: the upper end of a prefix range.
_PREFIX_END = "\U0010ffff"
_ROW_FIELDS = {"_id": 0, ORDER: 1, ROW_ID: 1}


@dataclass(frozen=True)
class StringSearch:
    """One string criterion: values as parsed (folded, except for `:exact`), OR-ed."""

    param: SearchParameter
    modifier: str
    values: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The parameters whose rows hold its values (`address` shares its parts' rows; a
        token's texts are `<param>:text`)."""
        if self.modifier == "text":
            return (f"{self.param.name}:text",)
        return (self.param.name, *SHARED_STRING_KEYS.get(self.param.name, ()))

    def prefixes(self) -> list[str]:
        if self.modifier == "text":
            return token_text_search_keys(self.param, self.values)
        return string_search_keys(self.param, self.values)

    @property
    def needles(self) -> tuple[str, ...]:
        """What a kept value (store.string_values) holds when it matches: a `:contains` value
        anywhere, a `:text` one at the start of a text from a word on."""
        if self.modifier == "text":
            return tuple(TEXTS_SEPARATOR + v for v in self.values)
        return self.values

    def exact_keys(self) -> list[str]:
        return [string_key(name, fold(v)) for name in self.names for v in self.values]

    def row_filters(self, low: int, high: int) -> list[dict[str, Any]]:
        """The row filters of the order-key range [low, high): the range first, so that
        SecantusDB reads it from the `po` index and tests the value on those rows only."""
        if self.modifier == "contains":
            tests = [
                (name, {"$regex": f"^{re.escape(name)}~.*{re.escape(v)}"})
                for name in self.names
                for v in self.values
            ]
        else:
            tests = [
                (key.partition("~")[0], {"$gte": key, "$lt": key + _PREFIX_END})
                for key in self.prefixes()
            ]
        return [
            {ORDERED: {"$gte": ordered_key(name, low), "$lt": ordered_key(name, high)}, VALUE: test}
            for name, test in tests
        ]

    def value_filters(self) -> list[dict[str, Any]]:
        """The row filters that find every candidate by value (`pv` index)."""
        if self.modifier == "exact":
            return [{VALUE: key} for key in dict.fromkeys(self.exact_keys())]
        return [{VALUE: {"$gte": key, "$lt": key + _PREFIX_END}} for key in self.prefixes()]

    def projection(self) -> dict[str, Any]:
        if self.modifier == "exact":
            return {f"s.{self.param.name}:exact": 1}
        if self.modifier == "contains":
            return {f"s.{self.param.name}": 1}
        return {TEXT_KEYS: 1}

    def matches(self, doc: dict[str, Any]) -> bool:
        """Whether a current document matches (what the filter of store.query tests)."""
        if doc.get("del"):
            return False
        values = doc.get("s") or {}
        if self.modifier == "exact":
            held = values.get(f"{self.param.name}:exact") or []
            return any(v in held for v in self.values)
        if self.modifier == "contains":
            texts = values.get(self.param.name) or []
            return any(v in text for text in texts for v in self.values)
        prefixes = self.prefixes()
        return any(key.startswith(p) for key in doc.get(TEXT_KEYS) or [] for p in prefixes)


def string_search_of(query: SearchQuery) -> StringSearch | None:
    """The string criterion (or token `:text`) of a search made of that one criterion, None for
    any other."""
    if query.joins or len(query.criteria) != 1:
        return None
    criterion = query.criteria[0]
    param = criterion.param
    if param.type == "token" and criterion.modifier == "text":
        return StringSearch(param, "text", tuple(criterion.values))
    if param.type != "string" or param.stored_at or criterion.modifier not in MODIFIERS:
        return None
    return StringSearch(param, criterion.modifier, tuple(criterion.values))


async def string_page(
    strings: MongoCollection,
    current: MongoCollection,
    search: StringSearch,
    *,
    after: Position | None,
    count: int,
    size_estimate: int,
    kept: list[Kept] | None = None,
    session: AsyncClientSession | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """The first `count` matching current documents (with `res` and `o`) after `after` in the
    default order, and whether more follow; `kept`: for a `:contains` or `:text`, the values of
    its parameters this process keeps, tested instead of the rows (a `:text` has no other way
    here)."""
    if kept is None and search.modifier == "text":
        raise ValueError("a :text search reads only kept texts: its rows hold no index of them")
    need = count + 1
    wanted = need
    while True:
        if kept is not None:
            candidates, complete = kept_candidates(kept, search, after, wanted)
        else:
            candidates, complete = await _candidates(
                strings, search, after, wanted, size_estimate, session
            )
        head = candidates[:wanted]
        fields = {"res": 1, ORDER: 1, "del": 1, **search.projection()}
        docs = {
            doc["_id"]: doc
            async for doc in find_in(
                current, "_id", [rid for _, rid in head], fields, session=session
            )
        }
        matched = [docs[rid] for _, rid in head if rid in docs and search.matches(docs[rid])]
        if len(matched) >= need or (complete and len(head) == len(candidates)):
            matched.sort(key=position)
            return matched[:count], len(matched) > count
        # Rows a write left behind took places on the page: read further.
        wanted += max(need, 2 * (len(head) - len(matched)))


def kept_candidates(
    kept: list[Kept], search: StringSearch, after: Position | None, wanted: int
) -> tuple[list[Position], bool]:
    """The first `wanted` candidate positions of a `:contains` or `:text` after `after`, in
    order, from the values of its parameters kept in memory, and whether they are all there
    are."""
    hits: Iterable[Position]
    needles = search.needles
    if len(kept) == 1:
        hits = _contained(kept[0], needles, after)
    else:  # parameters sharing a search (`address`): a resource may hold the value in several
        hits = {at for held in kept for at in _contained(held, needles, after)}
    first = heapq.nsmallest(wanted + 1, hits)
    return first[:wanted], len(first) <= wanted


def _contained(held: Kept, values: tuple[str, ...], after: Position | None) -> Iterator[Position]:
    if len(values) == 1:  # one test per text instead of a generator: 3 ms, not 9, at 30,000
        value = values[0]
        found = ((order, rid) for rid, (order, text) in held.items() if value in text)
    else:
        found = (
            (order, rid) for rid, (order, text) in held.items() if any(v in text for v in values)
        )
    return found if after is None else (at for at in found if at > after)


async def _candidates(
    strings: MongoCollection,
    search: StringSearch,
    after: Position | None,
    wanted: int,
    size_estimate: int,
    session: AsyncClientSession | None,
) -> tuple[list[Position], bool]:
    """At least `wanted` candidate positions after `after`, in order (fewer when there are no
    more), and whether they are all there are."""
    start = after[0] if after is not None else 0
    found: dict[str, int] = {}

    def add(row: dict[str, Any], low: int) -> None:
        at = (row[ORDER], row[ROW_ID])
        if row[ORDER] >= low and (after is None or at > after):
            found[row[ROW_ID]] = row[ORDER]

    low = start
    if search.modifier != "exact":
        # A prefix reads by value past this point (a rare prefix: its rows by value cost less
        # than more ranges); `:contains` reads every range it needs.
        end = ORDER_SPACE
        if search.modifier == "":
            end = min(ORDER_SPACE, start + _order_budget(wanted, size_estimate))
        width = first_width(wanted, size_estimate)
        while low < end and len(found) < wanted:
            high = min(end, low + width)
            before = len(found)
            for flt in search.row_filters(low, high):
                async for row in strings.find(flt, _ROW_FIELDS, session=session):
                    add(row, low)
            low = high
            width = next_width(width, len(found) - before, wanted - len(found))
    if low < ORDER_SPACE and len(found) < wanted:
        for flt in search.value_filters():
            async for row in strings.find(flt, _ROW_FIELDS, session=session):
                add(row, low)
        low = ORDER_SPACE
    ordered = sorted((o, rid) for rid, o in found.items())
    return ordered, low >= ORDER_SPACE


def _order_budget(wanted: int, size_estimate: int) -> int:
    """How much of the order-key space a prefix search reads by ranges before it reads by
    value: about 2·√(size × wanted) resources' worth."""
    if size_estimate <= 0:
        return ORDER_SPACE
    rows = 2 * math.isqrt(size_estimate * wanted)
    return max(1, ORDER_SPACE * rows // size_estimate)
