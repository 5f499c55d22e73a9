"""SecantusDB's oplog under a batched import: the time of each transaction with and without it.

Starts SecantusDB twice in temp dirs, as a one-node replica set (its default: it writes an oplog
entry per document and prunes the oldest beyond `--oplog-max-entries` inside a commit) and with
`--standalone` (no oplog, how fhirtrial's embedded server runs: ADR 0026), writes the same
documents through PyMongo in transactions of `--per-batch`, and prints the rows of the oplog and
the milliseconds of each batch, then the median, p95 and maximum per mode.

    /work/main/.venv/bin/python bench/oplog.py --cap 1000 --batches 60 --per-batch 100 --size 30000
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from pymongo import MongoClient


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run(args: argparse.Namespace, standalone: bool) -> list[float]:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="oplog-bench-") as storage:
        command = [sys.executable, "-m", "secantus", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--storage-path", storage, "--log-level", "WARNING"]
        command += ["--oplog-max-entries", str(args.cap), *(["--standalone"] if standalone else [])]
        server = subprocess.Popen(command)
        try:
            url = f"mongodb://127.0.0.1:{port}/?directConnection=true"
            with MongoClient(url, serverSelectionTimeoutMS=20_000) as client:
                return write_batches(client, args, "standalone" if standalone else "replica set")
        finally:
            server.terminate()
            server.wait()


def write_batches(client: MongoClient, args: argparse.Namespace, mode: str) -> list[float]:
    documents = client.bench.documents
    oplog = client.local["oplog.rs"]
    times = []
    for batch in range(args.batches):
        first = batch * args.per_batch
        batch_docs = [
            {"_id": n, "text": "x" * args.size} for n in range(first, first + args.per_batch)
        ]
        started = time.perf_counter()
        with client.start_session() as session, session.start_transaction():
            documents.insert_many(batch_docs, session=session)
        times.append((time.perf_counter() - started) * 1000)
        rows = oplog.count_documents({})
        print(f"{mode:11}  batch {batch:4d}  oplog rows {rows:7d}  {times[-1]:8.1f} ms", flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=int, default=1000, help="--oplog-max-entries")
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--per-batch", type=int, default=100)
    parser.add_argument("--size", type=int, default=30_000, help="bytes of text per document")
    args = parser.parse_args()
    summary = {mode: run(args, mode) for mode in (False, True)}
    for standalone, times in summary.items():
        ordered = sorted(times)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        print(
            f"{'standalone' if standalone else 'replica set':11}  median "
            f"{statistics.median(times):.1f} ms  p95 {p95:.1f} ms  max {max(times):.1f} ms"
        )


if __name__ == "__main__":
    main()
