"""Plain FHIR search latency (`ResearchStudy?…`) against catalogs of 3,000 and 30,000 studies.

    .venv/bin/python bench/search.py --data-dir /tmp/search-bench            # 3k and 30k
    .venv/bin/python bench/search.py --data-dir /tmp/search-bench --sizes 3000 --requests 10
    cd /tmp && PYTHONPATH=/tmp/s17base /path/to/.venv/bin/python /path/to/bench/search.py \
        --data-dir /tmp/search-bench --label base --requests 3 --shapes count20 status
        # the code of another checkout (from outside the worktree: see bench/README.md)

Catalog: the ResearchStudy resources bench/match.py builds (the real ClinicalTrials.gov records
of tests/data and the seeds, mapped once per disease, replicated under new NCT numbers) and the
site Locations of the first replica of each; written the way the importer writes them
(`write_units`) into an embedded SecantusDB kept in `--data-dir`, so a catalog is loaded once and
reused by later runs (one database per size; a run loads only what is missing). The server runs
as its own uvicorn process (one worker) on loopback; one client sends each search shape
`--requests` times per round, sequentially; p50/p95 per shape and round, medians over rounds.
Each shape's first request of a round is a warm-up and not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import orjson
from _common import catalog_server, machine_facts
from match import replica, templates

from fhirtrial import __version__
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.batch import write_units
from fhirtrial.store.database import Database
from fhirtrial.store.embedded import EmbeddedMongo

RESULTS = Path(__file__).resolve().parent / "results"
FHIR_JSON = {"accept": "application/fhir+json"}
BATCH = 200
# name → query string of a ResearchStudy search, or a path (a next link is followed by the shape
# "next").
SHAPES = {
    "count20": "_count=20",
    "count20-total-none": "_count=20&_total=none",
    "count100": "_count=100",
    "next": "_count=20",  # the second page, by the first page's next link
    "status": "status=active&_count=20",
    "recruitment-status": "recruitment-status=recruiting&_count=20",
    "condition": "condition=D001943&_count=20",
    "phase": "phase=phase-2&_count=20",
    "identifier": "identifier=NCT90001234&_count=20",
    "title": "title=a%20study&_count=20",  # ~13% of the studies
    "title-rare": "title=metronomic&_count=20",  # ~2.6%
    # The title of one record (~2.6% of the studies: its replicas), as written.
    "title-exact": "title:exact=Metronomic%20Oral%20Vinorelbine%20Plus%20Anti-PD-L1%2FAnti-CTLA4"
    "%20ImmunothErapy%20in%20Patients%20With%20Advanced%20Solid%20Tumours&_count=20",
    "title-contains": "title:contains=vedotin&_count=20",
    # A drug no title of the catalog names: the whole parameter is tested.
    "title-contains-none": "title:contains=pembrolizumab&_count=20",
    # A prefix of any word of a condition's text or display (token `:text`).
    "condition-text": "condition:text=lung&_count=20",
    "condition-text-none": "condition:text=huntington&_count=20",  # in no study of the catalog
    "title-two": "title=metronomic,a%20study&_count=20",
    "title-none": "title=zzz&_count=20",  # no match: the whole search structure is read
    "include-site": "_count=20&_include=ResearchStudy:site",
    "total-accurate": "status=active&_count=20&_total=accurate",
    "history-type": "/ResearchStudy/_history?_count=20",  # newest versions first
    "history-system": "/_history?_count=20",
}


async def load_catalog(url: str, name: str, size: int) -> float:
    """Write the studies a previous run left out; the seconds it took."""
    database = Database.connect(url, name, RESOURCE_TYPES, timeout_ms=60000)
    started = time.perf_counter()
    try:
        await database.ensure_indexes()
        studies = database.collections("ResearchStudy").current
        have = await studies.count_documents({})
        if have >= size:
            return 0.0
        shapes = templates()
        for start in range(have, size, BATCH):
            numbers = range(start, min(size, start + BATCH))
            resources = [
                r
                for n in numbers
                for r in replica(shapes[n % len(shapes)], n, with_sites=n < len(shapes))
                if r["resourceType"] in ("ResearchStudy", "Location")
            ]
            await write_units(database, resources)
            print(f"  {name}: {numbers[-1] + 1} studies", flush=True)
    finally:
        await database.close()
    return time.perf_counter() - started


async def open_catalog(url: str, name: str) -> int:
    """Open a catalog as it is (its indexes and layout upgrades applied, as a server start does,
    nothing loaded); how many studies it holds."""
    database = Database.connect(url, name, RESOURCE_TYPES, timeout_ms=600000)
    try:
        await database.ensure_indexes()
        return await database.collections("ResearchStudy").current.count_documents({})
    finally:
        await database.close()


async def timed(client: httpx.AsyncClient, url: str) -> tuple[float, dict]:
    started = time.perf_counter()
    response = await client.get(url, headers=FHIR_JSON)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed, orjson.loads(response.content)


def next_link(bundle: dict) -> str:
    url = next(link["url"] for link in bundle["link"] if link["relation"] == "next")
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def measure(base_url: str, shapes: list[str], requests: int, rounds: int) -> dict:
    figures: dict[str, dict] = {}
    async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:
        for shape in shapes:
            per_round = []
            matches = None
            for _ in range(rounds):
                query = SHAPES[shape]
                first = query if query.startswith("/") else f"/ResearchStudy?{query}"
                _, bundle = await timed(client, first)  # warm-up
                url = next_link(bundle) if shape == "next" else first
                times = []
                for _ in range(requests):
                    elapsed, bundle = await timed(client, url)
                    times.append(elapsed)
                entries = bundle.get("entry", [])
                matches = sum(
                    1 for e in entries if e.get("search", {}).get("mode", "match") == "match"
                )
                times.sort()
                per_round.append(
                    {
                        "p50": statistics.median(times),
                        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                    }
                )
            figures[shape] = {
                "query": SHAPES[shape],
                "matches_on_page": matches,
                "p50_ms": round(statistics.median(r["p50"] for r in per_round), 1),
                "p95_ms": round(statistics.median(r["p95"] for r in per_round), 1),
                "p95_ms_per_round": [round(r["p95"], 1) for r in per_round],
            }
            print(
                f"    {shape:<20} p50 {figures[shape]['p50_ms']:>8.1f} ms · "
                f"p95 {figures[shape]['p95_ms']:>8.1f} ms  ({matches} on the page)",
                flush=True,
            )
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="kept between runs")
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--requests", type=int, default=20, help="per shape and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--label", default="", help="names the result file (e.g. base)")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument(
        "--settle",
        type=float,
        default=30,
        help="seconds between the server's start and the first timed request: its start-up "
        "work (the match index mirror, plans) and the database's cold cache made the first "
        "shapes' p95 several times the rest's",
    )
    parser.add_argument(
        "--skip-load", action="store_true", help="measure the catalog as it is, however many"
    )
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    results = []
    mongo = EmbeddedMongo(args.data_dir / "db")
    mongo.start()
    try:
        for size in args.sizes:
            name = f"bench_search_{size}"
            if args.skip_load:
                started = time.perf_counter()
                held = await open_catalog(mongo.url, name)
                opened = time.perf_counter() - started
                print(f"{name}: {held} studies (opened in {opened:.1f} s)", flush=True)
            else:
                load_seconds = await load_catalog(mongo.url, name, size)
                print(f"{size:>6} studies (loaded in {load_seconds:.0f} s)", flush=True)
            if args.load_only:
                continue
            # The old code's scans hold the database for longer than the 3 s it waits for a
            # ping: let them finish and be measured instead of being a 503.
            server = catalog_server(
                name,
                mongo.url,
                args.data_dir / f"server-{size}.log",
                request_timeout_s="600",
                db_timeout_ms="600000",
            )
            server.start(timeout=600)
            try:
                await asyncio.sleep(args.settle)
                figures = await measure(server.base_url, args.shapes, args.requests, args.rounds)
            finally:
                server.stop()
            results.append({"studies": size, "shapes": figures})
    finally:
        mongo.stop()
    if args.load_only:
        return
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "version": __version__,
        "label": args.label,
        "machine": machine_facts(),
        "requests_per_round": args.requests,
        "rounds": args.rounds,
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    out = RESULTS / f"search-{datetime.date.today().isoformat()}{label}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    asyncio.run(main())
