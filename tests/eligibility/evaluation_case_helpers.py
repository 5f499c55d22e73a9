"""Labelled patient × criterion cases (tests/eligibility/cases/*.json) and how to run them.

A case file names one real criterion (from the seed trials or tests/data/ctgov), written either
as a compact criterion spec (turned into FHIR with the compiler's own writer) or as a raw
EvidenceVariable characteristic, and several patients with the expected result set by hand.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fhirtrial.eligibility.fhir_writer import criterion_characteristic
from fhirtrial.eligibility.model import Count, Criterion, Kind, Window

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
PATIENTS_DIR = HERE.parent / "data" / "patients"
CASE_FILES = sorted(CASES_DIR.glob("*.json"))


@dataclass(frozen=True)
class LabelledCase:
    file: str
    id: str
    source: str
    as_of: date
    characteristic: dict[str, Any]
    patient: dict[str, Any]
    expected: str
    evidence: tuple[str, ...]
    reason: str | None

    @property
    def name(self) -> str:
        return f"{self.file}::{self.id}"


def load_cases() -> list[LabelledCase]:
    cases = []
    for path in CASE_FILES:
        content = json.loads(path.read_text(encoding="utf-8"))
        characteristic = (
            to_characteristic(content["criterion"])
            if "criterion" in content
            else raw_characteristic(content["characteristic"])
        )
        for case in content["cases"]:
            cases.append(
                LabelledCase(
                    file=path.stem,
                    id=case["id"],
                    source=content["source"],
                    as_of=date.fromisoformat(case.get("as_of", content["as_of"])),
                    characteristic=characteristic,
                    patient=case["patient"],
                    expected=case["expected"],
                    evidence=tuple(case.get("evidence", ())),
                    reason=case.get("reason"),
                )
            )
    return cases


def to_criterion(spec: dict[str, Any]) -> Criterion:
    window = spec.get("window")
    count = spec.get("count")
    return Criterion(
        kind=Kind(spec["kind"]),
        concept=spec.get("concept"),
        comparator=spec.get("comparator"),
        value=spec.get("value"),
        high=spec.get("high"),
        unit=spec.get("unit"),
        uln_multiple=spec.get("uln", False),
        value_concept=spec.get("value_concept"),
        window=Window(window[0], window[1], window[2]) if window else None,
        count=Count(count[0], count[1]) if count else None,
        qualifiers=tuple(spec.get("qualifiers", ())),
    )


def to_characteristic(spec: dict[str, Any]) -> dict[str, Any]:
    return criterion_characteristic(
        to_criterion(spec),
        link_id=spec["linkId"],
        description=spec.get("description", spec["linkId"]),
        exclude=spec.get("exclude", False),
        cohort_groups={},
    )


def raw_characteristic(raw: dict[str, Any]) -> dict[str, Any]:
    """A raw characteristic whose combination members may themselves be compact specs."""
    result = copy.deepcopy(raw)
    combination = result.get("definitionByCombination")
    if combination:
        combination["characteristic"] = [
            to_characteristic(member) if "kind" in member else raw_characteristic(member)
            for member in combination["characteristic"]
        ]
    return result


def patient_bundle(spec: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The case's Bundle and its Patient reference (``Patient/{patient}`` placeholders filled)."""
    if "base" in spec:
        bundle = json.loads((PATIENTS_DIR / spec["base"]).read_text(encoding="utf-8"))
        patient = next(
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
        )
    else:
        patient = {"resourceType": "Patient", "id": "case-patient"}
        patient.update({k: spec[k] for k in ("gender", "birthDate") if k in spec})
        bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": patient}]}
    patient_ref = f"Patient/{patient['id']}"
    text = json.dumps(spec.get("resources", [])).replace("Patient/{patient}", patient_ref)
    bundle["entry"] += [{"resource": resource} for resource in json.loads(text)]
    return bundle, patient_ref


def evidence_variable(characteristic: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "EvidenceVariable",
        "id": f"case-{characteristic['linkId']}",
        "status": "active",
        "characteristic": [characteristic],
    }
