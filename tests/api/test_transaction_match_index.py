"""A transaction's writes reach the `$match` index of every process, however long it ran.

The index's sync learns of writes by their `lu` stamp, trusting that a write is visible within
`settle_margin` of it (docs/adr/0003). A transaction's writes become visible at its commit."""

import asyncio
from datetime import timedelta

import httpx

from fhirtrial.api import entries
from fhirtrial.api.app import create_app
from fhirtrial.matching.index.sync import sync_index
from fhirtrial.matching.service import MatchService
from tests.helpers import FHIR_JSON, make_settings


async def test_a_study_written_by_a_transaction_that_outlasts_the_settle_margin_is_indexed(
    mongo_url, monkeypatch
):
    """The transaction writes a study, then takes longer than the margin over a later entry
    (here it waits, so that the order is certain); meanwhile each process runs a match, whose
    sync settles past the study's stamp though the study is not visible yet. After the commit,
    the next match of each process must have the study in its index."""
    settings = make_settings(mongo_url)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        here = app.state.context.matching
        database = here.database
        elsewhere = MatchService(database)  # another process's matching state
        for service in (here, elsewhere):
            # A margin of 0 stands for a transaction slower than the real one (5 s).
            service.index.settle_margin = timedelta(0)
            await sync_index(service)

        reached, release = asyncio.Event(), asyncio.Event()
        original_post = entries.post

        async def slow_post(ctx, entry, rid=None):  # type: ignore[no-untyped-def]
            if entry.resource_type == "Patient":
                reached.set()
                await release.wait()
            return await original_post(ctx, entry, rid)

        monkeypatch.setattr(entries, "post", slow_post)
        body = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "resource": {"resourceType": "ResearchStudy", "status": "active"},
                    "request": {"method": "POST", "url": "ResearchStudy"},
                },
                {
                    "resource": {"resourceType": "Patient", "active": True},
                    "request": {"method": "POST", "url": "Patient"},
                },
            ],
        }
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fhir.test") as client:
            sent = asyncio.create_task(client.post("/", json=body, headers=FHIR_JSON))
            await asyncio.wait_for(reached.wait(), timeout=30)
            # The study is written, not committed: both matches settle past its stamp.
            for service in (here, elsewhere):
                await sync_index(service)
            await asyncio.sleep(0.01)  # the clock moves on before the transaction ends
            release.set()
            response = await sent
            assert response.status_code == 200, response.text
            located = response.json()["entry"][0]["response"]["location"]
            study_id = located.split("/")[1]
            for service in (here, elsewhere):
                await sync_index(service)
                entry = service.index.mirror.entries.get(study_id)
                assert entry is not None and entry["rs_v"] == 1
        await database.client.drop_database(settings.database)


async def test_the_versions_of_a_transaction_share_the_lastupdated_it_answers_with(client):
    """Every version a transaction writes carries the moment it ended (just before its commit),
    in what it answers and in what is stored."""
    body = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": {"resourceType": "ResearchStudy", "status": "active"},
                "request": {"method": "POST", "url": "ResearchStudy"},
            },
            {
                "resource": {"resourceType": "Patient", "active": True},
                "request": {"method": "POST", "url": "Patient"},
            },
        ],
    }
    headers = {**FHIR_JSON, "Prefer": "return=representation"}
    response = await client.post("/", json=body, headers=headers)
    assert response.status_code == 200, response.text
    answered = response.json()["entry"]
    moments = {e["response"]["lastModified"] for e in answered}
    assert len(moments) == 1
    for e in answered:
        assert e["resource"]["meta"]["lastUpdated"] == e["response"]["lastModified"]
        stored = (await client.get(e["response"]["location"].rsplit("/_history", 1)[0])).json()
        assert stored["meta"]["lastUpdated"] == e["response"]["lastModified"]
        since = e["response"]["lastModified"]
        history = await client.get(f"/{stored['resourceType']}/_history", params={"_since": since})
        assert [h["resource"]["id"] for h in history.json()["entry"]] == [stored["id"]]
