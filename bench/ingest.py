"""Ingest benchmark: ClinicalTrials.gov records → FHIR R5 resources → MongoDB.

The real records in tests/data/ctgov (35 breast-cancer studies and the large NCT02513394 with
437 sites) are replicated with new NCT ids until there are --studies of them. Three figures:

  1. parse → map → validate alone (JSON text in, validated resources out as JSON text), in one
     process and in --workers processes, studies/s;
  2. end to end into the embedded database (SecantusDB child process) the importer's way:
     workers parse, map, validate and extract search fields, the parent writes batches of 75
     studies in one transaction each, plus the source records and the match index; studies/s;
  3. the same import again into that database, every study unchanged (a catalog refresh: each
     resource is read and compared, nothing is written); studies/s.

For the imports it also reports where the CPU went, in ms per study: the database process, the
importing process and its worker processes (from /proc and getrusage, so every thread counts).

Each is repeated --repeat times; the median is reported (this machine has 2 cores: medians and
ratios, not single runs).

    .venv/bin/python bench/ingest.py [--studies 5000] [--repeat 3]
"""

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import cpu_ms, machine_facts  # noqa: E402
from fhirtrial.catalog.importer import (  # noqa: E402
    BATCH_SIZE,
    import_studies,
    process_pool,
)
from fhirtrial.catalog.sources import StudyInput  # noqa: E402
from fhirtrial.mappers.ctgov import map_study, validate_mapped  # noqa: E402
from fhirtrial.matching.service import MatchService  # noqa: E402
from fhirtrial.resources.registry import RESOURCE_TYPES  # noqa: E402
from fhirtrial.store.database import Database  # noqa: E402
from fhirtrial.store.embedded import EmbeddedMongo  # noqa: E402

DATA = ROOT / "tests" / "data" / "ctgov"


def real_records() -> list[bytes]:
    lines = (DATA / "breast-cancer-studies.ndjson").read_bytes().splitlines()
    return [line for line in lines if line.strip()] + [(DATA / "NCT02513394.json").read_bytes()]


def replicated(count: int, offset: int = 0) -> list[bytes]:
    """`count` study JSON texts: the real records in turn, each with a fresh NCT id."""
    records = real_records()
    out = []
    for n in range(count):
        source = records[n % len(records)]
        original = orjson.loads(source)["protocolSection"]["identificationModule"]["nctId"]
        out.append(source.replace(original.encode(), f"NCT9{offset + n:07d}".encode()))
    return out


def parse_map_validate(texts: list[bytes]) -> float:
    """One process."""
    started = time.perf_counter()
    parse_map_validate_chunk(texts)
    return len(texts) / (time.perf_counter() - started)


def parse_map_validate_chunk(texts: list[bytes]) -> list[bytes]:
    """The stage alone, in a worker: each study's validated resources come back as JSON text."""
    out = []
    for text in texts:
        mapped = map_study(orjson.loads(text))
        validate_mapped(mapped)
        out.append(orjson.dumps(mapped.resources))
    return out


def parse_map_validate_pool(texts: list[bytes], pool) -> float:
    """The same stage in worker processes, chunks of one import batch each."""
    started = time.perf_counter()
    chunks = [texts[i : i + BATCH_SIZE] for i in range(0, len(texts), BATCH_SIZE)]
    results = [r for chunk in pool.map(parse_map_validate_chunk, chunks) for r in chunk]
    elapsed = time.perf_counter() - started
    assert len(results) == len(texts)
    return len(texts) / elapsed


@dataclass(frozen=True)
class ImportRun:
    """One import of every record: studies/s and CPU ms per study of each process."""

    rate: float
    database_cpu: float
    importer_cpu: float
    workers_cpu: float


async def end_to_end(
    texts: list[bytes], url: str, database_name: str, workers: int, database_pid: int
) -> tuple[ImportRun, ImportRun]:
    """(the first import, importing the same records again)."""
    database = Database.connect(url, database_name, RESOURCE_TYPES)
    await database.ensure_indexes()
    matching = MatchService(database)
    runs = []
    for expected in ("created", "unchanged"):
        before = _cpu_now(database_pid)
        started = time.perf_counter()
        inputs = (StudyInput(f"bench[{i}]", raw=t) for i, t in enumerate(texts))
        summary = await import_studies(matching, inputs, workers=workers)
        elapsed = time.perf_counter() - started
        # The workers have exited (the importer shuts its pool down), so their CPU is counted.
        spent = [(b - a) / len(texts) for a, b in zip(before, _cpu_now(database_pid), strict=True)]
        assert not summary.failures, summary.failures[:3]
        assert len(getattr(summary, expected)) == len(texts)
        runs.append(ImportRun(len(texts) / elapsed, *spent))
    # No dropDatabase: on SecantusDB it takes longer than the import; the temp dir goes instead.
    await database.close()
    return runs[0], runs[1]


def _cpu_now(database_pid: int) -> tuple[float, float, float]:
    """CPU ms so far of the database, this process, and this process's exited children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        cpu_ms(database_pid),
        (own.ru_utime + own.ru_stime) * 1000,
        (children.ru_utime + children.ru_stime) * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    texts = replicated(args.studies)
    parse_map_validate(texts[:40])  # warm-up: fhir.resources builds its validators lazily
    single = [parse_map_validate(texts) for _ in range(args.repeat)]
    pool = process_pool(args.workers)
    try:
        list(pool.map(parse_map_validate_chunk, [[t] for t in texts[:4]]))
        pooled = [parse_map_validate_pool(texts, pool) for _ in range(args.repeat)]
    finally:
        pool.shutdown()

    report("parse → map → validate, 1 process", single)
    report(f"parse → map → validate, {args.workers} worker processes", pooled)
    with tempfile.TemporaryDirectory() as data_dir:
        server = EmbeddedMongo(Path(data_dir))
        server.start()
        try:
            stored = [
                asyncio.run(end_to_end(texts, server.url, f"ingest{r}", args.workers, server.pid))
                for r in range(args.repeat)
            ]
        finally:
            server.stop()

    facts = machine_facts()
    print(f"machine: {facts['nproc']} cores, {facts['cpu_model']}")
    print(f"studies: {args.studies} (the 36 real records replicated), runs: {args.repeat}")
    for label, runs in (
        (f"end to end into the embedded DB, {args.workers} workers", [s[0] for s in stored]),
        ("the same records again (all unchanged)", [s[1] for s in stored]),
    ):
        report(label, [run.rate for run in runs])
        print(
            f"{'':<4}CPU ms per study, medians: database "
            f"{statistics.median(r.database_cpu for r in runs):.1f}, importing process "
            f"{statistics.median(r.importer_cpu for r in runs):.1f}, workers "
            f"{statistics.median(r.workers_cpu for r in runs):.1f}"
        )


def report(label: str, values: list[float]) -> None:
    runs = ", ".join(f"{v:.1f}" for v in values)
    print(f"{label:<52} median {statistics.median(values):7.1f} studies/s  (runs: {runs})")


if __name__ == "__main__":
    main()
