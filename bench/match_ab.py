"""`$match` latency of two versions of the server, side by side on one catalog, in alternation.

On a shared machine the load changes between two runs of bench/match.py by more than most
changes gain (runs of the same code a few minutes apart measured p95 193 and 272 ms). Here both
versions serve at once, each a server process on the same embedded database, and every patient
bundle is posted to one and then to the other (the order swapped each round), so the two see the
same moments of the machine. Version A is the source tree given by `--a-src` (e.g. a `git
worktree` of main), version B this checkout:

    git worktree add /tmp/base main
    .venv/bin/python bench/match.py --sizes 30000 --real-criteria --data-dir /tmp/m  # once
    .venv/bin/python bench/match_ab.py --a-src /tmp/base --size 30000 --data-dir /tmp/m

Prints p50 / p95 of each version and the median of the paired differences (B − A).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from _common import catalog_server
from match import FHIR_JSON, patients

from fhirtrial.store.embedded import EmbeddedMongo


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def post(client: httpx.AsyncClient, url: str, body: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    response = await client.post(url, content=body, headers=FHIR_JSON)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed, response.json().get("total", 0)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a-src", type=Path, required=True, help="source tree of version A")
    parser.add_argument("--size", type=int, default=30000)
    parser.add_argument("--kind", default="real", help="catalog kind of bench/match.py")
    parser.add_argument("--data-dir", type=Path, required=True, help="bench/match.py's")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    database = f"bench_match_{args.kind}_{args.size}"
    if not (args.data_dir / f"{database}.loaded").exists():
        raise SystemExit(f"no complete catalog {database} in {args.data_dir}: run bench/match.py")
    bundles = patients()
    mongo = EmbeddedMongo(args.data_dir / "db")
    mongo.start()
    with tempfile.TemporaryDirectory(prefix="fhirtrial-match-ab-") as tmp:
        servers = {
            "A": catalog_server(
                database, mongo.url, Path(tmp) / "a.log", app_dir=args.a_src.resolve()
            ),
            "B": catalog_server(database, mongo.url, Path(tmp) / "b.log"),
        }
        try:
            for each in servers.values():
                each.start()
            times: dict[str, list[float]] = {"A": [], "B": []}
            per_patient: dict[str, dict[str, list[float]]] = {}
            totals: dict[str, dict[str, int]] = {"A": {}, "B": {}}
            refused: set[str] = set()
            async with httpx.AsyncClient(timeout=900) as client:
                for name, body in bundles * 2:  # warm-up of both: plans, caches
                    for each in servers.values():
                        try:
                            await post(client, f"{each.base_url}/ResearchStudy/$match", body)
                        except httpx.HTTPStatusError as error:
                            if error.response.status_code != 400:
                                raise
                            refused.add(name)
                timed = [(name, body) for name, body in bundles if name not in refused]
                for round_number in range(args.rounds):
                    order = ("A", "B") if round_number % 2 == 0 else ("B", "A")
                    for name, body in timed:
                        for side in order:
                            url = f"{servers[side].base_url}/ResearchStudy/$match"
                            elapsed, total = await post(client, url, body)
                            times[side].append(elapsed)
                            per_patient.setdefault(name, {"A": [], "B": []})[side].append(elapsed)
                            totals[side][name] = total
        finally:
            for each in servers.values():
                each.stop()
            mongo.stop()
    if totals["A"] != totals["B"]:
        print(f"the versions answer different totals: A {totals['A']} B {totals['B']}")
    for side in ("A", "B"):
        print(
            f"{side}: p50 {statistics.median(times[side]):6.1f} ms · "
            f"p95 {percentile(times[side], 0.95):6.1f} ms ({len(times[side])} requests)"
        )
    for name, sides in sorted(per_patient.items()):
        print(
            f"  {name:32} A {statistics.median(sides['A']):6.1f} · "
            f"B {statistics.median(sides['B']):6.1f} ms (medians; {totals['B'].get(name, 0)} "
            "matches)"
        )
    differences = [b - a for a, b in zip(times["A"], times["B"], strict=True)]
    print(f"B − A, median of the paired differences: {statistics.median(differences):+.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
