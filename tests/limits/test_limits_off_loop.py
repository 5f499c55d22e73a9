"""CPU-bound work runs in the CPU worker thread (fhirtrial.offload), not on the event loop: while
that worker is busy, a `$match` waits for it and a read by id is answered all the same."""

import asyncio
import threading

from fhirtrial.offload import off_loop
from tests.helpers import FHIR_JSON, make_settings, running_client
from tests.matching.match_answers import post_match
from tests.matching.match_patients import melanoma_patient


async def test_a_read_is_answered_while_match_waits_for_the_cpu_worker(mongo_url):
    async with running_client(make_settings(mongo_url, load_seeds=True)) as client:
        study = {"resourceType": "ResearchStudy", "id": "read-me", "status": "active"}
        await client.put("/ResearchStudy/read-me", json=study, headers=FHIR_JSON)
        release = threading.Event()
        busy = asyncio.ensure_future(off_loop(release.wait, 60))
        try:
            match = asyncio.ensure_future(post_match(client, melanoma_patient()))
            read = await asyncio.wait_for(client.get("/ResearchStudy/read-me"), 30)
            assert read.status_code == 200
            assert not match.done(), "$match ran on the event loop, not in the CPU worker"
        finally:
            release.set()
        assert await busy
        response = await match
        assert response.status_code == 200, response.text
