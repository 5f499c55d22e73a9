"""Screening a panel of patients against the catalog as one batch job (`fhirtrial screen`): each
patient's Bundle is matched in turn, exactly as `$match` would, and summed up in one line; a
Bundle that cannot be matched gets a line that says why, and the job goes on."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from fhirtrial.errors import FHIRError
from fhirtrial.matching.matcher import match_patient
from fhirtrial.matching.request import match_request
from fhirtrial.matching.service import MatchService


@dataclass(frozen=True)
class PanelOptions:
    as_of: date | None = None
    count: int = 5
    """Trials listed per patient (all are counted)."""
    include_ineligible: bool = False
    persist: bool = False


@dataclass
class Screened:
    source: str
    """Where the Bundle came from: its file, and its line in an NDJSON file."""
    patient: dict[str, Any] = field(default_factory=dict)
    verdicts: dict[str, int] = field(default_factory=dict)
    trials: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        if self.error is not None:
            return {"source": self.source, "error": self.error}
        return {
            "source": self.source,
            "patient": self.patient,
            "verdicts": self.verdicts,
            "trials": self.trials,
            "seconds": round(self.seconds, 4),
        }


def panel_bundles(paths: Iterable[Path]) -> Iterator[tuple[str, bytes]]:
    """(source, Bundle JSON) for every `*.json` file (directories walked in name order) and
    every non-empty line of every `*.ndjson` file."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in {".json", ".ndjson"})
            yield from panel_bundles(found)
        elif path.suffix == ".ndjson":
            with path.open("rb") as lines:
                for number, line in enumerate(lines, start=1):
                    if line.strip():
                        yield f"{path}:{number}", line
        else:
            yield str(path), path.read_bytes()


async def screen(
    matching: MatchService, bundles: Iterable[tuple[str, bytes]], options: PanelOptions
) -> AsyncIterator[Screened]:
    for source, raw in bundles:
        started = time.perf_counter()
        try:
            screened = await _screen_one(matching, source, raw, options)
        except FHIRError as error:
            reasons = "; ".join(issue.diagnostics for issue in error.issues)
            screened = Screened(source, error=reasons or type(error).__name__)
        except orjson.JSONDecodeError as error:
            screened = Screened(source, error=f"not JSON: {error}")
        screened.seconds = time.perf_counter() - started
        yield screened


async def _screen_one(
    matching: MatchService, source: str, raw: bytes, options: PanelOptions
) -> Screened:
    bundle = orjson.loads(raw)
    kind = bundle.get("resourceType") if isinstance(bundle, dict) else None
    if kind != "Bundle":
        what = f"a {kind} resource" if isinstance(kind, str) else "no FHIR resource"
        return Screened(source, error=f"holds {what}, not a Bundle of the patient's record")
    parameters: list[dict[str, Any]] = [
        {"name": "patient", "resource": bundle},
        {"name": "count", "valueInteger": options.count},
        {"name": "includeIneligible", "valueBoolean": options.include_ineligible},
        {"name": "persist", "valueBoolean": options.persist},
    ]
    if options.as_of is not None:
        parameters.append({"name": "asOf", "valueDate": options.as_of.isoformat()})
    request = match_request({"resourceType": "Parameters", "parameter": parameters})
    # Problems of the record are told as paths in the Bundle (`Bundle.entry[3]`), not in the
    # Parameters body this job builds.
    result = await match_patient(matching, replace(request, bundle_path="Bundle"))
    verdicts: dict[str, int] = {}
    for found in result.matches:
        verdicts[found.verdict] = verdicts.get(found.verdict, 0) + 1
    trials = [
        {
            "study": found.study_id,
            "title": found.title,
            "verdict": found.verdict,
            "score": round(found.score, 4),
            "miles": None if found.distance is None else round(found.distance, 1),
        }
        for found in result.returned
    ]
    return Screened(source, patient=result.patient_reference, verdicts=verdicts, trials=trials)
