"""Loading FHIR JSON files (single resources or Bundles) into the store."""

from collections import Counter
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
    stored: Counter[str] = field(default_factory=Counter)
    """Resources written or found unchanged, by type."""
    skipped: Counter[str] = field(default_factory=Counter)
    """Resources of types this server does not serve (so does not store), by type."""
    failures: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        stored = sum(self.stored.values())
        out = [
            f"stored {_resources(stored)}{_by_type(self.stored)} (created {self.created}, "
            f"updated {self.updated}, unchanged {self.unchanged})"
        ]
        if self.skipped:
            out.append(
                f"skipped {_resources(sum(self.skipped.values()))}{_by_type(self.skipped)} "
                "(types this server does not serve, so load does not store them; to match a "
                "patient's whole record use `fhirtrial match FILE` or post the Bundle to "
                "ResearchStudy/$match)"
            )
        if self.failures:
            out.append(f"failed {_resources(len(self.failures))}:")
            out += [f"FAILED: {f}" for f in self.failures]
        return out


def _resources(count: int) -> str:
    return f"{count} resource" if count == 1 else f"{count} resources"


def _by_type(counts: Counter[str]) -> str:
    return (
        (": " + ", ".join(f"{kind} ×{n}" for kind, n in sorted(counts.items()))) if counts else ""
    )


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
        report.skipped[resource_type if isinstance(resource_type, str) else "no resourceType"] += 1
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
    report.stored[resource_type] += 1
    if result.created:
        report.created += 1
    elif result.changed:
        report.updated += 1
    else:
        report.unchanged += 1
