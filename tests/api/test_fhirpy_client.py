"""fhirpy, the most used Python FHIR client, against the server on a real socket (uvicorn on a
free loopback port): what its helpers send must work as they expect."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
import uvicorn
from fhirpy import AsyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome

from fhirtrial.api.app import create_app
from tests.helpers import assert_valid_fhir, make_settings
from tests.matching.match_patients import melanoma_patient, parameters

MRN = "urn:oid:1.2.36.146.595.217.0.1"


@contextlib.asynccontextmanager
async def live_server(mongo_url: str, *, load_seeds: bool = False) -> AsyncIterator[str]:
    # No base URL: links are built from the Host header, the address fhirpy calls.
    settings = make_settings(mongo_url, base_url=None, load_seeds=load_seeds)
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # the server failed to start: raise its error
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        database = app.state.context.repository.database
        await database.client.drop_database(settings.database)
        server.should_exit = True
        await task


@pytest.fixture
async def fhir(mongo_url) -> AsyncIterator[AsyncFHIRClient]:
    async with live_server(mongo_url) as url:
        yield AsyncFHIRClient(url, extra_headers={"Accept": "application/fhir+json"})


async def test_count_works(fhir):
    for given in ("Ann", "Bea", "Cy"):
        await fhir.resource("Patient", name=[{"given": [given]}], gender="female").save()
    await fhir.resource("Patient", gender="male").save()
    assert await fhir.resources("Patient").count() == 4
    assert await fhir.resources("Patient").search(gender="female").count() == 3


async def test_get_or_create_creates_once(fhir):
    identifier = [{"system": MRN, "value": "12345"}]
    search = fhir.resources("Patient").search(identifier=f"{MRN}|12345")
    first, created = await search.get_or_create(fhir.resource("Patient", identifier=identifier))
    assert created is True
    again, created_again = await search.get_or_create(
        fhir.resource("Patient", identifier=identifier)
    )
    assert created_again is False
    assert again.id == first.id
    assert await fhir.resources("Patient").count() == 1


async def test_fhirpy_s_merge_patch_is_refused_clearly_and_changes_nothing(fhir):
    patient = fhir.resource("Patient", gender="female")
    await patient.save()
    # fhirpy's patch sends a partial resource as application/json, which is no patch format
    # FHIR defines (FHIRPath Patch is a Parameters): the server says so instead of guessing.
    with pytest.raises(OperationOutcome, match="Parameters"):
        await patient.patch(birthDate="1970-01-01")
    stored = await fhir.reference("Patient", patient.id).to_resource()
    assert "birthDate" not in stored
    assert stored["meta"]["versionId"] == "1"


async def test_match_through_fhirpy_execute(mongo_url):
    # The seed catalog: NCT05361174 has a cohort for unresectable or metastatic melanoma.
    async with live_server(mongo_url, load_seeds=True) as url:
        fhir = AsyncFHIRClient(url, extra_headers={"Accept": "application/fhir+json"})
        answer = await fhir.execute(
            "ResearchStudy/$match", method="post", data=parameters(melanoma_patient())
        )
    assert answer["resourceType"] == "Bundle" and answer["type"] == "searchset"
    assert_valid_fhir(answer)
    assert answer["link"][0]["relation"] == "self"
    studies = {
        e["resource"]["id"]
        for e in answer["entry"]
        if e["resource"]["resourceType"] == "ResearchStudy"
    }
    assert "NCT05361174" in studies
