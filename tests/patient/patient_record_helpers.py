"""Shared helpers for the patient-record tests: the test bundles and an independent count."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data" / "patients"
BUNDLE_FILES = sorted(DATA.glob("**/*.json"))
SYNTHEA_FILES = sorted((DATA / "synthea-mcode-breast").glob("*.json"))

CATEGORY_OF = {
    "Condition": "conditions",
    "Observation": "observations",
    "MedicationStatement": "medications",
    "MedicationRequest": "medications",
    "MedicationAdministration": "medications",
    "Procedure": "procedures",
    "Immunization": "immunizations",
    "AllergyIntolerance": "allergies",
}


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def patient_bundle(*resources: dict[str, Any], patient_id: str = "p1", **patient) -> dict:
    """A collection Bundle with one Patient and the given resources (relative references)."""
    patient_resource = {"resourceType": "Patient", "id": patient_id, **patient}
    entries = [{"resource": patient_resource}]
    entries += [{"resource": copy.deepcopy(r)} for r in resources]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def expected_counts(bundle: dict[str, Any]) -> Counter[str]:
    """What a careful reader should keep, computed from the raw JSON without the reader's code.

    Kept: one copy per (type, id); subject/patient pointing at the bundle's Patient (by fullUrl
    or Patient/id); not entered-in-error / refuted / cancelled / not-done / not-taken.
    """
    entries = bundle["entry"]
    patient_entry = next(e for e in entries if e["resource"]["resourceType"] == "Patient")
    patient_refs = {patient_entry.get("fullUrl"), f"Patient/{patient_entry['resource']['id']}"}
    seen: set[tuple[str, str]] = set()
    counts: Counter[str] = Counter()
    for entry in entries:
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind not in CATEGORY_OF or (kind, resource["id"]) in seen:
            continue
        seen.add((kind, resource["id"]))
        owner = resource.get(
            "patient" if kind in ("Immunization", "AllergyIntolerance") else "subject"
        )
        if owner is not None and owner.get("reference") not in patient_refs:
            continue
        verification = (resource.get("verificationStatus") or {}).get("coding", [{}])[0].get("code")
        if verification in ("entered-in-error", "refuted"):
            continue
        if resource.get("status") in ("entered-in-error", "cancelled", "not-done", "not-taken"):
            continue
        counts[CATEGORY_OF[kind]] += 1
    return counts
