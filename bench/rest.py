"""REST benchmark: read, search and create on fhirtrial, against a floor FastAPI read.

    /work/main/.venv/bin/python bench/rest.py            # defaults below, about 6 minutes
    /work/main/.venv/bin/python bench/rest.py --rounds 1 --reads 300 --searches 6 \
        --creates 100 --warmup 30 --no-save               # smoke run, about 40 s

Starts an embedded SecantusDB in a temp dir, then fhirtrial (uvicorn, one worker) and the floor
app (bench/floor_app.py) as separate processes on loopback; loads ~10 KB ResearchStudy resources
(real ClinicalTrials.gov records from tests/data mapped by fhirtrial's mapper, trimmed) through the
server, and measures each phase with concurrent httpx clients. The server's CPU per request is
read from /proc/<pid>/stat around each phase. See bench/README.md for the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import datetime
import json
import random
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import orjson
from _common import (
    LoadResult,
    RequestMaker,
    ServerProcess,
    child_pid,
    cpu_ms,
    machine_facts,
    median,
    run_load,
)

from fhirtrial import __version__
from fhirtrial.mappers import ids
from fhirtrial.mappers.ctgov import map_study
from fhirtrial.store.embedded import EmbeddedMongo, free_port

BENCH_DIR = Path(__file__).resolve().parent
STUDIES = BENCH_DIR.parent / "tests" / "data" / "ctgov" / "breast-cancer-studies.ndjson"
RESULTS = BENCH_DIR / "results"
DATABASE = "bench"
FHIR_JSON = {"content-type": "application/fhir+json", "accept": "application/fhir+json"}
# Loaded studies cycle through these; the status search pages through them.
SEARCHED_STATUSES = ("active", "retired", "draft")
# Created studies get a status no search asks for, so creates do not grow the searched pages.
CREATED_STATUS = "unknown"
PAGE_SIZE = 20


# ---- test data ---------------------------------------------------------------------------------


def trimmed(resource: dict, target_bytes: int) -> dict:
    """Drop trailing items of the biggest lists (sites, outcomes, ...) until near the target."""
    result = copy.deepcopy(resource)
    while len(orjson.dumps(result)) > target_bytes:
        lists = [k for k, v in result.items() if isinstance(v, list) and len(v) > 1]
        if not lists:
            break
        biggest = max(lists, key=lambda k: len(orjson.dumps(result[k])))
        result[biggest].pop()
    return result


def study_templates(target_bytes: int) -> list[dict]:
    """ResearchStudy resources mapped from the real CT.gov records in tests/data."""
    templates = []
    for line in STUDIES.read_text().splitlines():
        study = map_study(json.loads(line)).resources[0]
        templates.append(trimmed(study, target_bytes))
    return templates


def loaded_study(templates: list[dict], index: int) -> dict:
    resource = copy.deepcopy(templates[index % len(templates)])
    rid = f"bench-{index:05d}"
    resource["id"] = rid
    resource["url"] = ids.canonical_url("ResearchStudy", rid)
    resource["status"] = SEARCHED_STATUSES[index % len(SEARCHED_STATUSES)]
    return resource


def bench_patient(index: int) -> dict:
    """A small Patient: reading it is an access to patient data, so it is audited."""
    return {
        "resourceType": "Patient",
        "id": f"bench-p-{index:05d}",
        "identifier": [{"system": "urn:oid:2.16.840.1.113883.19.5", "value": f"MRN-{index}"}],
        "name": [{"family": "Bench", "given": [f"Patient{index}"]}],
        "gender": "female" if index % 2 else "male",
        "birthDate": f"{1940 + index % 60}-0{1 + index % 9}-1{index % 10}",
    }


def created_body(template: dict) -> bytes:
    resource = {k: v for k, v in template.items() if k not in ("id", "url")}
    resource["status"] = CREATED_STATUS
    return orjson.dumps(resource)


# ---- phases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    name: str
    on_floor: bool
    total: int
    warmup: int
    concurrency: int
    expected_status: int
    request: RequestMaker


@dataclass(frozen=True)
class PhaseRun:
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    server_cpu_ms_per_request: float
    db_cpu_ms_per_request: float
    client_cpu_ms_per_request: float
    errors: int


def build_phases(
    args: argparse.Namespace, rids: list[str], templates: list[dict], patients: list[str]
) -> list[Phase]:
    rng = random.Random(args.seed)
    bodies = [created_body(t) for t in templates]
    per_status = len(rids) // len(SEARCHED_STATUSES)
    pages = max(1, per_status // PAGE_SIZE)

    def read(client: httpx.AsyncClient, n: int):
        return client.get(f"/ResearchStudy/{rng.choice(rids)}", headers=FHIR_JSON)

    def raw_read(client: httpx.AsyncClient, n: int):
        return client.get(f"/raw/ResearchStudy/{rng.choice(rids)}", headers=FHIR_JSON)

    def search(client: httpx.AsyncClient, n: int):
        status = rng.choice(SEARCHED_STATUSES)
        offset = rng.randrange(pages) * PAGE_SIZE
        params = {"status": status, "_count": str(PAGE_SIZE), "_offset": str(offset)}
        return client.get("/ResearchStudy", params=params, headers=FHIR_JSON)

    def create(client: httpx.AsyncClient, n: int):
        return client.post("/ResearchStudy", content=rng.choice(bodies), headers=FHIR_JSON)

    def patient_read(client: httpx.AsyncClient, n: int):
        return client.get(f"/Patient/{rng.choice(patients)}", headers=FHIR_JSON)

    warmup, concurrency = args.warmup, args.concurrency
    phases = [
        Phase("read", False, args.reads, warmup, concurrency, 200, read),
        Phase("floor read", True, args.reads, warmup, concurrency, 200, read),
        Phase("floor raw read", True, args.reads, warmup, concurrency, 200, raw_read),
        Phase(
            "search status",
            False,
            args.searches,
            warmup // 10,
            args.search_concurrency,
            200,
            search,
        ),
        Phase("create", False, args.creates, warmup, concurrency, 201, create),
        Phase("patient read", False, args.reads, warmup, concurrency, 200, patient_read),
    ]
    chosen = {
        "read": "read",
        "floor read": "floor",
        "floor raw read": "floor",
        "patient read": "patient",
    }
    return [p for p in phases if chosen.get(p.name, p.name.split()[0]) in args.phases]


def new_client(base_url: str, concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60)


async def measure(phase: Phase, target: ServerProcess, db_pid: int, *, total: int) -> PhaseRun:
    # A fresh client per phase: no keep-alive connection left idle across other phases.
    async with new_client(target.base_url, phase.concurrency) as client:
        server_before, db_before = target.cpu_ms(), cpu_ms(db_pid)
        client_before = time.process_time()
        result: LoadResult = await run_load(
            client,
            phase.request,
            total=total,
            concurrency=phase.concurrency,
            expected_status=phase.expected_status,
        )
        client_used = (time.process_time() - client_before) * 1000
        server_used, db_used = target.cpu_ms() - server_before, cpu_ms(db_pid) - db_before
    return PhaseRun(
        requests_per_s=result.rate,
        p50_ms=result.percentile(0.50),
        p95_ms=result.percentile(0.95),
        server_cpu_ms_per_request=server_used / result.requests,
        db_cpu_ms_per_request=db_used / result.requests,
        client_cpu_ms_per_request=client_used / result.requests,
        errors=result.errors,
    )


async def load_studies(client: httpx.AsyncClient, studies: list[dict], concurrency: int) -> None:
    bodies = [orjson.dumps(s) for s in studies]

    def put(client: httpx.AsyncClient, n: int):
        path = f"/ResearchStudy/{studies[n]['id']}"
        return client.put(path, content=bodies[n], headers=FHIR_JSON)

    result = await run_load(
        client, put, total=len(studies), concurrency=concurrency, expected_status=201
    )
    if result.errors:
        raise SystemExit(f"{result.errors} of {len(studies)} studies were rejected by the server")
    print(f"Loaded {len(studies)} ResearchStudy resources in {result.seconds:.1f}s")


async def load_patients(client: httpx.AsyncClient, count: int, concurrency: int) -> list[str]:
    patients = [bench_patient(i) for i in range(count)]
    bodies = [orjson.dumps(p) for p in patients]

    def put(client: httpx.AsyncClient, n: int):
        return client.put(f"/Patient/{patients[n]['id']}", content=bodies[n], headers=FHIR_JSON)

    result = await run_load(client, put, total=count, concurrency=concurrency, expected_status=201)
    if result.errors:
        raise SystemExit(f"{result.errors} of {count} patients were rejected by the server")
    return [p["id"] for p in patients]


async def same_document(server: ServerProcess, floor: ServerProcess, rid: str) -> None:
    async with httpx.AsyncClient() as client:
        ours = (await client.get(f"{server.base_url}/ResearchStudy/{rid}")).json()
        theirs = (await client.get(f"{floor.base_url}/ResearchStudy/{rid}")).json()
    if ours != theirs:
        raise SystemExit(f"fhirtrial and the floor return different documents for {rid}")


# ---- report ------------------------------------------------------------------------------------


def summarize(runs: dict[str, list[PhaseRun]]) -> dict[str, dict]:
    summary = {}
    for name, phase_runs in runs.items():
        fields = asdict(phase_runs[0]).keys()
        summary[name] = {f: median([getattr(r, f) for r in phase_runs]) for f in fields}
        cpu = [r.server_cpu_ms_per_request for r in phase_runs]
        summary[name]["server_cpu_ms_min"] = min(cpu)
        summary[name]["server_cpu_ms_max"] = max(cpu)
    return summary


def print_table(summary: dict[str, dict]) -> None:
    header = (
        f"{'phase':<14} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'server CPU ms/req (range)':>27} {'db CPU ms/req':>14} {'client CPU ms/req':>18}"
    )
    print(header)
    print("-" * len(header))
    for name, s in summary.items():
        spread = f"({s['server_cpu_ms_min']:.2f}-{s['server_cpu_ms_max']:.2f})"
        print(
            f"{name:<14} {s['requests_per_s']:>7.0f} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} "
            f"{s['server_cpu_ms_per_request']:>10.3f} {spread:>16} "
            f"{s['db_cpu_ms_per_request']:>14.3f} {s['client_cpu_ms_per_request']:>18.3f}"
        )


def read_ratio(summary: dict[str, dict], runs: dict[str, list[PhaseRun]], floor: str) -> dict:
    """Our read's server CPU per request over a floor's: the ratio of medians and each round's."""
    per_round = [
        ours.server_cpu_ms_per_request / theirs.server_cpu_ms_per_request
        for ours, theirs in zip(runs["read"], runs[floor], strict=True)
    ]
    of_medians = (
        summary["read"]["server_cpu_ms_per_request"] / summary[floor]["server_cpu_ms_per_request"]
    )
    rounds = ", ".join(f"{r:.2f}" for r in per_round)
    print(
        f"read / {floor}, server CPU per request: {of_medians:.2f}x "
        f"(median of rounds {statistics.median(per_round):.2f}x; per round: {rounds})"
    )
    return {"of_medians": of_medians, "per_round": per_round}


# ---- main --------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, workdir: Path) -> dict:
    machine_at_start = machine_facts()
    print(f"machine: {machine_at_start}")
    templates = study_templates(args.resource_bytes)
    studies = [loaded_study(templates, i) for i in range(args.studies)]
    sizes = [len(orjson.dumps(s)) for s in studies]
    print(
        f"{len(studies)} studies from {len(templates)} CT.gov records, "
        f"{min(sizes)}-{max(sizes)} bytes (mean {sum(sizes) / len(sizes):.0f})"
    )

    embedded = EmbeddedMongo(workdir / "db")
    db_url = embedded.start()
    server = ServerProcess(
        "fhirtrial",
        "fhirtrial.api.app:create_app",
        free_port(),
        env={
            "FHIRTRIAL_MONGODB_URL": db_url,
            "FHIRTRIAL_DATABASE": DATABASE,
            "FHIRTRIAL_LOAD_SEEDS": "false",
            # The benchmark measures the FHIR work, not token checks.
            "FHIRTRIAL_AUTH": "off",
            "FHIRTRIAL_LOG_LEVEL": "warning",
        },
        ready_path="/metadata",
        log_path=workdir / "fhirtrial.log",
    )
    floor = ServerProcess(
        "floor",
        "floor_app:create_app",
        free_port(),
        env={"BENCH_MONGODB_URL": db_url, "BENCH_DATABASE": DATABASE},
        app_dir=BENCH_DIR,
        log_path=workdir / "floor.log",
    )
    try:
        db_pid = child_pid("secantus")
        if db_pid is None:
            raise SystemExit("Cannot find the embedded database process")
        server.start()
        floor.start()
        print(
            f"SecantusDB pid {db_pid}, fhirtrial pid {server.pid}, floor pid {floor.pid}, "
            f"{args.concurrency} concurrent clients"
        )
        patients: list[str] = []
        async with new_client(server.base_url, args.concurrency) as client:
            await load_studies(client, studies, args.concurrency)
            if "patient" in args.phases:
                patients = await load_patients(client, args.patients, args.concurrency)
        await same_document(server, floor, studies[0]["id"])
        phases = build_phases(args, [s["id"] for s in studies], templates, patients)
        targets = {False: server, True: floor}
        for phase in phases:
            await measure(phase, targets[phase.on_floor], db_pid, total=phase.warmup)
        runs: dict[str, list[PhaseRun]] = {p.name: [] for p in phases}
        # Rounds interleave the phases so slow drift on a shared machine hits all of them.
        for round_number in range(1, args.rounds + 1):
            for phase in phases:
                result = await measure(phase, targets[phase.on_floor], db_pid, total=phase.total)
                runs[phase.name].append(result)
                print(
                    f"round {round_number} {phase.name:<14} {result.requests_per_s:7.0f} req/s "
                    f"p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms  "
                    f"server CPU {result.server_cpu_ms_per_request:.3f} ms/req"
                    + (f"  ERRORS {result.errors}" if result.errors else "")
                )
    except BaseException:
        print(f"{server.describe()}; {floor.describe()}; database pid {child_pid('secantus')}")
        for log in sorted(workdir.glob("*.log")) + sorted(workdir.glob("db/*.log")):
            print(f"--- tail of {log.name}:\n{log.read_text(errors='replace')[-2000:]}")
        raise
    finally:
        floor.stop()
        server.stop()
        embedded.stop()

    summary = summarize(runs)
    print()
    print_table(summary)
    print()
    ratios = {
        floor: read_ratio(summary, runs, floor)
        for floor in ("floor read", "floor raw read")
        if "read" in runs and floor in runs
    }
    print("target: read <= 1.5x floor read")
    return {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "fhirtrial_version": __version__,
        "machine_at_start": machine_at_start,
        "machine": machine_facts(),
        "config": vars(args),
        "resource_bytes": {"min": min(sizes), "max": max(sizes), "mean": sum(sizes) / len(sizes)},
        "summary": summary,
        "read_to_floor_server_cpu": ratios,
        "runs": {name: [asdict(r) for r in phase_runs] for name, phase_runs in runs.items()},
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", type=int, default=1000, help="ResearchStudy resources loaded")
    parser.add_argument(
        "--patients", type=int, default=200, help="Patients loaded for the patient read phase"
    )
    parser.add_argument("--resource-bytes", type=int, default=10_240, help="target resource size")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients")
    parser.add_argument("--reads", type=int, default=3000, help="requests per read phase")
    parser.add_argument("--searches", type=int, default=20, help="requests per search phase")
    parser.add_argument("--creates", type=int, default=1000, help="requests per create phase")
    parser.add_argument(
        "--search-concurrency",
        type=int,
        default=2,
        help="concurrent clients for the search phase (each search scans the matches in the DB)",
    )
    parser.add_argument(
        "--phases",
        nargs="+",
        choices=("read", "floor", "search", "create", "patient"),
        default=["read", "floor", "search", "create", "patient"],
        help="phases to run",
    )
    parser.add_argument(
        "--warmup", type=int, default=300, help="unmeasured requests per phase (search: 1/10)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="measured repeats of each phase")
    parser.add_argument("--seed", type=int, default=20250101, help="random seed for the requests")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/*.json")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fhirtrial-bench-") as workdir:
        report = asyncio.run(run(args, Path(workdir)))
    print(f"\nmachine: {report['machine']}; took {time.monotonic() - started:.0f}s")
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        stamp = report["when"].replace(":", "").replace("+0000", "Z")
        path = RESULTS / f"rest-{stamp}.json"
        path.write_text(json.dumps(report, indent=2))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
