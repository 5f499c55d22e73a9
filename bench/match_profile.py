"""cProfile of one `$match` (the matcher in-process, warm) against a catalog `bench/match.py`
kept in its data dir:

    .venv/bin/python bench/match.py --sizes 30000 --real-criteria --data-dir /tmp/m  # once
    .venv/bin/python bench/match_profile.py --data-dir /tmp/m --database bench_match_real_30000

Prints the wall time of each of a few warm matches and the functions by cumulative and own time
of one more under cProfile, the CPU worker's pieces run inline (cProfile roughly doubles the
time of Python-heavy code).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from fhirtrial.matching import matcher
from fhirtrial.matching.matcher import match_patient
from fhirtrial.matching.request import match_request
from fhirtrial.matching.service import MatchService
from fhirtrial.resources.registry import RESOURCE_TYPES
from fhirtrial.store.database import Database
from fhirtrial.store.embedded import EmbeddedMongo

PATIENT = (
    Path(__file__).resolve().parent.parent
    / "tests/data/patients/synthea-mcode-breast/patient-07.json"
)


async def _inline(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--patient", type=Path, default=PATIENT)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--runs", type=int, default=4, help="warm matches before the profiled one")
    args = parser.parse_args()
    bundle = orjson.loads(args.patient.read_bytes())
    body = {"resourceType": "Parameters", "parameter": [{"name": "patient", "resource": bundle}]}
    mongo = EmbeddedMongo(args.data_dir / "db")
    mongo.start()
    database = Database.connect(mongo.url, args.database, RESOURCE_TYPES, timeout_ms=30000)
    matching = MatchService(database)
    try:
        for run in range(args.runs):
            started = time.perf_counter()
            result = await match_patient(matching, match_request(body))
            print(
                f"run {run}: {(time.perf_counter() - started) * 1000:.0f} ms, "
                f"{result.candidates} candidates, {len(result.matches)} matches"
            )
        # cProfile sees only its own thread: run the CPU worker's pieces inline for this one
        matcher.off_loop = _inline  # type: ignore[assignment]
        profile = cProfile.Profile()
        profile.enable()
        await match_patient(matching, match_request(body))
        profile.disable()
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
            print(out.getvalue())
    finally:
        await database.close()
        mongo.stop()


if __name__ == "__main__":
    asyncio.run(main())
