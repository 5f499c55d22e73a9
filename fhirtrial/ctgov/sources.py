"""Read ClinicalTrials.gov API v2 study records from files instead of the API.

Accepted: one study JSON, an API search page `{"studies": [...]}`, a JSON array of studies,
ndjson (one study per line), or a directory of such files (searched recursively, in sorted
order, for *.json, *.ndjson and *.jsonl).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from fhirtrial.ctgov.errors import StudySourceError
from fhirtrial.ctgov.origin import SourceOrigin
from fhirtrial.ctgov.study import study_problem

STUDY_FILE_SUFFIXES = frozenset({".json", ".ndjson", ".jsonl"})
_LINE_DELIMITED_SUFFIXES = frozenset({".ndjson", ".jsonl"})
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SourceRecord:
    """One record read from a source: a study, the error that replaced it, or (ndjson read with
    `parse_lines=False`) the line's raw JSON text, left for the consumer to parse and check."""

    study: dict[str, Any] | None
    origin: SourceOrigin
    error: StudySourceError | None = None
    raw: bytes | None = None


def iter_study_files(path: Path) -> Iterator[dict[str, Any]]:
    """Every study under `path`; raises StudySourceError at the first record that is not one.

    Use `iter_source_records` to report bad records and carry on with the next one.
    """
    for record in iter_source_records(path):
        if record.error is not None:
            raise record.error
        assert record.study is not None
        yield record.study


def iter_source_records(path: Path, *, parse_lines: bool = True) -> Iterator[SourceRecord]:
    """Every record under `path`, bad ones as a SourceRecord carrying the error. With
    `parse_lines=False`, ndjson lines come back unparsed (`raw`): a bulk importer parses them in
    its worker processes (see `check_raw_record` for the same checks).

    Raises FileNotFoundError when `path` does not exist at all.
    """
    path = Path(path)
    if path.is_dir():
        for file in _study_files_in(path):
            yield from _records_in_file(file, parse_lines)
    elif path.exists():
        yield from _records_in_file(path, parse_lines)
    else:
        raise FileNotFoundError(f"no such file or directory: {path}")


def _study_files_in(directory: Path) -> list[Path]:
    return sorted(
        file
        for file in directory.rglob("*")
        if file.suffix.lower() in STUDY_FILE_SUFFIXES
        and file.is_file()
        and not any(part.startswith(".") for part in file.relative_to(directory).parts)
    )


def _records_in_file(path: Path, parse_lines: bool = True) -> Iterator[SourceRecord]:
    if path.suffix.lower() in _LINE_DELIMITED_SUFFIXES:
        try:
            with path.open("rb") as lines:
                yield from _records_in_lines(path, lines, parse_lines)
        except OSError as exc:
            yield _failure(f"cannot read file: {exc.strerror or exc}", SourceOrigin(path))
        return
    try:
        content = path.read_bytes().removeprefix(_UTF8_BOM)
    except OSError as exc:
        yield _failure(f"cannot read file: {exc.strerror or exc}", SourceOrigin(path))
        return
    try:
        document = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        if _starts_with_json_line(content):
            yield from _records_in_lines(path, content.splitlines(), parse_lines)
        else:
            origin = SourceOrigin(path, line=exc.lineno)
            yield _failure(f"not valid JSON: {exc.msg}", origin)
        return
    yield from _records_in_document(path, document)


def _records_in_document(path: Path, document: Any) -> Iterator[SourceRecord]:
    if isinstance(document, dict) and "protocolSection" not in document and "studies" in document:
        studies = document["studies"]
        if not isinstance(studies, list):
            yield _failure("'studies' is not an array", SourceOrigin(path))
            return
        for index, study in enumerate(studies):
            yield _checked(study, SourceOrigin(path, index=index))
    elif isinstance(document, list):
        for index, study in enumerate(document):
            yield _checked(study, SourceOrigin(path, index=index))
    else:
        yield _checked(document, SourceOrigin(path))


def _records_in_lines(
    path: Path, lines: Iterable[bytes], parse: bool = True
) -> Iterator[SourceRecord]:
    for line_number, line in enumerate(lines, start=1):
        if line_number == 1:
            line = line.removeprefix(_UTF8_BOM)
        if not line.strip():
            continue
        origin = SourceOrigin(path, line=line_number)
        if not parse:
            yield SourceRecord(study=None, origin=origin, raw=bytes(line))
            continue
        study, problem = check_raw_record(line)
        yield _failure(problem, origin) if problem else SourceRecord(study=study, origin=origin)


def check_raw_record(text: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """(the study, None) for one record's JSON text, or (None, why it is not a study)."""
    try:
        study = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg}"
    problem = study_problem(study)
    return (None, problem) if problem else (study, None)


def _starts_with_json_line(content: bytes) -> bool:
    """Whether a .json file that is not one JSON document is in fact ndjson."""
    first_line = next((line for line in content.splitlines() if line.strip()), b"")
    try:
        return isinstance(orjson.loads(first_line), dict)
    except orjson.JSONDecodeError:
        return False


def _checked(candidate: Any, origin: SourceOrigin) -> SourceRecord:
    problem = study_problem(candidate)
    if problem:
        return _failure(problem, origin)
    return SourceRecord(study=candidate, origin=origin)


def _failure(reason: str, origin: SourceOrigin) -> SourceRecord:
    return SourceRecord(study=None, origin=origin, error=StudySourceError(reason, origin=origin))
