"""Where a study record read from files came from (named in errors and in import reports)."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceOrigin:
    """Where a record came from: a file, and its line (ndjson) or position in an array."""

    path: Path
    line: int | None = None
    index: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        if self.index is not None:
            where += f" [record {self.index}]"
        return where
