"""Bulk export throughput: `$export` of a catalog of N studies, kick-off to manifest, and the
download of every file.

    .venv/bin/python bench/export.py --studies 3000 --rounds 3

Starts an embedded SecantusDB in a temp dir and the app in-process (httpx over ASGI, the
server's background export runner included); stores N full ResearchStudy resources mapped
from the real ClinicalTrials.gov records in tests/data (ids rewritten) with the
EvidenceVariable of each, writing through the Repository (as REST writes do). Each round exports
both types (`_type=ResearchStudy,EvidenceVariable`), polls until the manifest, then downloads
every file and counts its lines. Prints medians and the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from fhirtrial.api.app import create_app
from fhirtrial.config import Settings
from fhirtrial.mappers.ctgov import map_study
from fhirtrial.store.embedded import EmbeddedMongo

STUDIES = Path(__file__).resolve().parent.parent / "tests/data/ctgov/breast-cancer-studies.ndjson"
KICK_OFF = {"Prefer": "respond-async", "Accept": "application/fhir+json"}


def templates() -> list[tuple[dict, dict]]:
    found = []
    for line in STUDIES.read_text().splitlines():
        resources = map_study(json.loads(line)).resources
        study = next(r for r in resources if r["resourceType"] == "ResearchStudy")
        criteria = next(r for r in resources if r["resourceType"] == "EvidenceVariable")
        found.append((study, criteria))
    return found


async def load(app, count: int) -> int:
    repository = app.state.context.repository
    pairs = templates()
    size = 0
    for n in range(count):
        study, criteria = (copy.deepcopy(r) for r in pairs[n % len(pairs)])
        study["id"], criteria["id"] = f"bench-{n:05d}", f"bench-ev-{n:05d}"
        study.pop("url", None)
        criteria.pop("url", None)
        for resource in (study, criteria):
            await repository.update(resource["resourceType"], resource["id"], resource)
        size += len(json.dumps(study)) + len(json.dumps(criteria))
    return size


async def one_round(client: httpx.AsyncClient) -> tuple[float, float, int, int]:
    started = time.perf_counter()
    kicked = await client.get(
        "/$export", params={"_type": "ResearchStudy,EvidenceVariable"}, headers=KICK_OFF
    )
    assert kicked.status_code == 202, kicked.text
    status_url = kicked.headers["content-location"]
    while True:
        status = await client.get(status_url)
        if status.status_code == 200:
            break
        assert status.status_code == 202, status.text
        await asyncio.sleep(0.05)
    exported = time.perf_counter() - started
    started = time.perf_counter()
    lines = size = 0
    for output in status.json()["output"]:
        async with client.stream("GET", output["url"]) as response:
            assert response.status_code == 200
            async for chunk in response.aiter_bytes():
                lines += chunk.count(b"\n")
                size += len(chunk)
    downloaded = time.perf_counter() - started
    await client.delete(status_url)
    return exported, downloaded, lines, size


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        server = EmbeddedMongo(Path(workdir))
        server.start()
        try:
            settings = Settings(
                mongodb_url=server.url,
                database="bench_export",
                load_seeds=False,
                auth="off",
                log_level=os.environ.get("BENCH_LOG", "WARNING"),
                base_url="http://bench",
            )
            app = create_app(settings)
            async with app.router.lifespan_context(app):
                started = time.perf_counter()
                size = await load(app, args.studies)
                print(
                    f"loaded {args.studies} studies + EvidenceVariables "
                    f"({size / 1e6:.1f} MB JSON) in {time.perf_counter() - started:.0f} s"
                )
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://bench", timeout=600
                ) as client:
                    rounds = []
                    for n in range(args.rounds):
                        rounds.append(await one_round(client))
                        exported, downloaded, lines, mb = rounds[-1]
                        print(
                            f"round {n + 1}: export {exported:.2f} s, download {downloaded:.2f} s,"
                            f" {lines} resources, {mb / 1e6:.1f} MB, load {os.getloadavg()[0]:.1f}"
                        )
            export_s = statistics.median(r[0] for r in rounds)
            download_s = statistics.median(r[1] for r in rounds)
            lines, size = rounds[0][2], rounds[0][3]
            print(
                f"median: export {export_s:.2f} s ({lines / export_s:,.0f} resources/s, "
                f"{size / 1e6 / export_s:.1f} MB/s); download {download_s:.2f} s "
                f"({size / 1e6 / download_s:.1f} MB/s); load average {os.getloadavg()}"
            )
        finally:
            server.stop()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
