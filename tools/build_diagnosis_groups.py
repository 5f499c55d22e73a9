r"""Regenerate the `codings` of fhirtrial/eligibility/terminology/diagnosis_groups.json.

    python tools/build_diagnosis_groups.py

Each group lists the ICD-10-CM subtrees it holds (`icd10cmIncludes`) and the codes below them it
leaves out (`icd10cmExcludes`); its codings are the fewest subtrees of the release (simple-icd-
10-cm 1.5.0, the April 2026 release) that cover exactly that: an include with nothing left out
below it is one coding (`F32*`, or the bare code for a leaf), one with something left out is
split into its children, recursively. The SNOMED CT codings of the hand-made concepts a group
names in `snomedFromConcepts` (conditions.json, with the concepts they include) follow, so that a
diagnosis coded in SNOMED CT only is in the group too. The file is rewritten in place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import simple_icd_10_cm as release

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
FOLDER = Path(__file__).resolve().parent.parent / "fhirtrial" / "eligibility" / "terminology"
PATH = FOLDER / "diagnosis_groups.json"


def _below(code: str, other: str) -> bool:
    return other == code or other.startswith(code)


def covering(code: str, excludes: list[str]) -> list[str]:
    """The fewest codings covering ``code``'s subtree without the ``excludes``."""
    if any(_below(excluded, code) for excluded in excludes):
        return []
    if not any(_below(code, excluded) for excluded in excludes):
        return [f"{code}*" if release.get_children(code) else code]
    found = [] if release.get_children(code) else [code]
    for child in release.get_children(code):
        found += covering(child, excludes)
    return found


def snomed_codings(names: list[str]) -> list[dict[str, str]]:
    """The SNOMED CT codings of the named concepts of conditions.json and those they include."""
    concepts = json.loads((FOLDER / "conditions.json").read_text(encoding="utf-8"))["concepts"]
    found: list[dict[str, str]] = []
    stack = list(reversed(names))
    seen: set[str] = set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        found += [c for c in concepts[name]["codings"] if c["system"] == SNOMED and c not in found]
        stack.extend(reversed(concepts[name].get("includes", [])))
    return found


def codings(group: dict[str, Any]) -> list[dict[str, str]]:
    excludes = group.get("icd10cmExcludes", [])
    for code in [*group["icd10cmIncludes"], *excludes]:
        if not release.is_valid_item(code):
            raise ValueError(f"{code} is not an ICD-10-CM code of the release")
    found: list[str] = []
    for code in group["icd10cmIncludes"]:
        found += covering(code, excludes)
    icd = [
        {"system": ICD10CM, "code": code, "display": release.get_description(code.rstrip("*"))}
        for code in found
    ]
    return icd + snomed_codings(group.get("snomedFromConcepts", []))


def main() -> None:
    document = json.loads(PATH.read_text(encoding="utf-8"))
    for group in document["concepts"].values():
        group["codings"] = codings(group)
    PATH.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
