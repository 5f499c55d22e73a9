"""Finding documents by a list of values (`$in`) in pieces the database handles quickly.

SecantusDB finds each value of an `$in` through the index, then tests every document it fetched
against the whole list again, one value after another: the cost grows with matches × list length.
Pieces of about 30–40 values were the fastest (measured: bench/README.md, "Figures behind
choices in the code"). On mongod the pieces cost one round trip each.
"""

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
