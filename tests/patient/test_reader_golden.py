"""read_patient_bundle gives exactly the records it gave when golden/records.json was written.

Every field of the record (items, stages, issues, counts and the code indexes) is turned into a
canonical JSON structure; the golden file keeps one sha256 per field and bundle (the full dump of
a Synthea record is megabytes) plus a few readable spot values that make a failure legible.
Indexes are written as positions in the record's item tuples, so an index that holds a copy of an
item instead of the item itself also fails; their keys are sorted, since their insertion order
comes from a set and so from the per-process string hash seed.

Regenerate (only when a change of results is intended):
``python tests/patient/test_reader_golden.py --regenerate``
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from fhirtrial.patient.record import PatientRecord, read_patient_bundle
from tests.patient.patient_record_helpers import BUNDLE_FILES, DATA, load

GOLDEN = Path(__file__).resolve().parent / "golden" / "records.json"
# A late day keeps every recorded date; an early one exercises the "after the evaluation date"
# and "before birth"-style repairs on the same bundles.
AS_OF_DAYS = (date(2026, 6, 1), date(2012, 3, 15))

_INDEXED_BY = {
    "condition_index": "conditions",
    "observation_index": "observations",
    "medication_index": "medications",
    "procedure_index": "procedures",
    "immunization_index": "immunizations",
    "allergy_index": "allergies",
}


def canonical(value: Any) -> Any:
    """A JSON-able structure that tells apart every value type the record holds."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if dataclasses.is_dataclass(value):
        fields = {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # NamedTuple
        fields = {name: canonical(getattr(value, name)) for name in value._fields}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, tuple):
        return [canonical(v) for v in value]
    raise TypeError(f"unexpected value in a PatientRecord: {type(value).__name__}")


def _positions(items: tuple[Any, ...]) -> dict[int, int]:
    return {id(item): position for position, item in enumerate(items)}


def _canonical_index(index: Mapping[Any, tuple[Any, ...]], items: tuple[Any, ...]) -> Any:
    assert isinstance(index, MappingProxyType)
    where = _positions(items)
    entries = [[list(key), [where[id(item)] for item in values]] for key, values in index.items()]
    return sorted(entries)


def _canonical_component_index(record: PatientRecord) -> Any:
    assert isinstance(record.component_index, MappingProxyType)
    where = _positions(record.observations)
    entries = []
    for key, pairs in record.component_index.items():
        spots = []
        for observation, component in pairs:
            position = where[id(observation)]
            inner = next(i for i, c in enumerate(observation.components) if c is component)
            spots.append([position, inner])
        entries.append([list(key), spots])
    return sorted(entries)


def canonical_record(record: PatientRecord) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if field.name in _INDEXED_BY:
            result[field.name] = _canonical_index(value, getattr(record, _INDEXED_BY[field.name]))
        elif field.name == "component_index":
            result[field.name] = _canonical_component_index(record)
        elif field.name in ("partial_dates", "partial_ends"):
            assert isinstance(value, MappingProxyType)
            result[field.name] = sorted([ref, canonical(span)] for ref, span in value.items())
        elif field.name == "resource_counts":
            assert isinstance(value, MappingProxyType)
            result[field.name] = [[kind, count] for kind, count in value.items()]
        else:
            result[field.name] = canonical(value)
    return result


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _spot_values(record: PatientRecord) -> dict[str, Any]:
    first = record.observations[0] if record.observations else None
    return {
        "patient": canonical(record.patient),
        "item_counts": {
            name: len(getattr(record, name)) for name in (*_INDEXED_BY.values(), "stages", "issues")
        },
        "index_sizes": {
            name: len(getattr(record, name)) for name in (*_INDEXED_BY, "component_index")
        },
        "newest_observation": canonical(first) if first else None,
        "first_issues": [canonical(issue) for issue in record.issues[:3]],
    }


def golden_entry(record: PatientRecord) -> dict[str, Any]:
    fields = canonical_record(record)
    return {
        "sha256": {name: _digest(value) for name, value in fields.items()},
        "spot": _spot_values(record),
    }


def _key(path: Path, as_of: date) -> str:
    return f"{path.relative_to(DATA).as_posix()}@{as_of.isoformat()}"


def _current_entries() -> dict[str, Any]:
    return {
        _key(path, as_of): golden_entry(read_patient_bundle(load(path), as_of=as_of))
        for path in BUNDLE_FILES
        for as_of in AS_OF_DAYS
    }


def _golden() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_golden_file_covers_every_bundle() -> None:
    expected = {_key(path, as_of) for path in BUNDLE_FILES for as_of in AS_OF_DAYS}
    assert set(_golden()) == expected


@pytest.mark.parametrize("as_of", AS_OF_DAYS, ids=str)
@pytest.mark.parametrize("path", BUNDLE_FILES, ids=lambda p: p.stem)
def test_record_matches_its_golden_serialization(path: Path, as_of: date) -> None:
    expected = _golden()[_key(path, as_of)]
    actual = golden_entry(read_patient_bundle(load(path), as_of=as_of))
    assert actual["spot"] == expected["spot"]
    changed = sorted(
        name for name, digest in expected["sha256"].items() if actual["sha256"].get(name) != digest
    )
    assert changed == []
    assert set(actual["sha256"]) == set(expected["sha256"])


def test_reading_twice_gives_equal_records() -> None:
    """Nothing cached by one read leaks into (or is mutated by) the next."""
    path = max(BUNDLE_FILES, key=lambda p: len(load(p).get("entry", [])))
    bundle = load(path)
    first = canonical_record(read_patient_bundle(bundle, as_of=AS_OF_DAYS[0]))
    read_patient_bundle(bundle, as_of=AS_OF_DAYS[1])
    assert canonical_record(read_patient_bundle(bundle, as_of=AS_OF_DAYS[0])) == first
    assert bundle == load(path)


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit("usage: python tests/patient/test_reader_golden.py --regenerate")
    GOLDEN.parent.mkdir(exist_ok=True)
    text = json.dumps(_current_entries(), indent=1, sort_keys=True, ensure_ascii=False)
    GOLDEN.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN} ({len(text)} characters)")
