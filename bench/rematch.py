"""The re-match job's throughput: persisted patients re-assessed after catalog changes.

    .venv/bin/python bench/rematch.py                     # 240 patients, 37 studies
    .venv/bin/python bench/rematch.py --copies 5          # 60 patients

Catalog: the 35 real breast-cancer records of tests/data/ctgov (`$import`) and the two seed
trials. Patients: the 12 Synthea breast-cancer bundles of tests/data/patients (230-420 entries),
each posted `--copies` times under new identifiers with `persist=true`. The app runs in process
over an embedded SecantusDB (no HTTP server: the job is not an HTTP request). Three job runs are
timed: after one study's criteria changed in a way that changes verdicts, after every study's
criteria were re-written with new wording only (no verdict changes: nothing is written), and with
nothing changed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import copy
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
import orjson
from _common import machine_facts

from fhirtrial.api.app import create_app
from fhirtrial.config import Settings
from fhirtrial.matching.rematch.job import run_rematch
from fhirtrial.store.embedded import EmbeddedMongo

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
JSON = {"Content-Type": "application/fhir+json"}


def studies_body() -> dict:
    lines = (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_bytes().splitlines()
    return {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "study",
                "valueAttachment": {
                    "contentType": "application/json",
                    "data": base64.b64encode(line).decode(),
                },
            }
            for line in lines
            if line.strip()
        ],
    }


def patients(copies: int) -> list[dict]:
    bundles = [
        orjson.loads(path.read_bytes())
        for path in sorted((DATA / "patients" / "synthea-mcode-breast").glob("*.json"))
    ]
    out = []
    for number in range(copies):
        for index, bundle in enumerate(bundles):
            posted = copy.deepcopy(bundle)
            for entry in posted["entry"]:
                if entry["resource"]["resourceType"] == "Patient":
                    entry["resource"]["identifier"] = [
                        {"system": "urn:bench:mrn", "value": f"B-{number}-{index}"}
                    ]
            out.append(posted)
    return out


async def timed_job(matching) -> tuple[float, object]:
    started = time.perf_counter()
    done = await run_rematch(matching)
    return time.perf_counter() - started, done


async def main(copies: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        server = EmbeddedMongo(Path(folder))
        server.start()
        try:
            settings = Settings(
                mongodb_url=server.url,
                database="bench_rematch",
                auth="off",
                log_level="WARNING",
                rematch_interval_s=0,
                rate_match_per_minute=0,
            )
            app = create_app(settings)
            async with app.router.lifespan_context(app):
                matching = app.state.context.matching
                matching.index.settle_margin = timedelta(0)
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
                    await run(client, matching, copies)
        finally:
            server.stop()


async def run(client: httpx.AsyncClient, matching, copies: int) -> None:
    response = await client.post("/ResearchStudy/$import", json=studies_body(), headers=JSON)
    assert response.status_code == 200, response.text
    persist_ms = []
    for bundle in patients(copies):
        body = {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "patient", "resource": bundle},
                {"name": "persist", "valueBoolean": True},
            ],
        }
        started = time.perf_counter()
        response = await client.post("/ResearchStudy/$match", json=body, headers=JSON)
        persist_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    print(machine_facts())
    subjects = (await client.get("/ResearchSubject", params={"_summary": "count"})).json()
    print(
        f"{len(persist_ms)} patients persisted, {subjects['total']} ResearchSubjects; "
        f"$match persist=true median {statistics.median(persist_ms):.0f} ms"
    )
    await run_rematch(matching)  # sets the cursor past the set-up
    studies = (await client.get("/ResearchStudy", params={"_count": 100})).json()["entry"]
    evs = [
        s["resource"]["recruitment"]["eligibility"]["reference"]
        for s in studies
        if s["resource"].get("recruitment", {}).get("eligibility")
    ]
    # One study's criteria lose their first characteristic: verdicts change.
    first = (await client.get(f"/{evs[0]}")).json()
    first["characteristic"] = first["characteristic"][1:]
    await client.put(f"/{evs[0]}", json=first, headers=JSON)
    seconds, done = await timed_job(matching)
    print(f"one study's criteria changed: {seconds:.1f} s; {done}")
    # Every study's criteria re-worded (the title only): nothing to write.
    for reference in evs:
        criteria = (await client.get(f"/{reference}")).json()
        criteria["title"] = (criteria.get("title") or "") + " (re-worded)"
        await client.put(f"/{reference}", json=criteria, headers=JSON)
    seconds, done = await timed_job(matching)
    print(f"all {len(evs)} studies' criteria re-worded: {seconds:.1f} s; {done}")
    seconds, done = await timed_job(matching)
    print(f"nothing changed: {seconds * 1000:.0f} ms; {done}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=20)
    asyncio.run(main(parser.parse_args().copies))
