"""`ResearchStudy/$match` latency against catalogs of 100, 1,000 and 10,000 studies.

    /work/main/.venv/bin/python bench/match.py                    # all sizes, ~6 minutes
    /work/main/.venv/bin/python bench/match.py --sizes 100 --rounds 2   # quick smoke run

Catalog: the real ClinicalTrials.gov records in tests/data (35 breast-cancer studies, the large
NCT02513394 and the two seed trials), each mapped once per disease of `DISEASES` (the record's
first condition replaced in its conditions, keywords, titles and eligibility text, so that the
compiled diagnosis criteria vary), then replicated under new NCT numbers up to the size. Studies
are written the way the importer writes them (`write_units`, then the match-index hook), into an
embedded SecantusDB. The server runs as its own uvicorn process (one worker) on loopback; one
client posts every patient bundle of tests/data/patients (3 CodeX, 12 Synthea R4 transaction
bundles of 230-420 entries) in turn, sequentially, with default parameters.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import orjson
from _common import catalog_server, machine_facts
from match_catalog import compiled_parts, pair, real_texts, with_criteria

from fhirtrial import __version__
from fhirtrial.mappers.ctgov import map_study
from fhirtrial.matching.index.settle import refresh_after_import
from fhirtrial.matching.service import MatchService
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.batch import write_units
from fhirtrial.store.database import Database
from fhirtrial.store.embedded import EmbeddedMongo

BENCH_DIR = Path(__file__).resolve().parent
DATA = BENCH_DIR.parent / "tests" / "data"
SEEDS = BENCH_DIR.parent / "fhirtrial" / "data" / "seeds"
RESULTS = BENCH_DIR / "results"
FHIR_JSON = {"content-type": "application/fhir+json", "accept": "application/fhir+json"}
DISEASES = (
    None,  # the record as published
    "Melanoma",
    "Non-Small Cell Lung Cancer",
    "Colorectal Cancer",
    "Prostate Cancer",
    "Ovarian Cancer",
    "Pancreatic Cancer",
    "Multiple Myeloma",
    "Acute Myeloid Leukemia",
    "Glioblastoma",
    "Renal Cell Carcinoma",
    "Hepatocellular Carcinoma",
)
BATCH = 50


def base_records() -> list[dict]:
    ndjson = DATA / "ctgov" / "breast-cancer-studies.ndjson"
    records = [json.loads(line) for line in ndjson.open()]
    records.append(json.loads((DATA / "ctgov" / "NCT02513394.json").read_text()))
    records += [json.loads(path.read_text()) for path in sorted(SEEDS.glob("NCT*.json"))]
    return records


def with_disease(record: dict, disease: str | None) -> dict:
    if disease is None:
        return record
    conditions = record["protocolSection"].get("conditionsModule", {}).get("conditions") or []
    if not conditions:
        return record
    original = re.compile(re.escape(conditions[0]), re.IGNORECASE)
    text = orjson.dumps(record).decode()
    return orjson.loads(original.sub(disease, text))


def templates() -> list[tuple[str, bytes]]:
    """(NCT id, mapped resources as JSON) per record and disease."""
    out = []
    for record in base_records():
        for disease in DISEASES:
            mapped = map_study(with_disease(record, disease))
            out.append((mapped.nct_id, orjson.dumps(mapped.resources)))
    return out


def replica(
    template: tuple[str, bytes], number: int, *, with_sites: bool, distinct: bool = False
) -> list[dict]:
    """The template under a new NCT number. Replicas keep the template's site Locations (sister
    studies at the same hospitals), which are written with the first replica only. `distinct`
    renames the criteria's top-level linkIds per replica, so that no two studies share compiled
    criteria and the matcher cannot evaluate one set for several studies."""
    nct_id, resources = template
    site_prefix, placeholder = f"{nct_id}-site-".encode(), b"@SITE@"
    raw = resources.replace(site_prefix, placeholder)
    raw = raw.replace(nct_id.encode(), f"NCT9{number:07d}".encode())
    out = orjson.loads(raw.replace(placeholder, site_prefix))
    if distinct:
        for resource in out:
            if resource["resourceType"] == "EvidenceVariable":
                for characteristic in resource.get("characteristic", []):
                    characteristic["linkId"] = f"{characteristic['linkId']}.r{number}"[:64]
    return out if with_sites else [r for r in out if r["resourceType"] != "Location"]


Parts = list[tuple[list[dict], list[dict]]]


async def load_catalog(
    url: str,
    name: str,
    size: int,
    shapes: list[tuple[str, bytes]],
    *,
    distinct: bool = False,
    parts: Parts | None = None,
) -> float:
    database = Database.connect(url, name, RESOURCE_TYPES, timeout_ms=30000)
    matching = MatchService(database)
    started = time.perf_counter()
    try:
        await database.ensure_indexes()
        for start in range(0, size, BATCH):
            numbers = range(start, min(size, start + BATCH))
            studies = [
                replica(shapes[n % len(shapes)], n, with_sites=n < len(shapes), distinct=distinct)
                for n in numbers
            ]
            if parts is not None:
                studies = [
                    with_criteria(resources, parts[a][0], parts[b][1])
                    for resources, (a, b) in zip(
                        studies, (pair(n, len(parts)) for n in numbers), strict=True
                    )
                ]
            written = await write_units(database, [r for resources in studies for r in resources])
            study_ids = [resources[0]["id"] for resources in studies]
            await refresh_after_import(matching, study_ids, written)
    finally:
        await database.close()
    return time.perf_counter() - started


def catalog_kind(parts: Parts | None, distinct: bool) -> str:
    return "real" if parts else "distinct" if distinct else "shared"


async def loaded_catalog(
    url: str,
    data_dir: Path,
    name: str,
    size: int,
    shapes: list[tuple[str, bytes]],
    distinct: bool,
    parts: Parts | None,
) -> float:
    """Write the catalog unless an earlier run left it in `data_dir`; its load time."""
    done = data_dir / f"{name}.loaded"
    if done.exists():
        return float(done.read_text())
    load_seconds = await load_catalog(url, name, size, shapes, distinct=distinct, parts=parts)
    done.write_text(f"{load_seconds:.1f}")
    return load_seconds


def rss_mb(pid: int | None) -> float | None:
    """Resident memory of process `pid` (the server, after its measured requests)."""
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def patients() -> list[tuple[str, bytes]]:
    paths = sorted((DATA / "patients").glob("*/*.json"))
    return [(path.name, path.read_bytes()) for path in paths]


async def measure(base_url: str, bundles: list[tuple[str, bytes]], rounds: int) -> dict:
    latencies: list[float] = []
    matched: dict[str, int] = {}
    refused: dict[str, str] = {}
    async with httpx.AsyncClient(base_url=base_url, timeout=900) as client:
        for name, body in bundles * 2:  # warm-up: sync, ZIP table, criteria cache
            response = await client.post("/ResearchStudy/$match", content=body, headers=FHIR_JSON)
            if response.status_code == 400:  # a bundle the contract refuses is not timed
                refused[name] = response.json()["issue"][0]["diagnostics"][:200]
            else:
                response.raise_for_status()
        bundles = [(name, body) for name, body in bundles if name not in refused]
        for _ in range(rounds):
            for name, body in bundles:
                started = time.perf_counter()
                response = await client.post(
                    "/ResearchStudy/$match", content=body, headers=FHIR_JSON
                )
                latencies.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                matched[name] = response.json().get("total", 0)
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        "max_ms": round(ordered[-1], 1),
        "matches_per_patient": matched,
        "refused_bundles": refused,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--distinct-criteria",
        action="store_true",
        help="give every study its own compiled criteria (no shared evaluations)",
    )
    parser.add_argument(
        "--real-criteria",
        action="store_true",
        help="distinct criteria compiled from the real texts of bench/match_catalog.py "
        "(implies --distinct-criteria)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the catalog databases here and reuse them in later runs (a 30,000-study "
        "catalog takes minutes to write)",
    )
    args = parser.parse_args()
    shapes = templates()
    bundles = patients()
    parts = compiled_parts(base_records()[0], real_texts()) if args.real_criteria else None
    results = []
    with tempfile.TemporaryDirectory(prefix="fhirtrial-match-bench-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        mongo = EmbeddedMongo(data_dir / "db")
        mongo.start()
        try:
            for size in args.sizes:
                name = f"bench_match_{catalog_kind(parts, args.distinct_criteria)}_{size}"
                load_seconds = await loaded_catalog(
                    mongo.url, data_dir, name, size, shapes, args.distinct_criteria, parts
                )
                server = catalog_server(name, mongo.url, Path(tmp) / f"server-{size}.log")
                server.start()
                try:
                    figures = await measure(server.base_url, bundles, args.rounds)
                    figures["server_rss_mb"] = rss_mb(server.pid)
                finally:
                    server.stop()
                figures |= {"studies": size, "load_seconds": round(load_seconds, 1)}
                results.append(figures)
                print(
                    f"{size:>6} studies: p50 {figures['p50_ms']:>7.1f} ms · "
                    f"p95 {figures['p95_ms']:>7.1f} ms · max {figures['max_ms']:>7.1f} ms "
                    f"({figures['requests']} requests; loaded in {figures['load_seconds']} s; "
                    f"server RSS {figures['server_rss_mb']} MB)"
                )
        finally:
            mongo.stop()
    if len(results) > 1:
        ratio = results[-1]["p95_ms"] / results[0]["p95_ms"]
        print(f"p95 ratio {results[-1]['studies']}/{results[0]['studies']}: {ratio:.2f}")
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "version": __version__,
        "machine": machine_facts(),
        "distinct_study_shapes": len(shapes),
        "distinct_criteria": args.distinct_criteria or args.real_criteria,
        "real_criteria": args.real_criteria,
        "patients": [name for name, _ in bundles],
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    suffix = "-real" if parts else "-distinct" if args.distinct_criteria else ""
    out = RESULTS / f"match-{datetime.date.today().isoformat()}{suffix}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    asyncio.run(main())
