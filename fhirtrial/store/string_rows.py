"""The string rows of a type: one small document per string value of a current resource, kept in
`<Type>_strings` on SecantusDB so that a string search is an index range (docs/adr/0025).

SecantusDB cannot use an index for a range inside an array (the `t` keys of a document), so a
string prefix search read the documents of whole ranges of the order key. A row holds one value
in fields that are not arrays:
    {_id: "<id>\\x1f<version>\\x1f<key>", r: <id>, o: <order key>,
     pv: "<param>~<folded value>", po: "<param>~<order key, 13 hex digits>"}
`pv` (the `t` key itself) has an index: a prefix is one range of it. `po` has one: the rows of one
parameter in a range of the order key are one range of it, read in the default order
(fhirtrial.store.string_search).

A resource whose token values have display texts has one more row, of them all:
    {_id: "<id>\\x1f<version>\\x1f:text", r, o, po: ":text~<order key>",
     tx: {"<param>:text": "<its `:text` keys' texts, joined>", …}}
not for an index range of its texts (a `:text` prefix may start at any word, and `pv` is left
out) but so that a process reads a parameter's texts in one range of `po` and keeps them
(store.string_values, docs/adr/0031). One row, not one per parameter: each row costs an import
a write.

The rows are derived from the `t` keys of the current document and written after it, by every
writer of current documents (store.repository, store.batch), in its session. A row's `_id` names
the version it belongs to: the writer that supersedes a version removes that version's rows
only, so two writers racing on a resource never remove each other's rows. Rows a write left
behind (a crash between the document and its rows, or such a race) are never trusted: a search
checks each match against its document. On mongod the `t` keys have an index of their own and no
rows are kept; Locations have none either (store.database.WITHOUT_STRING_ROWS: what their rows
cost an import).
"""

from collections.abc import Iterable
from typing import Any

from pymongo import ASCENDING, DeleteOne, ReplaceOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from fhirtrial.store.search_keys import ORDER, TEXT_KEYS

STRINGS_SUFFIX = "_strings"
ROW_ID = "r"
VALUE = "pv"
ORDERED = "po"
_SEPARATOR = "\x1f"
# The key (in `_id` and `po`) of a resource's row of token texts, and its field of them.
TEXTS_ROW = ":text"
TEXTS = "tx"
# Joins the texts of one parameter (in what store.string_values keeps, and in that row).
TEXTS_SEPARATOR = "\x1f"
# 2**48 (the end of the order-key space) has 13 hex digits: every position has that many, so
# positions compare as strings the way they compare as numbers.
_ORDER_DIGITS = 13

RowWrite = DeleteOne | ReplaceOne[dict[str, Any]]
Rows = AsyncCollection[dict[str, Any]]


def string_keys(document: dict[str, Any] | None) -> list[str]:
    """The `t` keys of a current document that belong to string parameters (not the `:text`
    keys of tokens); none for a deletion or no document."""
    if document is None or document.get("del"):
        return []
    keys: list[str] = document.get(TEXT_KEYS) or []
    return list(dict.fromkeys(key for key in keys if ":" not in key.partition("~")[0]))


def token_texts(document: dict[str, Any] | None) -> dict[str, str]:
    """`<param>:text` → the texts of a current document's `:text` keys, joined; none for a
    deletion or no document."""
    if document is None or document.get("del"):
        return {}
    texts: dict[str, list[str]] = {}
    for key in document.get(TEXT_KEYS) or []:
        name, _, text = key.partition("~")
        if name.endswith(":text"):
            texts.setdefault(name, []).append(text)
    return {name: joined(found) for name, found in texts.items()}


def joined(texts: list[str]) -> str:
    """Texts in one string, each after a TEXTS_SEPARATOR (so a value found right after one
    starts a text)."""
    return "".join(TEXTS_SEPARATOR + text for text in texts)


def rows_of(rid: str, document: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a current document (with `v`, `o` and `t`)."""
    order = document.get(ORDER)
    if order is None:
        return []
    rows = [
        {
            "_id": row_id(rid, document["v"], key),
            ROW_ID: rid,
            ORDER: order,
            VALUE: key,
            ORDERED: ordered_key(key.partition("~")[0], order),
        }
        for key in string_keys(document)
    ]
    if texts := token_texts(document):
        rows.append(
            {
                "_id": row_id(rid, document["v"], TEXTS_ROW),
                ROW_ID: rid,
                ORDER: order,
                TEXTS: texts,
                ORDERED: ordered_key(TEXTS_ROW, order),
            }
        )
    return rows


def _row_keys(document: dict[str, Any]) -> list[str]:
    """The keys of the rows of a current document (in their `_id`)."""
    return [*string_keys(document), *([TEXTS_ROW] if token_texts(document) else [])]


def row_id(rid: str, version: int, key: str) -> str:
    return f"{rid}{_SEPARATOR}{version}{_SEPARATOR}{key}"


def ordered_key(name: str, order: int) -> str:
    """The `po` value of a row of parameter `name` at order key `order` (also a range bound)."""
    return f"{name}~{order:0{_ORDER_DIGITS}x}"


def row_writes(
    rid: str, superseded: dict[str, Any] | None, current: dict[str, Any] | None
) -> list[RowWrite]:
    """The writes that replace the rows of `superseded` (the version a write replaced, None for
    a create) by those of `current` (None when the resource was removed)."""
    writes: list[RowWrite] = []
    if superseded is not None:
        writes += [
            DeleteOne({"_id": row_id(rid, superseded["v"], key)}) for key in _row_keys(superseded)
        ]
    if current is not None:
        # An upsert: writing the rows of a version twice (a retried batch, an undo) is harmless.
        rows = rows_of(rid, current)
        writes += [ReplaceOne({"_id": row["_id"]}, row, upsert=True) for row in rows]
    return writes


async def write_rows(
    strings: Rows, writes: list[RowWrite], session: AsyncClientSession | None
) -> None:
    if writes:
        await strings.bulk_write(writes, ordered=False, session=session)


async def ensure_row_indexes(strings: Rows) -> None:
    await strings.create_index([(VALUE, ASCENDING)])
    await strings.create_index([(ORDERED, ASCENDING)])


async def rebuild_rows(current: Rows, strings: Rows, batch: int) -> int:
    """Replace every row of a type by those of its current documents; how many were written."""
    await strings.delete_many({})
    written = 0
    pending: list[dict[str, Any]] = []
    async for doc in current.find({"del": False}, {"v": 1, ORDER: 1, TEXT_KEYS: 1, "del": 1}):
        pending += rows_of(doc["_id"], doc)
        if len(pending) >= batch:
            written += await _insert(strings, pending)
            pending = []
    if pending:
        written += await _insert(strings, pending)
    return written


async def _insert(strings: Rows, rows: Iterable[dict[str, Any]]) -> int:
    result = await strings.insert_many(list(rows), ordered=False)
    return len(result.inserted_ids)
