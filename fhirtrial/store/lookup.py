"""Finding documents by a list of values (`$in`) in pieces the database handles quickly.

SecantusDB finds each value of an `$in` through the index, then tests every document it fetched
against the whole list again, one value after another: the cost grows with matches × list length.
Pieces of about 30–40 values were the fastest (measured: bench/README.md, "Figures behind
choices in the code"). On mongod the pieces cost one round trip each.
"""

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any, TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession

from fhirtrial.store.database import MongoCollection

IN_PIECE = 32

T = TypeVar("T")


def pieces(values: Iterable[T], size: int = IN_PIECE) -> Iterable[list[T]]:
    """The values in lists of at most `size`, in their order."""
    piece: list[T] = []
    for value in values:
        piece.append(value)
        if len(piece) == size:
            yield piece
            piece = []
    if piece:
        yield piece


async def find_in(
    collection: MongoCollection,
    field: str,
    values: Iterable[Any],
    projection: dict[str, Any] | None = None,
    *,
    session: AsyncClientSession | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Every document whose `field` equals (or, for an array, holds) one of `values`.

    A document matching values of two pieces comes once per piece; callers that collect by
    `_id` keep one."""
    for piece in pieces(values):
        async for doc in collection.find({field: {"$in": piece}}, projection, session=session):
            yield doc


async def find_all_in(
    collection: MongoCollection,
    field: str,
    values: Iterable[Any],
    projection: dict[str, Any] | None = None,
    *,
    at_once: int = 4,
) -> list[dict[str, Any]]:
    """What `find_in` finds, with up to `at_once` pieces asked at a time (no session: one
    session's operations may not overlap), in the order of the pieces.

    While the database finds one piece the driver decodes another: the two processes work side
    by side (an `_include` of a page with hundreds of targets)."""
    gate = asyncio.Semaphore(at_once)

    async def piece_of(values: list[Any]) -> list[dict[str, Any]]:
        async with gate:
            return await collection.find({field: {"$in": values}}, projection).to_list(None)

    found = await asyncio.gather(*(piece_of(piece) for piece in pieces(values)))
    return [doc for piece in found for doc in piece]
