"""The NDJSON files of export jobs, kept in MongoDB as pieces of whole lines.

One document per piece in `export_pieces`: `{_id: "<job>/<attempt>/<file>/<seq>",
data: <bytes>}`, each piece ending with a line's newline, so a download sends the pieces as
they are, in `_id` order, and holds one piece in memory at a time. The `_id` prefix makes every
read and delete one range on the `_id` index, the one query shape the embedded database answers
from an index (GridFS asks for `files_id` and `n` together, which it answers by scanning every
chunk).
"""

from collections.abc import AsyncIterator
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

PIECES = "export_pieces"
# A piece is written once this many bytes of lines are waiting.
PIECE_BYTES = 1024 * 1024
_SEQ_DIGITS = 6
# Sorts after every character of a job id or file name (both ASCII): the end of a prefix range.
_END = "\x7f"


def _prefix_range(prefix: str) -> dict[str, Any]:
    return {"_id": {"$gte": prefix, "$lt": prefix + _END}}


class FileWriter:
    """Collects the lines of one file and writes them as pieces of about PIECE_BYTES."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], run: str, name: str) -> None:
        self._collection = db[PIECES]
        self._prefix = f"{run}/{name}/"
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._seq = 0
        self.lines = 0
        self.bytes = 0

    def add(self, line: bytes) -> bool:
        """Add one line (with its newline); True when a piece is due (call `flush`)."""
        self._buffer.append(line)
        self._buffered += len(line)
        self.lines += 1
        self.bytes += len(line)
        return self._buffered >= PIECE_BYTES

    async def flush(self) -> None:
        if not self._buffer:
            return
        data = b"".join(self._buffer)
        self._buffer, self._buffered = [], 0
        piece_id = f"{self._prefix}{self._seq:0{_SEQ_DIGITS}d}"
        self._seq += 1
        await self._collection.insert_one({"_id": piece_id, "data": data})


def run_key(job: str, attempt: int) -> str:
    """The prefix of the files one attempt at a job writes: a runner that lost the job to
    another (its lease ran out) cannot write into the files of the one that took it over."""
    return f"{job}/{attempt}"


async def read_file(db: AsyncDatabase[dict[str, Any]], run: str, name: str) -> AsyncIterator[bytes]:
    """The pieces of one file, in order."""
    # Few pieces per batch: each may be a megabyte.
    cursor = db[PIECES].find(_prefix_range(f"{run}/{name}/"), batch_size=4).sort("_id", 1)
    async for piece in cursor:
        yield bytes(piece["data"])


async def delete_files(db: AsyncDatabase[dict[str, Any]], prefix: str) -> None:
    """Delete the files of a job (`prefix` its id) or of one attempt at it (a `run_key`)."""
    await db[PIECES].delete_many(_prefix_range(f"{prefix}/"))
