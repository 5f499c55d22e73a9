"""CDS Hooks `trial-matches` latency: `patient-view` calls with prefetched data, as the CDS Hooks
sandbox sends them, against catalogs of 1,000 and 10,000 studies.

    .venv/bin/python bench/cds_hooks.py                          # 1,000 and 10,000 studies
    .venv/bin/python bench/cds_hooks.py --sizes 1000 --rounds 2  # quick smoke run
    .venv/bin/python bench/cds_hooks.py --data-dir /tmp/bench-match   # reuse bench/match.py's

Catalog: bench/match.py's (its `templates` replicated up to the size, written by `write_units`
and the match-index hook; the same database names, so a `--data-dir` that bench/match.py filled
is reused as is). Each patient bundle of tests/data/patients becomes what an EHR's FHIR server
holds (`urn:uuid:` references as `Type/id`) and a hook call whose prefetch holds the Patient and
one searchset Bundle per template of the service (`GET /cds-services`). The server runs as its
own uvicorn process (one worker, authorization off) on loopback; one client posts every call in
turn, sequentially, after two warm-up rounds. Timed: the whole call, prefetch to cards.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from _common import catalog_server, machine_facts
from match import DATA, RESULTS, catalog_kind, loaded_catalog, rss_mb, templates

from fhirtrial import __version__
from fhirtrial.api.cds_hooks.discovery import PREFETCH
from fhirtrial.store.embedded import EmbeddedMongo

SERVICE = "/cds-services/trial-matches"
EHR = "https://ehr.example/fhir"
SEARCHED = {
    "conditions": "Condition",
    "observations": "Observation",
    "medicationRequests": "MedicationRequest",
    "procedures": "Procedure",
}


def hook_call(bundle: dict[str, Any]) -> dict[str, Any] | None:
    """The sandbox's `patient-view` call for the patient of `bundle`; None without one Patient."""
    text = json.dumps([e["resource"] for e in bundle.get("entry", [])])
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        if entry.get("fullUrl") and resource.get("id"):
            stored = f"{resource['resourceType']}/{resource['id']}"
            text = text.replace(f'"{entry["fullUrl"]}"', f'"{stored}"')
    resources = json.loads(text)
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        return None
    patient = patients[0]
    prefetch: dict[str, Any] = {"patient": patient}
    for key, resource_type in SEARCHED.items():
        found = [r for r in resources if r["resourceType"] == resource_type]
        prefetch[key] = (
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "total": len(found),
                "entry": [{"resource": r, "search": {"mode": "match"}} for r in found],
            }
            if found
            else None
        )
    assert set(prefetch) == set(PREFETCH)
    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": EHR,
        "context": {"userId": "Practitioner/1", "patientId": patient["id"]},
        "prefetch": prefetch,
    }


def calls() -> list[tuple[str, bytes]]:
    out = []
    for path in sorted((DATA / "patients").glob("*/*.json")):
        body = hook_call(json.loads(path.read_text()))
        if body is not None:
            out.append((path.name, json.dumps(body).encode()))
    return out


async def measure(base_url: str, bodies: list[tuple[str, bytes]], rounds: int) -> dict:
    latencies: list[float] = []
    cards: dict[str, str] = {}
    refused: dict[str, str] = {}
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, timeout=900) as client:
        for name, body in bodies * 2:  # warm-up: index sync, ZIP table, criteria plans
            response = await client.post(SERVICE, content=body, headers=headers)
            if response.status_code == 400:  # patient_data.json mixes two patients: not timed
                refused[name] = response.json()["issue"][0]["diagnostics"][:200]
            else:
                response.raise_for_status()
        bodies = [(name, body) for name, body in bodies if name not in refused]
        for _ in range(rounds):
            for name, body in bodies:
                started = time.perf_counter()
                response = await client.post(SERVICE, content=body, headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                found = response.json()["cards"]
                cards[name] = found[0]["summary"] if found else "(no card)"
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        "max_ms": round(ordered[-1], 1),
        "cards": cards,
        "refused_calls": refused,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the catalog databases here and reuse them (bench/match.py's are the same)",
    )
    args = parser.parse_args()
    shapes = templates()
    bodies = calls()
    results = []
    with tempfile.TemporaryDirectory(prefix="fhirtrial-cds-bench-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        mongo = EmbeddedMongo(data_dir / "db")
        mongo.start()
        try:
            for size in args.sizes:
                name = f"bench_match_{catalog_kind(None, False)}_{size}"
                load_seconds = await loaded_catalog(
                    mongo.url, data_dir, name, size, shapes, False, None
                )
                server = catalog_server(name, mongo.url, Path(tmp) / f"server-{size}.log")
                server.start()
                try:
                    figures = await measure(server.base_url, bodies, args.rounds)
                    figures["server_rss_mb"] = rss_mb(server.pid)
                finally:
                    server.stop()
                figures |= {"studies": size, "load_seconds": round(load_seconds, 1)}
                results.append(figures)
                print(
                    f"{size:>6} studies: p50 {figures['p50_ms']:>7.1f} ms · "
                    f"p95 {figures['p95_ms']:>7.1f} ms · max {figures['max_ms']:>7.1f} ms "
                    f"({figures['requests']} calls; catalog loaded in {figures['load_seconds']} s)"
                )
        finally:
            mongo.stop()
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "version": __version__,
        "machine": machine_facts(),
        "patients": [name for name, _ in bodies],
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"cds-hooks-{datetime.date.today().isoformat()}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    asyncio.run(main())
