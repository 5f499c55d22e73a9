"""Screening a panel: throughput of `fhirtrial screen`'s batch job (one `$match` per patient).

    /work/main/.venv/bin/python bench/panel.py --studies 1000 --patients 1000
    /work/main/.venv/bin/python bench/panel.py --studies 300 --patients 100   # quick smoke run

Catalog: bench/match.py's (the real CT.gov records, each mapped per disease and replicated up to
the size; `--distinct-criteria` gives each study its own compiled criteria, `--real-criteria`
criteria compiled from real texts), written into an embedded SecantusDB, or reused from
`--data-dir` where bench/match.py left it. Panel: the 14 matchable patient bundles of
tests/data/patients (2 CodeX, 12 Synthea; a third CodeX file is refused: it names two patients)
cycled up to `--patients`, screened in process with `fhirtrial.matching.panel.screen` as the
command does (no HTTP), not persisted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import statistics
import tempfile
import time
from pathlib import Path

from _common import machine_facts
from match import RESULTS, base_records, catalog_kind, loaded_catalog, patients, templates
from match_catalog import compiled_parts, real_texts

from fhirtrial import __version__
from fhirtrial.matching.panel import PanelOptions, screen
from fhirtrial.matching.service import MatchService
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.embedded import EmbeddedMongo

AS_OF = datetime.date(2026, 11, 15)


def panel(size: int) -> list[tuple[str, bytes]]:
    """`size` bundles: the real ones in turn (each is read afresh per match, as a new request)."""
    bundles = patients()
    return [
        (f"{bundles[n % len(bundles)][0]}#{n}", bundles[n % len(bundles)][1]) for n in range(size)
    ]


async def run(url: str, name: str, bundles: list[tuple[str, bytes]]) -> dict:
    database = Database.connect(url, name, RESOURCE_TYPES, timeout_ms=30000)
    matching = MatchService(database)
    seconds: list[float] = []
    errors: dict[str, str] = {}
    listed = 0
    try:
        options = PanelOptions(as_of=AS_OF, count=5)
        async for _ in screen(matching, bundles[:14], options):  # warm-up: index, caches
            pass
        started = time.perf_counter()
        async for screened in screen(matching, bundles, options):
            seconds.append(screened.seconds)
            listed += bool(screened.trials)
            if screened.error is not None:
                errors[screened.source.split("#")[0]] = screened.error[:200]
        elapsed = time.perf_counter() - started
    finally:
        await database.close()
    ordered = sorted(seconds)
    return {
        "patients": len(bundles),
        "seconds": round(elapsed, 1),
        "patients_per_second": round(len(bundles) / elapsed, 2),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[round(0.95 * (len(ordered) - 1))] * 1000, 1),
        "with_trials_listed": listed,
        "refused_bundles": errors,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--distinct-criteria", action="store_true")
    parser.add_argument(
        "--real-criteria",
        action="store_true",
        help="criteria compiled from real texts, as bench/match.py --real-criteria",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="reuse (or keep) the catalog here, as bench/match.py"
    )
    args = parser.parse_args()
    bundles = panel(args.patients)
    parts = compiled_parts(base_records()[0], real_texts()) if args.real_criteria else None
    with tempfile.TemporaryDirectory(prefix="fhirtrial-panel-bench-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        mongo = EmbeddedMongo(data_dir / "db")
        mongo.start()
        try:
            kind = catalog_kind(parts, args.distinct_criteria)
            name = f"bench_match_{kind}_{args.studies}"
            load_seconds = await loaded_catalog(
                mongo.url, data_dir, name, args.studies, templates(), args.distinct_criteria, parts
            )
            figures = await run(mongo.url, name, bundles)
        finally:
            mongo.stop()
    figures |= {"studies": args.studies, "load_seconds": round(load_seconds, 1)}
    print(
        f"{figures['patients']} patients against {args.studies} studies in "
        f"{figures['seconds']} s: {figures['patients_per_second']} patients/s "
        f"(per patient p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms; "
        f"{len(figures['refused_bundles'])} bundle(s) refused)"
    )
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "version": __version__,
        "machine": machine_facts(),
        "distinct_criteria": args.distinct_criteria or args.real_criteria,
        "real_criteria": args.real_criteria,
        "results": figures,
    }
    RESULTS.mkdir(exist_ok=True)
    suffix = "-real" if parts else "-distinct" if args.distinct_criteria else ""
    out = RESULTS / f"panel-{datetime.date.today().isoformat()}{suffix}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    asyncio.run(main())
