"""Per-client rate limits: `$match` and `$import` beyond their limit, and an address that keeps
failing authentication, get 429 with Retry-After and a `throttled` OperationOutcome; nothing is
done for a refused request, and other callers are not affected."""

import contextlib
from collections.abc import AsyncIterator

import httpx
from starlette.requests import Request

from fhirtrial.api.app import create_app
from fhirtrial.api.limits import caller
from fhirtrial.auth.principal import Principal, set_principal
from tests.helpers import FHIR_JSON, assert_valid_fhir, make_settings
from tests.matching.match_patients import melanoma_patient, parameters

MATCH = "/ResearchStudy/$match"
PERSIST = {"name": "persist", "valueBoolean": True}


@contextlib.asynccontextmanager
async def clients(settings, *addresses: str) -> AsyncIterator[list[httpx.AsyncClient]]:
    """One client per socket address, all talking to one app in-process."""
    app = create_app(settings)
    async with app.router.lifespan_context(app), contextlib.AsyncExitStack() as stack:
        found = []
        for address in addresses:
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            found.append(
                await stack.enter_async_context(
                    httpx.AsyncClient(transport=transport, base_url="http://fhir.test")
                )
            )
        yield found
        await app.state.context.repository.database.client.drop_database(settings.database)


def assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert_valid_fhir(body)
    assert body["issue"][0]["code"] == "throttled"
    assert int(response.headers["retry-after"]) >= 1


async def test_match_beyond_its_limit_is_a_429_and_stores_nothing(mongo_url):
    settings = make_settings(mongo_url, load_seeds=True, rate_match_per_minute=2)
    async with clients(settings, "10.1.0.1", "10.1.0.2") as (first, second):
        for _ in range(2):
            response = await first.post(MATCH, json=melanoma_patient(), headers=FHIR_JSON)
            assert response.status_code == 200, response.text
        refused = await first.post(
            MATCH, json=parameters(melanoma_patient(), PERSIST), headers=FHIR_JSON
        )
        assert_throttled(refused)
        assert 25 <= int(refused.headers["retry-after"]) <= 31  # one of 2 a minute
        assert (await first.get("/Patient")).json()["total"] == 0
        other = await second.post(MATCH, json=melanoma_patient(), headers=FHIR_JSON)
        assert other.status_code == 200, other.text


async def test_import_beyond_its_limit_is_a_429(mongo_url):
    settings = make_settings(mongo_url, rate_import_per_minute=1)
    async with clients(settings, "127.0.0.1") as (client,):
        body = {"resourceType": "Parameters", "parameter": []}
        first = await client.post("/ResearchStudy/$import", json=body, headers=FHIR_JSON)
        assert first.status_code == 400  # counted, though it asked for nothing
        assert_throttled(await client.post("/ResearchStudy/$import", json=body, headers=FHIR_JSON))


async def test_an_address_that_keeps_failing_authentication_gets_429(mongo_url):
    settings = make_settings(mongo_url, auth="required", rate_auth_failures_per_minute=3)
    async with clients(settings, "10.2.0.1", "10.2.0.2") as (guesser, bystander):
        for guess in ("a", "b", "c"):
            response = await guesser.get("/Patient", headers={"Authorization": f"Bearer {guess}"})
            assert response.status_code == 401
        # Beyond the limit, a request without credentials for patient data is refused before
        # any work; one with a token is still verified (behind a proxy it may be another
        # client's), and the public catalog stays open.
        assert_throttled(await guesser.get("/Patient"))
        assert_throttled(await guesser.delete("/ResearchStudy/x"))
        assert (
            await guesser.get("/Patient", headers={"Authorization": "Bearer d"})
        ).status_code == 401
        assert (await guesser.get("/ResearchStudy")).status_code == 200
        assert (await bystander.get("/Patient")).status_code == 401


async def test_token_requests_beyond_the_limit_get_429(mongo_url):
    settings = make_settings(mongo_url, auth="required", rate_token_per_minute=3)
    async with clients(settings, "10.4.0.1", "10.4.0.2") as (caller_a, caller_b):
        form = {"grant_type": "client_credentials"}
        for _ in range(3):
            assert (await caller_a.post("/auth/token", data=form)).status_code == 400
        assert_throttled(await caller_a.post("/auth/token", data=form))
        assert (await caller_b.post("/auth/token", data=form)).status_code == 400


def test_limits_count_the_authenticated_client_else_the_socket_address():
    scope = {"type": "http", "client": ("10.3.0.1", 5000), "headers": []}
    anonymous = Request(scope)
    assert caller(anonymous) == "address:10.3.0.1"
    forwarded = Request({**scope, "headers": [(b"x-forwarded-for", b"10.9.9.9")]})
    assert caller(forwarded) == "address:10.3.0.1"
    known = Request({**scope, "state": {}})
    set_principal(known, Principal(client_id="ehr-backend"))
    assert caller(known) == "client:ehr-backend"
