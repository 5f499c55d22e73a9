"""Every element of real patient bundles replaced by a value of the wrong shape: the `$match`
reader answers each with a record or a 400 naming the bundle, never an unhandled error (a 500).

A bounded, deterministic fuzz: for one resource of each type in the CodeX bundles, each element
path (lists: their first two items) takes each value of `WRONG_VALUES` in turn — about 6,000
bundles, read in seconds.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from fhirtrial.errors import BadRequest
from fhirtrial.patient.bundle_input import read_patient
from tests.patient.patient_record_helpers import DATA, load

AS_OF = date(2026, 6, 1)
BUNDLES = sorted((DATA / "codex").glob("TrialMatching_Patient0*.json"))
WRONG_VALUES: tuple[Any, ...] = (
    *(7, -1e308, True, None, "x", "9999-12-31", "0001-01-01T00:00:00+14:00"),
    *([], {}, [7], ["x"], [{}], {"x": 1}),
)


def _paths(node: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("resourceType", "id") or prefix:
                yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:2]):
            yield from _paths(value, (*prefix, index))


def _with(resource: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(resource)
    node: Any = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = copy.deepcopy(value)
    return changed


def _mutations(bundle: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    seen: set[str] = set()
    for position, entry in enumerate(bundle["entry"]):
        resource = entry["resource"]
        if resource["resourceType"] in seen:
            continue
        seen.add(resource["resourceType"])
        for path in _paths(resource):
            for value in WRONG_VALUES:
                mutated = copy.copy(bundle)
                mutated["entry"] = list(bundle["entry"])
                mutated["entry"][position] = {**entry, "resource": _with(resource, path, value)}
                yield f"{resource['resourceType']}.{'.'.join(map(str, path))} = {value!r}", mutated


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.stem)
def test_wrongly_shaped_elements_are_read_or_refused_with_a_400(path) -> None:
    bundle = load(path)
    patient_id = read_patient(bundle, as_of=AS_OF).patient.id
    tried, refused = 0, 0
    for change, mutated in _mutations(bundle):
        tried += 1
        try:
            record = read_patient(mutated, as_of=AS_OF)
        except BadRequest as error:
            refused += 1
            assert error.issues[0].diagnostics.startswith("Bundle"), change
            continue
        except Exception as error:  # the point of the test: name the change that crashed
            pytest.fail(f"{change}: {type(error).__name__}: {error}")
        assert record.patient.id == patient_id, change
    assert tried > 1000
    assert 0 < refused < tried  # some shapes are refused, others read around
