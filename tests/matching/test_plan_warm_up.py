"""The server builds every study's evaluation plan in the background when it starts, so the first
`$match` finds them built (README Performance: ~25 s at 30,000 studies otherwise)."""

import asyncio
import gc

import httpx

from fhirtrial.api.app import create_app
from tests.helpers import make_settings
from tests.matching.match_answers import match_ok, read_matches
from tests.matching.match_patients import AS_OF, melanoma_patient, parameters


async def started(mongo_url, **overrides):
    settings = make_settings(mongo_url, load_seeds=True, **overrides)
    return settings, create_app(settings)


async def test_plans_are_built_at_start_before_any_match(mongo_url):
    settings, app = await started(mongo_url)
    async with app.router.lifespan_context(app):
        matching = app.state.context.matching
        assert matching.warming is not None
        assert await asyncio.wait_for(matching.warming, timeout=60) == 2
        assert len(matching.plans) == 2  # the two seed studies' criteria
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fhir.test") as client:
            body = parameters(melanoma_patient(), {"name": "asOf", "valueDate": AS_OF})
            matches = read_matches(await match_ok(client, body))
        assert set(matches) == {"NCT05361174", "NCT05398640"}
        await matching.database.client.drop_database(settings.database)


async def test_a_match_during_the_warm_up_answers_as_after_it(mongo_url):
    body = parameters(melanoma_patient(), {"name": "asOf", "valueDate": AS_OF})
    answers = []
    for warm in (True, False):
        settings, app = await started(mongo_url, match_warm_up=warm)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://fhir.test") as c:
                found = read_matches(await match_ok(c, body))  # at once: the warm-up may run
            answers.append({study: (m.verdict, m.search_score) for study, m in found.items()})
            await app.state.context.matching.database.client.drop_database(settings.database)
    assert answers[0] == answers[1] and len(answers[0]) == 2


async def test_what_the_warm_up_built_is_frozen_for_the_collector(mongo_url):
    """A full collection walked every plan of the catalog (a pause of ~0.5 s at 30,000 studies
    every few hundred requests) until the end of the warm-up froze them, as start-up is."""
    settings, app = await started(mongo_url)
    async with app.router.lifespan_context(app):
        matching = app.state.context.matching
        await asyncio.wait_for(matching.warming, timeout=60)
        plan = matching.plans.get("NCT05361174-eligibility", 1)
        assert plan is not None
        walked = {id(found) for found in gc.get_objects()}  # the frozen are not listed
        assert id(plan) not in walked and id(plan.plan) not in walked
        await matching.database.client.drop_database(settings.database)
    unfrozen = {id(found) for found in gc.get_objects()}  # a stopped server unfreezes
    assert id(plan) in unfrozen
