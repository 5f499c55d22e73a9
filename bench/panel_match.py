"""Match a whole patient panel against a catalog `bench/match.py --data-dir` keeps, as a batch job
in one process (the matcher in-process, as `fhirtrial match` runs it), and report throughput.

    .venv/bin/python bench/match.py --sizes 30000 --real-criteria --data-dir /tmp/m   # once
    .venv/bin/python bench/panel_match.py --data-dir /tmp/m --database bench_match_real_30000

Panel: the real bundles of tests/data/patients (CodeX, Synthea; the one mixing two patients
left out), replicated with new Patient ids (and every reference to them) up to `--patients`.
The first match warms the catalog's plans and is reported apart.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import orjson
from _common import machine_facts

from fhirtrial.matching.matcher import match_patient
from fhirtrial.matching.request import MatchRequest, match_request
from fhirtrial.matching.service import MatchService
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.embedded import EmbeddedMongo

PATIENTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "patients"


def panel(size: int) -> list[bytes]:
    bundles = [
        path.read_bytes()
        for path in sorted(PATIENTS.glob("*/*.json"))
        if path.name != "patient_data.json"
    ]
    out = []
    for number in range(size):
        raw = bundles[number % len(bundles)]
        bundle = orjson.loads(raw)
        patient = next(
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
        )
        old_id = patient["id"].encode()
        out.append(raw.replace(old_id, f"panel-{number:05d}".encode()))
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--patients", type=int, default=1000)
    args = parser.parse_args()
    bundles = panel(args.patients)
    mongo = EmbeddedMongo(args.data_dir / "db")
    mongo.start()
    database = Database.connect(mongo.url, args.database, RESOURCE_TYPES, timeout_ms=30000)
    matching = MatchService(database)
    try:
        started = time.perf_counter()
        await match_patient(matching, _request(bundles[0]))
        warm_up = time.perf_counter() - started
        latencies, found = [], 0
        started = time.perf_counter()
        for body in bundles:
            one = time.perf_counter()
            result = await match_patient(matching, _request(body))
            latencies.append((time.perf_counter() - one) * 1000)
            found += len(result.matches)
        elapsed = time.perf_counter() - started
    finally:
        await database.close()
        mongo.stop()
    print(
        f"{args.patients} patients against {args.database}: {elapsed:.1f} s, "
        f"{args.patients / elapsed:.1f} patients/s (median {statistics.median(latencies):.0f} ms "
        f"a patient); {found} matches in all; first match (plans built) {warm_up:.1f} s; "
        f"load average {machine_facts()['load_average_1_5_15_min']}"
    )


def _request(body: bytes) -> MatchRequest:
    bundle = orjson.loads(body)
    return match_request(
        {"resourceType": "Parameters", "parameter": [{"name": "patient", "resource": bundle}]}
    )


if __name__ == "__main__":
    asyncio.run(main())
