"""Loading FHIR JSON files (single resources or Bundles) into the store."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from fhirtrial.errors import FHIRError
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.repository import Repository


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {len(self.skipped)}, failed {len(self.failures)}"
        ]
        out += [f"skipped: {s}" for s in self.skipped]
        out += [f"FAILED: {f}" for f in self.failures]
        return out


def resources_in(document: dict[str, Any]) -> list[dict[str, Any]]:
    if document.get("resourceType") == "Bundle":
        return [
            e["resource"] for e in document.get("entry", []) if isinstance(e.get("resource"), dict)
        ]
    return [document]


async def load_files(repository: Repository, paths: list[Path]) -> LoadReport:
    report = LoadReport()
    for path in paths:
        try:
            document = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            report.failures.append(f"{path}: {exc}")
            continue
        if not isinstance(document, dict):
            report.failures.append(f"{path}: not a JSON object")
            continue
        for index, resource in enumerate(resources_in(document)):
            await _load_one(repository, resource, f"{path}#{index}", report)
    return report


async def _load_one(
    repository: Repository, resource: dict[str, Any], origin: str, report: LoadReport
) -> None:
    resource_type = resource.get("resourceType")
    if resource_type not in RESOURCE_TYPES:
        report.skipped.append(f"{origin}: {resource_type} is not served by this server")
        return
    try:
        if resource.get("id"):
            result = await repository.update(resource_type, resource["id"], resource)
        else:
            result = await repository.create(resource)
    except FHIRError as exc:
        report.failures.append(
            f"{origin} ({resource_type}/{resource.get('id', '?')}): {exc.diagnostics}"
        )
        return
    if result.created:
        report.created += 1
    elif result.changed:
        report.updated += 1
    else:
        report.unchanged += 1
