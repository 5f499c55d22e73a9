"""Test data and small readers for the CT.gov → FHIR mapper tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent.parent / "data" / "ctgov"
BREAST_CANCER_NDJSON = DATA / "breast-cancer-studies.ndjson"
LARGE_STUDY_FILE = DATA / "NCT02513394.json"
SEED_IDS = ("NCT05361174", "NCT05398640")


def load_ctgov_records() -> list[dict[str, Any]]:
    """The 35 breast-cancer records followed by the large NCT02513394 record."""
    with BREAST_CANCER_NDJSON.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    records.append(json.loads(LARGE_STUDY_FILE.read_text(encoding="utf-8")))
    return records


def load_seed(nct_id: str) -> dict[str, Any]:
    seed = resources.files("fhirtrial.data") / "seeds" / f"{nct_id}.json"
    return json.loads(seed.read_text(encoding="utf-8"))


def nct_id_of(record: dict) -> str:
    return record["protocolSection"]["identificationModule"]["nctId"]


def module(record: dict, name: str) -> dict:
    return record["protocolSection"].get(name, {})


def by_type(resources: list[dict], resource_type: str) -> list[dict]:
    return [r for r in resources if r["resourceType"] == resource_type]


def walk_references(value: Any) -> Iterator[str]:
    """Every Reference.reference string anywhere inside `value`."""
    if isinstance(value, dict):
        ref = value.get("reference")
        if isinstance(ref, str):
            yield ref
        for child in value.values():
            yield from walk_references(child)
    elif isinstance(value, list):
        for child in value:
            yield from walk_references(child)


def walk_actions(actions: list[dict]) -> Iterator[dict]:
    for action in actions:
        yield action
        yield from walk_actions(action.get("action", []))


def codes(concept: dict | None, system: str) -> list[str]:
    return [c["code"] for c in (concept or {}).get("coding", []) if c.get("system") == system]
