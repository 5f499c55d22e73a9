"""Abuse load: reads by id while concurrent clients send the oversized requests of issue 14.

    /work/main/.venv/bin/python bench/abuse.py                  # defaults, about 4 minutes
    /work/main/.venv/bin/python bench/abuse.py --studies 200 --seconds 15 --rounds 1   # smoke

Starts an embedded SecantusDB in a temp dir, imports --studies ClinicalTrials.gov studies (the
real records of tests/data/ctgov replicated with new NCT ids, ~30 sites each) and starts fhirtrial
(uvicorn, one process) on loopback. Then, per round, for --seconds:

- --abusers concurrent clients, in turn sending: `$match` with a 50,000-Observation bundle
  (~9.5 MB: refused, 413), `$match` with a record just under the resource cap (9,999 resources,
  ~2.9 MB: evaluated), `ResearchStudy?_count=1000&_include=ResearchStudy:site` and
  `Location?name:contains=a&_count=1000`;
- --readers concurrent clients reading ResearchStudy by random id, one after another.

It reports the reads' p50/p95/max (target: p95 under 1 s), the answers the abusers got per kind,
and the server's peak memory. Rate limits are off by default (the worst case: an abuser with
many addresses or clients); --with-rate-limits keeps the defaults. Every request goes to
127.0.0.1 and every loop ends at its deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import ServerProcess, machine_facts  # noqa: E402
from bench.ingest import replicated  # noqa: E402
from fhirtrial.catalog.importer import import_studies  # noqa: E402
from fhirtrial.catalog.sources import StudyInput  # noqa: E402
from fhirtrial.matching.service import MatchService  # noqa: E402
from fhirtrial.resources.registry import RESOURCE_TYPES  # noqa: E402
from fhirtrial.store.database import Database  # noqa: E402
from fhirtrial.store.embedded import EmbeddedMongo, free_port  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DATABASE = "abuse"
FHIR_JSON = {"content-type": "application/fhir+json"}
KINDS = ("huge-match", "capped-match", "include-1000", "contains")


def patient_record(observations: int) -> bytes:
    entries = [
        {
            "fullUrl": "urn:uuid:p1",
            "resource": {
                "resourceType": "Patient",
                "id": "p1",
                "gender": "female",
                "birthDate": "1965-04-12",
            },
        }
    ]
    for i in range(observations):
        entries.append(
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": f"o{i}",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                    "subject": {"reference": "Patient/p1"},
                    "valueQuantity": {"value": 72},
                },
            }
        )
    return orjson.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})


async def load_catalog(url: str, studies: int) -> list[str]:
    database = Database.connect(url, DATABASE, RESOURCE_TYPES)
    await database.ensure_indexes()
    texts = replicated(studies)
    inputs = (StudyInput(f"abuse[{i}]", raw=t) for i, t in enumerate(texts))
    summary = await import_studies(MatchService(database), inputs, workers=2)
    await database.close()
    assert not summary.failures, summary.failures[:3]
    return [orjson.loads(t)["protocolSection"]["identificationModule"]["nctId"] for t in texts]


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def round_(base: str, ids: list[str], args: argparse.Namespace, bodies: dict) -> dict:
    deadline = time.monotonic() + args.seconds
    latencies: list[float] = []
    answers: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)
    kinds = args.kinds
    timeout = httpx.Timeout(120)

    async def reader(client: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = await client.get(f"/ResearchStudy/{random.choice(ids)}")
            latencies.append((time.perf_counter() - started) * 1000)
            answers["read"][response.status_code] += 1

    async def abuser(client: httpx.AsyncClient, n: int) -> None:
        turn = n
        while time.monotonic() < deadline:
            kind = kinds[turn % len(kinds)]
            turn += 1
            try:
                if kind == "huge-match" or kind == "capped-match":
                    response = await client.post(
                        "/ResearchStudy/$match", content=bodies[kind], headers=FHIR_JSON
                    )
                elif kind == "include-1000":
                    response = await client.get(
                        "/ResearchStudy?_count=1000&_include=ResearchStudy:site"
                    )
                else:
                    response = await client.get("/Location?name:contains=a&_count=1000")
                answers[kind][response.status_code] += 1
            except httpx.TransportError as error:
                answers[kind][type(error).__name__] += 1  # type: ignore[index]

    limits = httpx.Limits(max_connections=args.abusers + args.readers + 4)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        await asyncio.gather(
            *(reader(client) for _ in range(args.readers)),
            *(abuser(client, n) for n in range(args.abusers)),
        )
    ordered = sorted(latencies)
    return {
        "reads": len(ordered),
        "p50_ms": ordered[len(ordered) // 2],
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max_ms": ordered[-1],
        "answers": {k: dict(v) for k, v in answers.items()},
    }


async def quiet_reads(base: str, ids: list[str], count: int) -> float:
    latencies = []
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(count):
            started = time.perf_counter()
            await client.get(f"/ResearchStudy/{random.choice(ids)}")
            latencies.append((time.perf_counter() - started) * 1000)
    return statistics.median(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--abusers", type=int, default=16)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--with-rate-limits", action="store_true")
    parser.add_argument(
        "--kinds",
        nargs="+",
        default=list(KINDS),
        choices=KINDS,
        help="the oversized requests the abusers send, in turn",
    )
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    facts = machine_facts()
    bodies = {"huge-match": patient_record(50_000), "capped-match": patient_record(9_999)}
    print(
        f"bodies: huge {len(bodies['huge-match']) / 1e6:.1f} MB, "
        f"capped {len(bodies['capped-match']) / 1e6:.1f} MB"
    )
    with tempfile.TemporaryDirectory(prefix="fhirtrial-abuse-") as tmp:
        database = EmbeddedMongo(Path(tmp) / "db")
        database.start()
        server = None
        try:
            started = time.perf_counter()
            ids = asyncio.run(load_catalog(database.url, args.studies))
            print(f"imported {len(ids)} studies in {time.perf_counter() - started:.0f} s")
            env = {
                "FHIRTRIAL_MONGODB_URL": database.url,
                "FHIRTRIAL_DATABASE": DATABASE,
                "FHIRTRIAL_LOAD_SEEDS": "false",
                "FHIRTRIAL_BASE_URL": "http://127.0.0.1",
                "FHIRTRIAL_LOG_LEVEL": "WARNING",
                # Every request is let through: the worst case (an abuser holding a token),
                # and no time spent refusing anonymous ones.
                "FHIRTRIAL_AUTH": "off",
            }
            if not args.with_rate_limits:
                for name in ("MATCH", "IMPORT", "TOKEN", "AUTH_FAILURES"):
                    env[f"FHIRTRIAL_RATE_{name}_PER_MINUTE"] = "0"
            server = ServerProcess(
                "fhirtrial",
                "fhirtrial.api.app:create_app",
                free_port(),
                env=env,
                ready_path="/metadata",
                log_path=Path(tmp) / "server.log",
            )
            server.start()
            quiet = asyncio.run(quiet_reads(server.base_url, ids, 200))
            print(f"read by id, no other load: median {quiet:.1f} ms")
            rounds = []
            for n in range(args.rounds):
                result = asyncio.run(round_(server.base_url, ids, args, bodies))
                rounds.append(result)
                print(
                    f"round {n + 1}: {result['reads']} reads, p50 {result['p50_ms']:.0f} ms, "
                    f"p95 {result['p95_ms']:.0f} ms, max {result['max_ms']:.0f} ms; "
                    f"answers {json.dumps(result['answers'])}"
                )
            peak = peak_rss_mib(server.pid)
            p95 = statistics.median(r["p95_ms"] for r in rounds)
            print(f"median p95 of reads by id: {p95:.0f} ms (target < 1000)")
            print(f"server peak RSS: {peak:.0f} MiB")
        finally:
            if server is not None:
                server.stop()
            database.stop()
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"abuse-{time.strftime('%Y%m%d-%H%M%S')}.json"
        record = {"args": vars(args), "machine": facts, "quiet_read_ms": quiet, "rounds": rounds}
        out.write_text(json.dumps(record | {"peak_rss_mib": peak}, indent=2))
        print(f"saved {out}")


if __name__ == "__main__":
    main()
